from gridgov.core.management.base import ActionCommand
from gridgov.open311.actions import do_issue_client_key


class Command(ActionCommand):
    help = "Register an Open311 client application and print its api_key (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The application's name, e.g. 嘉兴市民APP")
        parser.add_argument("--contact", default="")

    def handle(self, *args, name, contact, **options):
        client, key = do_issue_client_key(name, actor=self.actor, contact=contact)
        self.stderr.write(f"api_key for {client.name} (keep it secret; it is not stored):")
        self.stdout.write(key)
