import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from gridgov.accounts.actions import do_set_password
from gridgov.core.management.base import ActionCommand


class Command(ActionCommand):
    help = "Set a user's password (asked twice, never on the command line). Audited."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user {username!r}.")
        password = getpass.getpass("New password: ")
        if password != getpass.getpass("Again: "):
            raise CommandError("The two passwords differ; nothing was changed.")
        do_set_password(user, password, actor=self.actor)
        self.stdout.write(self.style.SUCCESS(f"Password of {username} changed."))
