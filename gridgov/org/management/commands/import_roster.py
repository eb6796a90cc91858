from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from gridgov.accounts.invitations import invitation_path
from gridgov.core.exports import write_csv
from gridgov.core.jobs import problem_location
from gridgov.core.management.base import ActionCommand
from gridgov.org.roster import import_roster_file
from gridgov.regions.models import Region


class Command(ActionCommand):
    help = (
        "Import a roster (.xlsx or .csv with the columns of /org/roster/template/) into a county "
        "or city: units, staff and their posts, logins without a password. Nothing is written "
        "while any row has a problem, unless --skip-bad-rows. Running it twice changes nothing. "
        "--invitations writes the new logins' one-time invitation links to a CSV file."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--area", required=True, help="county or city code, e.g. 330402")
        parser.add_argument("--skip-bad-rows", action="store_true")
        parser.add_argument("--invitations", help="CSV file for the invitation links")
        parser.add_argument(
            "--site-url",
            default="",
            help="where people reach GridGov, e.g. https://gridgov.example",
        )

    def handle(self, *args, path, area, skip_bad_rows, invitations, site_url, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file {path}.")
        region = Region.objects.filter(code=area, level__in=["city", "county"]).first()
        if region is None:
            raise CommandError(f"No county or city {area}.")
        summary = import_roster_file(
            file.read_bytes(), file.name, area=region, actor=self.actor, skip_bad_rows=skip_bad_rows
        )
        for problem in summary.pop("problems"):
            self.stderr.write(f"  skipped {problem_location(problem)}: {problem['reason']}")
        invited = summary.pop("invited")
        if invitations and invited:
            users = get_user_model().objects.filter(pk__in=invited).order_by("username")
            rows = [[u.username, site_url.rstrip("/") + invitation_path(u)] for u in users]
            Path(invitations).write_bytes(write_csv(["用户名", "邀请链接"], rows))
            Path(invitations).chmod(0o600)
        elif invited:
            self.stderr.write(
                f"  {len(invited)} logins have no password yet: issue their invitation links on "
                "their staff pages, or run again with --invitations."
            )
        self.stdout.write(
            self.style.SUCCESS(", ".join(f"{key}: {value}" for key, value in summary.items()))
        )
