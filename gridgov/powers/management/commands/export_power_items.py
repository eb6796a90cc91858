from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from gridgov.core.exports import CSV, FORMATS, write_table
from gridgov.core.management.base import ActionCommand
from gridgov.powers.files import COLUMNS, export_rows
from gridgov.powers.models import PowerItemVersion
from gridgov.powers.selectors import jurisdiction_named, parse_as_of


class Command(ActionCommand):
    help = (
        "Export a county's or city's power-item catalogue with its history: every dated version "
        "of every item (one row per item and date, as import_power_items reads them; with "
        "--as-of, the versions dated up to that day). .xlsx or .csv by the output's name; CSV "
        "to standard output when no --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jurisdiction", required=True, help="county or city code, e.g. 330402"
        )
        parser.add_argument("--as-of", help="YYYY-MM-DD; default: every version")
        parser.add_argument("--output", "-o", help="a .xlsx or .csv file")

    def handle(self, *args, jurisdiction, as_of, output, **options):
        area = jurisdiction_named(jurisdiction)
        fmt = Path(output).suffix.lstrip(".").lower() if output else CSV
        if fmt not in FORMATS:
            raise CommandError(_("The output must end in .xlsx or .csv."))
        # Every version, not the one in effect: a transfer's earlier holder is history the
        # file must keep, or importing it again loses it.
        versions = PowerItemVersion.objects.filter(item__jurisdiction=area)
        if as_of:
            versions = versions.filter(effective_from__lte=parse_as_of(as_of))
        versions = versions.select_related("item", "department").order_by(
            "item__code", "effective_from"
        )
        rows = export_rows(versions.iterator(chunk_size=2000))
        data = write_table(fmt, COLUMNS, rows, title=area.name)
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(n)d dated versions of %(area)s's items: %(file)s")
                    % {"n": len(rows), "area": area.name, "file": output}
                )
            )
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
