from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.core.summaries import summary_text
from gridgov.events.catalogue import DEFAULT_CATEGORIES, do_import_categories, read_category_csv


class Command(ActionCommand):
    help = (
        "Import the event category taxonomy "
        "(code,name,parent_code,accept_hours,dispatch_hours,handle_hours,verify_hours,"
        "handling_level). All or nothing; categories not in the file are deactivated."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CATEGORIES))

    def handle(self, *args, path, **options):
        rows = read_category_csv(Path(path).read_text(encoding="utf-8"))
        summary = do_import_categories(rows, actor=self.actor)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)d categories: %(summary)s")
                % {"n": len(rows), "summary": summary_text(summary)}
            )
        )
