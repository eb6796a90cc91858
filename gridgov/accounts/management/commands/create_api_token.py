from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone

from gridgov.accounts.actions import do_issue_token
from gridgov.core.management.base import ActionCommand


class Command(ActionCommand):
    help = (
        "Issue an API token for a user and print its secret (shown this once, never stored). "
        "Audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for, e.g. the device")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="valid for this many days (default: until revoked)",
        )

    def handle(self, *args, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        if days is not None and days <= 0:
            raise CommandError("--days must be a positive number of days.")
        token, secret = do_issue_token(
            user,
            actor=self.actor,
            name=name,
            lifetime=timedelta(days=days) if days is not None else None,
        )
        until = (
            f"until {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}"
            if token.expires_at
            else "until revoked"
        )
        self.stderr.write(f"Token {token.prefix}… for {username}, valid {until}. Keep it secret:")
        self.stdout.write(secret)
