"""A hand-made month of events in two towns of 南湖区 (March 2020, long before the demo's
year), an indicator set over the county's towns, and a way to add events."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from gridgov.core.dates import Period
from gridgov.evaluation.actions import do_save_indicator, do_save_indicator_set
from gridgov.evaluation.choices import Direction, ScoringRule, UnitKind
from gridgov.evaluation.models import Indicator, IndicatorSet
from gridgov.events.choices import EventSource, EventStatus
from gridgov.events.models import Event, EventCategory
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, OTHER_TOWN

COUNTY = "330402"
MARCH, APRIL = Period.parse("2020-03"), Period.parse("2020-04")
S = EventStatus
_numbers = itertools.count(1)


def add_event(town_code: str, status: str, *, day=dt.date(2020, 3, 10), **fields) -> Event:
    """An event as the loop leaves it, written directly: the rates read only its fields."""
    town = Region.objects.get(code=town_code)
    microgrid = Region.objects.filter(level="microgrid", town=town).order_by("code").first()
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    event = Event(
        number=f"TEST-EVAL-{next(_numbers):05d}",
        title="考核测试",
        category=EventCategory.objects.filter(parent__isnull=False).order_by("code").first(),
        source=EventSource.GRID_WORKER,
        status=status,
        lon=120.7,
        lat=30.7,
        command_region=town,
        reported_at=at,
        **fields,
    )
    event.place_in(microgrid)
    event.save()
    return event


def closed(town_code, **fields):
    at = timezone.make_aware(dt.datetime(2020, 3, 11, 10))
    return add_event(town_code, S.CLOSED, verified_at=at, closed_at=at, **fields)


@pytest.fixture
def march_events(db):
    """Town A (东栅街道): closed on time; closed late after a rework; being handled;
    rejected; waiting to be accepted; escalated past its centre; merged; and one in April.
    Town B (长水街道): two closed on time."""
    closed(DEMO_TOWN)
    closed(DEMO_TOWN, late=True, rework_count=1)
    add_event(DEMO_TOWN, S.HANDLING)
    add_event(DEMO_TOWN, S.REJECTED)
    add_event(DEMO_TOWN, S.REPORTED)
    add_event(DEMO_TOWN, S.REPORTED, escalation_count=1, late=True)
    add_event(DEMO_TOWN, S.MERGED)
    add_event(DEMO_TOWN, S.CLOSED, day=dt.date(2020, 4, 2))
    closed(OTHER_TOWN)
    closed(OTHER_TOWN)


def indicator(code, source, weight, direction=Direction.HIGHER, **rule) -> Indicator:
    return Indicator(
        code=code, name=code, source=source, weight=Decimal(weight), direction=direction,
        rule=rule.pop("rule", ScoringRule.LINEAR), **rule,
    )  # fmt: skip


@pytest.fixture
def town_set(db) -> IndicatorSet:
    return make_town_set()


def make_town_set() -> IndicatorSet:
    """结案率 (weight 60, 0→100) and 返工率 (weight 40, lower is better, 100→0)."""
    county = Region.objects.get(code=COUNTY)
    made = do_save_indicator_set(
        IndicatorSet(code="T-TOWNS", name="测试镇街考核", area=county, unit_kind=UnitKind.TOWNS),
        actor="test",
    )
    for order, row in enumerate(
        (
            indicator("JAL", "events.closed", 60, floor=0, target=100),
            indicator("FGL", "events.rework", 40, Direction.LOWER, floor=100, target=0),
        )
    ):
        row.indicator_set, row.sort_order = made, order
        do_save_indicator(row, actor="test")
    return made
