from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.core.summaries import summary_text
from gridgov.events.catalogue import DEFAULT_ROUTING, do_import_routing_rules, read_routing_csv


class Command(ActionCommand):
    help = (
        "Replace the routing rules with a file (category,area,unit,unit_kind,unit_level,"
        "priority). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_ROUTING))

    def handle(self, *args, path, **options):
        rules = read_routing_csv(Path(path).read_text(encoding="utf-8"))
        summary = do_import_routing_rules(rules, actor=self.actor)
        self.stdout.write(
            self.style.SUCCESS(
                _("%(n)d routing rules: %(summary)s")
                % {"n": len(rules), "summary": summary_text(summary)}
            )
        )
