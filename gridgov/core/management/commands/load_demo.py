from django.db import transaction

from gridgov.alerts.demo import load_demo_alerts
from gridgov.core.management.base import ActionCommand
from gridgov.events.demo import DEMO_EVENTS, load_demo_events
from gridgov.filings.demo import load_demo_filings
from gridgov.inspections.demo import load_demo_inspections
from gridgov.open311.demo import load_demo_services
from gridgov.org.demo import DEMO_PASSWORD, demo_logins, load_demo_org
from gridgov.org.models import Staff
from gridgov.powers.demo import load_demo_powers
from gridgov.regions.demo import load_demo_regions
from gridgov.regions.demo_geometry import SCALES
from gridgov.worktime.actions import import_holiday_file
from gridgov.worktime.holidays import HOLIDAYS_CN


class Command(ActionCommand):
    help = (
        "Load the demo: real Jiaxing divisions, generated grids and micro-grids, departments, "
        "staff, one login per role and a year of events. Does nothing if the database already "
        "has staff."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="small")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--events", type=int, help="How many events (default: by scale).")

    def handle(self, *args, scale, seed, events, **options):
        if Staff.objects.exists():
            self.stdout.write("The database already has data; the demo was not loaded again.")
        else:
            with transaction.atomic():
                regions = load_demo_regions(scale=scale, seed=seed, actor=self.actor)
                load_demo_org(seed=seed, actor=self.actor)
                import_holiday_file(HOLIDAYS_CN, actor=self.actor)  # event deadlines use it
                events = load_demo_events(
                    count=DEMO_EVENTS[scale] if events is None else events,
                    seed=seed,
                    actor=self.actor,
                )
                load_demo_services(actor=self.actor)  # after the catalogue exists
                load_demo_powers(actor=self.actor)  # 南湖区's power items, after the units
                load_demo_inspections(seed=seed, actor=self.actor)  # checks trace to powers
                load_demo_filings(seed=seed, actor=self.actor)  # at the inspected sites
                load_demo_alerts(seed=seed, actor=self.actor)  # the warnings behind inspections
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo loaded ({scale}): {regions['divisions']} divisions, "
                    f"{regions['created']} grids and micro-grids, {Staff.objects.count()} staff, "
                    f"{events} events over the past year."
                )
            )
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<11} {login.role}  {login.name}  {login.where}")
