"""What every GridGov command shares: turning a refused action into a readable error."""

from django.core.management.base import BaseCommand, CommandError

from gridgov.core.errors import GridGovError


class ActionCommand(BaseCommand):
    """A command that calls an action function; `GridGovError`s become a clear CommandError."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except GridGovError as exc:
            lines = [str(exc.message)]
            for detail in exc.details:
                lines.append("  - " + "; ".join(f"{k}: {v}" for k, v in detail.items()))
            raise CommandError("\n".join(lines)) from None

    @property
    def actor(self) -> str:
        return f"command:{self.__module__.rsplit('.', 1)[-1]}"
