from pathlib import Path

from django.core.management.base import CommandError

from gridgov.core.exports import CSV, FORMATS, write_table
from gridgov.core.management.base import ActionCommand
from gridgov.powers.files import COLUMNS, export_rows
from gridgov.powers.selectors import jurisdiction_named, parse_as_of, versions_in_effect


class Command(ActionCommand):
    help = (
        "Export a county's or city's power-item catalogue as of a date, in the file format "
        "import_power_items reads: .xlsx or .csv by the output's name; CSV to standard output "
        "when no --output is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--jurisdiction", required=True, help="county or city code, e.g. 330402"
        )
        parser.add_argument("--as-of", help="YYYY-MM-DD; default: today")
        parser.add_argument("--output", "-o", help="a .xlsx or .csv file")

    def handle(self, *args, jurisdiction, as_of, output, **options):
        area = jurisdiction_named(jurisdiction)
        day = parse_as_of(as_of)
        fmt = Path(output).suffix.lstrip(".").lower() if output else CSV
        if fmt not in FORMATS:
            raise CommandError("The output must end in .xlsx or .csv.")
        versions = (
            versions_in_effect(day)
            .filter(item__jurisdiction=area)
            .select_related("item", "department")
            .order_by("item__code")
        )
        rows = export_rows(versions.iterator(chunk_size=2000))
        data = write_table(fmt, COLUMNS, rows, title=area.name)
        if output:
            Path(output).write_bytes(data)
            self.stdout.write(
                self.style.SUCCESS(f"{len(rows)} items of {area.name} on {day}: {output}")
            )
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
