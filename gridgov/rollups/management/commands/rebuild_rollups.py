from django.core.management.base import BaseCommand, CommandError

from gridgov.rollups.refresh import refresh_rollups


class Command(BaseCommand):
    help = "Recount every rollup cell from the raw rows (all sources, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help="source names (default: all)")

    def handle(self, *args, sources, **options):
        try:
            summary = refresh_rollups(sources or None, full=True)
        except KeyError as error:
            raise CommandError(str(error)) from error
        for name, result in summary.items():
            if result == "busy":
                self.stdout.write(f"{name}: being refreshed by another worker, try again")
            else:
                self.stdout.write(f"{name}: {result['days']} days, {result['cells']} cells")
