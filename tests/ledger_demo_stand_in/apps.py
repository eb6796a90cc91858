from django.apps import AppConfig


class LedgerDemoStandInConfig(AppConfig):
    """The demo's canvasses come after the demo town's ledgers (the demo step "households").
    Where no app registers that step, the tests load an empty one in its place, so the demo's
    order holds; the canvasses step then finds no households and makes no canvass."""

    name = "tests.ledger_demo_stand_in"
    label = "ledger_demo_stand_in"

    def ready(self):
        from django.core.exceptions import ImproperlyConfigured

        from gridgov.core.registry import DemoStep, demo_steps, register_demo

        try:
            demo_steps()
        except ImproperlyConfigured:  # a step waits on the ledgers' (see above)
            register_demo(DemoStep("households", lambda demo: {}, after=("regions", "org")))
