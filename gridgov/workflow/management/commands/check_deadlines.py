from gridgov.core.management.base import ActionCommand
from gridgov.core.summaries import summary_text
from gridgov.workflow.deadlines import sweep


class Command(ActionCommand):
    help = "Chase every late work item of every kind now (the worker does this every minute)."

    def handle(self, *args, **options):
        for kind, done in sweep().items():
            self.stdout.write(f"{kind}: {summary_text(done)}")
