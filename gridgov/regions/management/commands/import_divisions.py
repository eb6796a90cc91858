from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.regions.actions import do_import_divisions
from gridgov.regions.divisions import JIAXING_DIVISIONS, read_division_csv


class Command(ActionCommand):
    help = (
        "Import an official division file (code,name,level,parent_code) into the region tree. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(JIAXING_DIVISIONS))

    def handle(self, *args, path, **options):
        rows = read_division_csv(Path(path).read_text(encoding="utf-8"))
        summary = do_import_divisions(rows, actor=self.actor)
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(n)d divisions: %(created)d created, %(updated)d updated, %(unchanged)d "
                    "unchanged; %(not_in_file)d stored regions not in the file were left as "
                    "they are."
                )
                % {"n": len(rows), **summary.as_dict()}
            )
        )
