from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.core.summaries import summary_text
from gridgov.workflow.deadlines import sweep
from gridgov.workflow.engine import WORKFLOWS


class Command(ActionCommand):
    help = "Chase every late work item of every kind now (the worker does this every minute)."

    def handle(self, *args, **options):
        for kind, done in sweep().items():
            what = WORKFLOWS[kind].model._meta.verbose_name_plural
            self.stdout.write(f"{what}: {summary_text(done) or _('nothing late')}")
