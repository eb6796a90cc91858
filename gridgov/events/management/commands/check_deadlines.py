from gridgov.core.management.base import ActionCommand
from gridgov.core.summaries import summary_text
from gridgov.events.actions import do_escalate_overdue


class Command(ActionCommand):
    help = "Escalate or urge every late event now (the worker does this every minute)."

    def handle(self, *args, **options):
        self.stdout.write(summary_text(do_escalate_overdue()))
