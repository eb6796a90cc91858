"""What the rollups bring to the platform: the refresh every few seconds (a new event is in
the cockpit within ten), and counting the demo once every area has loaded its part.

Read once at start-up (`gridgov.core.apps`).
"""

from gridgov.core.registry import DemoStep, register_demo, register_job

from .refresh import refresh_rollups

register_job("gridgov.rollups.jobs.refresh", 5)
register_demo(
    DemoStep(
        "rollups",
        lambda demo: refresh_rollups(full=True),
        after=("events", "inspections", "alerts", "supervision", "filings"),
    )
)
