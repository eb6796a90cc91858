"""The dry run: the same evaluator over past signals, writing nothing, agreeing with what the
worker raised from the same signals — whatever the batches, and across a restart."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gridgov.alerts.evaluation import dry_run, evaluate_new_signals, forget_engine
from gridgov.alerts.models import EarlyWarning, RuleState, Signal
from gridgov.core.models import AuditEntry
from gridgov.events.models import Event
from gridgov.inspections.actions import TargetData, do_create_target
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTask
from tests.alerts.conftest import feed, make_rule, noise, offset, recent

pytestmark = pytest.mark.django_db

COUNT_RULE = {
    "signals": {"sources": ["noise"]},
    "condition": {"type": "count", "at_least": 3},
    "window": {"minutes": 60},
    "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 150},
    "time_of_day": {"from": "22:00", "to": "06:00"},
    "action": {"type": "event", "category": "0201"},
}
DURATION_RULE = {
    "signals": {"sources": ["noise"]},
    "condition": {"type": "duration", "at_least": 60, "minutes": 6, "max_gap_minutes": 3},
    "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 150},
    "action": {"type": "event", "category": "0201"},
}


@pytest.fixture
def two_sites(site, admin_user):
    lon, lat = offset(site.lon, site.lat, east_m=250)
    other = do_create_target(
        TargetData(kind=TargetKind.CONSTRUCTION_SITE, name="第二工地", lon=lon, lat=lat),
        actor=admin_user,
    )
    return site, other


readings = st.lists(
    st.tuples(
        # Minutes after 20:00 two days ago; often one of a few moments, so that several
        # signals share a time (ties are ordered by id) on either side of a restart.
        st.one_of(st.integers(0, 9 * 60), st.sampled_from([120, 121, 180, 241])),
        st.sampled_from([0.0, 100.0, 140.0, 200.0, 260.0, 330.0]),  # metres east of the site
        st.floats(50, 75, allow_nan=False).map(lambda v: round(v, 1)),
        st.sampled_from(["A", "B"]),
    ),
    min_size=1,
    max_size=60,
)


def send(site, rows) -> None:
    start = recent(2, 20)
    signals = []
    for i, (minute, east, value, device) in enumerate(rows):
        lon, lat = offset(site.lon, site.lat, east_m=east)
        at = start + dt.timedelta(minutes=minute)
        signals.append(noise(at, lon, lat, value, device=device, ident=f"{device}-{i}"))
    feed(signals)


def raised() -> set:
    return {(w.subject, tuple(w.signal_ids), w.signal_count) for w in EarlyWarning.objects.all()}


def would_raise(result) -> set:
    return {
        (d.firing.subject_key, tuple(d.firing.signal_ids[:50]), d.firing.signal_count)
        for d in result["firings"]
        if not d.suppressed
    }


def period():
    return recent(3, 0), timezone.now() + dt.timedelta(days=1)


@pytest.mark.parametrize("definition", [COUNT_RULE, DURATION_RULE], ids=["count", "duration"])
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=readings, batch=st.integers(1, 40), restart_after=st.integers(0, 3))
# Three signals at one moment, the worker restarting after the first; the replay must not
# measure its windows from a signal it has not fed yet (the fourth, two hours later).
@example(rows=[(120, 0.0, 50.0, "A")] * 3 + [(241, 0.0, 50.0, "A")], batch=1, restart_after=1)
def test_the_dry_run_agrees_with_the_worker(two_sites, definition, rows, batch, restart_after):
    site, _other = two_sites
    with transaction.atomic():
        forget_engine()
        rule = make_rule(definition)
        send(site, rows)
        # The worker in batches, restarting (losing its memory) after a few of them.
        runs = [evaluate_new_signals(batch=batch, max_batches=1) for _ in range(restart_after)]
        forget_engine()
        runs.append(evaluate_new_signals(batch=batch))
        result = dry_run(rule, rule.current, *period())
        assert would_raise(result) == raised()
        assert result["warnings"] == EarlyWarning.objects.count()
        # Firings while a warning was open too: the restarted worker's windows were the same.
        assert result["suppressed"] == sum(run["suppressed"] for run in runs)
        transaction.set_rollback(True)
    forget_engine()


def test_a_dry_run_writes_nothing(two_sites):
    site, _other = two_sites
    rule = make_rule(COUNT_RULE)
    send(site, [(m, 0.0, 60.0, "A") for m in range(200, 260, 5)])
    tables = (EarlyWarning, Signal, AuditEntry, Event, InspectionTask, RuleState)
    before = {model: model.objects.count() for model in tables}
    result = dry_run(rule, rule.current, *period())
    assert result["warnings"] == 1 and result["suppressed"] == 3 and result["signals"] == 12
    assert {model: model.objects.count() for model in tables} == before


def test_a_dry_run_of_an_earlier_version_uses_what_that_version_said(two_sites):
    from gridgov.alerts.actions import RuleData, do_update_rule

    site, _other = two_sites
    rule = make_rule(COUNT_RULE)
    first = rule.current
    stricter = {**COUNT_RULE, "condition": {"type": "count", "at_least": 20}}
    rule = do_update_rule(
        rule.pk, RuleData(name=rule.name, jurisdiction=rule.jurisdiction, definition=stricter),
        actor="test",
    )  # fmt: skip
    send(site, [(m, 0.0, 60.0, "A") for m in range(200, 260, 5)])
    assert dry_run(rule, first, *period())["warnings"] == 1
    assert dry_run(rule, rule.current, *period())["warnings"] == 0


def test_a_restart_right_after_a_firing_does_not_count_its_signals_again(two_sites):
    """Minutes after 22:00: A 40, B 95, C 100 fire (three within the hour); X 150, L 200;
    then the worker restarts and M 205 arrives: X, L, M are three within the hour again.
    Replaying from two hours before L, a worker that forgot what fired would see B, C, X
    fire again (silently) and then miss the firing at M."""
    site, _other = two_sites
    rule = make_rule(COUNT_RULE)
    start = recent(2, 22)
    lon, lat = site.lon, site.lat

    def at(minute, name):
        return noise(start + dt.timedelta(minutes=minute), lon, lat, 60, ident=name)

    feed([at(40, "A"), at(95, "B"), at(100, "C"), at(150, "X"), at(200, "L")])
    evaluate_new_signals()
    assert EarlyWarning.objects.count() == 1
    EarlyWarning.objects.update(status="closed")  # closed in between, so M may raise again
    forget_engine()
    feed([at(205, "M")])
    evaluate_new_signals()
    latest = EarlyWarning.objects.order_by("-pk").first()
    names = list(
        Signal.objects.filter(pk__in=latest.signal_ids).values_list("external_id", flat=True)
    )
    assert EarlyWarning.objects.count() == 2 and sorted(names) == ["L", "M", "X"]
    # The dry run sees the same two firings; nobody closes its first warning, so the second
    # would have been held back.
    result = dry_run(rule, rule.current, *period())
    assert (result["warnings"], result["suppressed"]) == (1, 1)
