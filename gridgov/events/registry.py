"""What the events bring to the platform: the demo's year of events, their workbench
counters and pages, and how the deadline sweep chases them.

Read once at start-up (`gridgov.core.apps`).
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    DemoStep,
    NavEntry,
    Tiles,
    register_demo,
    register_indicator_source,
    register_job,
    register_navigation,
    register_tiles,
)

from . import (
    actions,  # noqa: F401 - declares how the deadline sweep chases events
    cockpit,  # noqa: F401 - the events' rollups and cockpit tile
)
from .demo import DEMO_EVENTS, load_demo_events
from .evaluation import sources as evaluation_sources
from .partitions import maintain_partitions
from .selectors import may_report, workload


def load_events(demo):
    count = demo.options.get("events")
    count = DEMO_EVENTS[demo.scale] if count is None else count
    # The demo's year of events goes into its months' partitions, not DEFAULT (PostgreSQL).
    maintain_partitions(since=timezone.localdate() - timedelta(days=400))
    return load_demo_events(count=count, seed=demo.seed, actor=demo.actor)


register_demo(
    DemoStep(
        "events",
        load_events,
        after=("org", "holidays"),
        summary=lambda demo: f"{demo.figures['events']} events over the past year",
    )
)
# The coming months' partitions of the events and their timeline, a year ahead (PostgreSQL).
register_job("gridgov.events.jobs.partitions_ahead", 24 * 3600)
register_tiles(
    Tiles(
        "events/workbench.html",
        lambda user: {"work": workload(user), "may_report": may_report(user)},
        order=10,
    )
)
register_navigation(
    NavEntry(_("Events"), "events:list", 10),
    NavEntry(_("Event statistics"), "events:kpi", 110, requires="view_kpi"),
)
# The loop's GB/T 30428.4 rates, for the monthly evaluation of towns and handling units.
for source in evaluation_sources():
    register_indicator_source(source)
