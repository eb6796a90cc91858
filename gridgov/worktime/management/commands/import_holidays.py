from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.worktime.actions import import_holiday_file
from gridgov.worktime.holidays import HOLIDAYS_CN


class Command(ActionCommand):
    help = (
        "Import public holidays and make-up working days (调休) from a CSV file with the columns "
        "date,is_working_day,name. All or nothing; a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(HOLIDAYS_CN))
        parser.add_argument("--source", help="Where the dates come from (default: the file name).")

    def handle(self, *args, path, source, **options):
        summary = import_holiday_file(path, actor=self.actor, source=source)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)d days created, %(updated)d updated, %(unchanged)d unchanged.")
                % vars(summary)
            )
        )
