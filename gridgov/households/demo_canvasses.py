"""The demo's door-knocking canvasses over the demo town's households: a finished one (closed,
every household visited or excused) over one grid, and a running one over the town with part
of its households visited — both through the same actions the pages use.
"""

import datetime as dt
import random

from django.db.models import Count
from django.utils import timezone

from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.regions.models import Region

from . import canvass_actions as actions
from . import colours
from .choices import HouseholdState, VisitOutcome
from .models import Canvass, Canvassed, Household

DEMO_TOWN = "330402013"  # 东栅街道
RUNNING_VISITS = 80


def _login(role: str, region) -> object | None:
    staff = (
        Staff.objects.filter(role=role, is_active=True, user__isnull=False, region=region)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return staff.user if staff is not None else None


def _visit_all(canvass, rows, visitor, rng, *, nobody_home=0.0) -> int:
    visited = 0
    for row in rows:
        outcome = VisitOutcome.NOBODY_HOME if rng.random() < nobody_home else VisitOutcome.VISITED
        actions.do_record_visit(
            canvass, actions.VisitData(household=row.household.number, outcome=outcome),
            actor=visitor,
        )  # fmt: skip
        visited += outcome == VisitOutcome.VISITED
    return visited


def _grid_for_finished(town) -> Region | None:
    """The town's grid with the fewest households (the finished canvass visits every one)."""
    grids = (
        Household.objects.filter(town=town, grid__isnull=False)
        .values("grid")
        .annotate(n=Count("pk"))
        .order_by("n", "grid")
    )
    first = grids.first()
    return Region.objects.get(pk=first["grid"]) if first else None


def load_demo_canvasses(demo) -> dict:
    town = Region.objects.filter(code=DEMO_TOWN).first()
    if town is None or not Household.objects.filter(town=town).exists():
        return {"canvasses": 0}
    organiser = _login(Role.DISPATCHER, town)
    if organiser is None or Canvass.objects.filter(region__town=town).exists():
        return {"canvasses": 0}
    rng = random.Random(demo.seed)  # noqa: S311 - demo data, not secrets
    colours.ensure_default_rules(actor=demo.actor)
    today = timezone.localdate()
    made = {"canvasses": 0, "visits": 0}
    grid = _grid_for_finished(town)
    if grid is not None:
        made["visits"] += _finished(grid, organiser, rng, today)
        made["canvasses"] += 1
    made["visits"] += _running(town, organiser, rng, today)
    made["canvasses"] += 1
    return made


def _finished(grid, organiser, rng, today) -> int:
    canvass = actions.do_create_canvass(
        actions.CanvassData(
            title=f"{grid.name}敲门行动（已完成）", region=grid,
            starts_on=today - dt.timedelta(days=10), ends_on=today - dt.timedelta(days=3),
            is_emergency=True,
        ),
        actor=organiser,
    )  # fmt: skip
    canvass = actions.do_start_canvass(canvass.pk, actor=organiser)
    visitor = _login(Role.GRID_WORKER, grid) or organiser
    rows = list(Canvassed.objects.filter(canvass=canvass).select_related("household"))
    visits = _visit_all(canvass, rows, visitor, rng, nobody_home=0.1)
    for row in Canvassed.objects.filter(canvass=canvass, state=HouseholdState.NOBODY_HOME):
        actions.do_excuse_household(
            canvass, row.household.number, actor=organiser, reason="多次上门无人，电话核实在外地"
        )
    actions.do_close_canvass(canvass.pk, actor=organiser, note="不落一户")
    return visits


def _running(town, organiser, rng, today) -> int:
    canvass = actions.do_create_canvass(
        actions.CanvassData(
            title=f"{town.name}扫楼扫户", region=town,
            starts_on=today - dt.timedelta(days=2), ends_on=today + dt.timedelta(days=5),
        ),
        actor=organiser,
    )  # fmt: skip
    canvass = actions.do_start_canvass(canvass.pk, actor=organiser)
    rows = list(
        Canvassed.objects.filter(canvass=canvass)
        .select_related("household")
        .order_by("household__number")[:RUNNING_VISITS]
    )
    return _visit_all(canvass, rows, organiser, rng, nobody_home=0.15)
