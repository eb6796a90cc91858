from pathlib import Path

from django.core.management.base import CommandError

from gridgov.core.exports import FORMATS, write_table
from gridgov.core.management.base import ActionCommand
from gridgov.org.models import Staff
from gridgov.org.roster import COLUMNS, export_rows
from gridgov.regions.models import Region


class Command(ActionCommand):
    help = (
        "Write the roster of a region (its whole subtree) in the import's columns, phones and "
        "ID numbers masked: .xlsx or .csv by the output file's name."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="output file, e.g. 花名册.xlsx")
        parser.add_argument("--area", required=True, help="region code, e.g. 330402")
        parser.add_argument("--inactive", action="store_true", help="people who left instead")

    def handle(self, *args, path, area, inactive, **options):
        fmt = Path(path).suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise CommandError("Name an .xlsx or .csv output file.")
        region = Region.objects.filter(code=area).first()
        if region is None:
            raise CommandError(f"No region {area}.")
        staff = (
            Staff.objects.filter(**{f"region__{region.level}": region.pk}, is_active=not inactive)
            .select_related("region", "user", "department__region", "department__parent")
            .order_by("region__code", "name", "pk")
        )
        Path(path).write_bytes(write_table(fmt, COLUMNS, export_rows(staff.iterator(2000))))
        self.stdout.write(self.style.SUCCESS(f"{staff.count()} staff written to {path}."))
