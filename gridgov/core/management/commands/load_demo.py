from django.db import transaction

from gridgov.core.management.base import ActionCommand
from gridgov.org.demo import DEMO_PASSWORD, demo_logins, load_demo_org
from gridgov.org.models import Staff
from gridgov.regions.demo import load_demo_regions
from gridgov.regions.demo_geometry import SCALES


class Command(ActionCommand):
    help = (
        "Load the demo: real Jiaxing divisions, generated grids and micro-grids, departments, "
        "staff and one login per role. Does nothing if the database already has staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=2022)

    def handle(self, *args, scale, seed, **options):
        if Staff.objects.exists():
            self.stdout.write("The database already has data; the demo was not loaded again.")
        else:
            with transaction.atomic():
                regions = load_demo_regions(scale=scale, seed=seed, actor=self.actor)
                load_demo_org(seed=seed, actor=self.actor)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo loaded ({scale}): {regions['divisions']} divisions, "
                    f"{regions['created']} grids and micro-grids, {Staff.objects.count()} staff."
                )
            )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<11} {login.role}  {login.name}  {login.where}")
