from django.db import transaction

from gridgov.core.management.base import ActionCommand
from gridgov.core.registry import Demo, demo_logins, demo_steps


class Command(ActionCommand):
    help = (
        "Load the demo: real Jiaxing divisions, generated grids and micro-grids, departments, "
        "staff, one login per role and a year of events. Does nothing if the database already "
        "has staff."
    )

    def add_arguments(self, parser):
        scales = [scale for step in demo_steps() for scale in step.scales]
        parser.add_argument("--scale", choices=scales, default="small")
        parser.add_argument("--seed", type=int, default=2022)
        parser.add_argument("--events", type=int, help="How many events (default: by scale).")

    def handle(self, *args, scale, seed, **options):
        steps = demo_steps()  # each app's part, each after the parts it builds on
        if any(step.loaded is not None and step.loaded() for step in steps):
            self.stdout.write("The database already has data; the demo was not loaded again.")
        else:
            demo = Demo(scale=scale, seed=seed, actor=self.actor, options=options)
            with transaction.atomic():
                for step in steps:
                    demo.figures[step.name] = step.load(demo)
            parts = [step.summary(demo) for step in steps if step.summary is not None]
            self.stdout.write(self.style.SUCCESS(f"Demo loaded ({scale}): {', '.join(parts)}."))
        password, logins = demo_logins()
        self.stdout.write(f"\nDemo logins (password for all: {password}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<11} {login.role}  {login.name}  {login.where}")
