"""The seed's loop: noise at night at a site with a valid filing → a supervision check, without
one → an enforcement task; repeated warnings at one site escalate to the county. Warnings
are never doubled while open, are worked new → handled → closed (or dismissed), are scoped,
and the worker resumes correctly after a restart."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from gridgov.alerts import evaluation
from gridgov.alerts.choices import WarningStatus
from gridgov.alerts.models import Cursor, EarlyWarning, Signal
from gridgov.alerts.selectors import warnings_at_targets, warnings_for
from gridgov.alerts.workflow import WARNING_WORKFLOW
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.events.choices import EventSource, Priority
from gridgov.filings.selectors import FilingIndex
from gridgov.inspections.choices import Trigger
from gridgov.inspections.models import InspectionTask
from tests.alerts.conftest import (
    ENFORCEMENT,
    NIGHT_NOISE,
    SUPERVISION,
    evaluate,
    feed,
    make_rule,
    noise,
    offset,
    recent,
)

pytestmark = pytest.mark.django_db


def night_of_noise(site, days_ago, *, minutes=11, value=62, device="N-1"):
    """Readings a minute apart from 23:00, 40 m from the site."""
    lon, lat = offset(site.lon, site.lat, east_m=40)
    start = recent(days_ago, 23)
    return feed(
        noise(start + dt.timedelta(minutes=m), lon, lat, value, device=device)
        for m in range(minutes)
    )


@pytest.fixture
def filed_tonight(monkeypatch, site):
    """A valid filing for the site covering the last two nights, 22:00–06:00."""
    today = dt.date.today()
    rows = [(site.pk, today - dt.timedelta(days=2), today, dt.time(22), dt.time(6), 4242)]
    index = FilingIndex(rows, revision=None)
    monkeypatch.setattr(evaluation, "load_filings", lambda: index)
    monkeypatch.setattr(FilingIndex, "stale", lambda self: False)
    return index


@pytest.fixture
def night_rules(scenarios, site):
    supervise = make_rule(
        {**NIGHT_NOISE, "filing": "require",
         "action": {"type": "inspection", "scenario": SUPERVISION}},
        name="夜间施工噪声（有报备）",
    )  # fmt: skip
    enforce = make_rule(
        {**NIGHT_NOISE, "filing": "forbid",
         "action": {"type": "inspection", "scenario": ENFORCEMENT}},
        name="夜间施工噪声（无报备）",
    )  # fmt: skip
    return supervise, enforce


def test_night_noise_with_a_valid_filing_leads_to_a_supervision_check(
    night_rules, site, filed_tonight
):
    supervise, _enforce = night_rules
    night_of_noise(site, days_ago=1)
    assert evaluate()["warnings"] == 1
    warning = EarlyWarning.objects.get()
    assert warning.rule == supervise and warning.rule_version == supervise.current
    assert warning.number.startswith("YJ") and warning.status == WarningStatus.NEW
    assert warning.target == site and warning.subject == f"target:{site.pk}"
    assert warning.signal_count == 11 and len(warning.signal_ids) == 11 and warning.value == 62
    task = warning.inspection
    assert task.scenario.code == SUPERVISION and task.target == site
    assert task.trigger == Trigger.WARNING and task.trigger_ref == warning.number
    assert list(task.assignments.values_list("department__code", flat=True)) == ["330402013-ZD"]
    assert warning.town_id == site.town_id and warning.county_id == site.county_id


def test_night_noise_without_a_filing_leads_to_an_enforcement_task(night_rules, site):
    _supervise, enforce = night_rules
    night_of_noise(site, days_ago=5)
    evaluate()
    warning = EarlyWarning.objects.get()
    assert warning.rule == enforce and warning.inspection.scenario.code == ENFORCEMENT


def test_a_rule_never_raises_a_second_open_warning_for_the_same_site(night_rules, site):
    night_of_noise(site, days_ago=5)
    night_of_noise(site, days_ago=4)
    result = evaluate()
    # 22 readings, and the signal the warning leaves for the repeated-warnings rules.
    assert result == {"signals": 23, "warnings": 1, "suppressed": 1}
    assert EarlyWarning.objects.count() == 1


def test_the_database_refuses_a_second_open_warning(night_rules, site):
    night_of_noise(site, days_ago=5)
    evaluate()
    first = EarlyWarning.objects.get()
    twin = EarlyWarning.objects.get(pk=first.pk)
    twin.pk, twin.number = None, "YJ-TWIN"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_closed_warning_lets_the_rule_raise_again(night_rules, site, dispatcher_town):
    night_of_noise(site, days_ago=5)
    evaluate()
    first = EarlyWarning.objects.get()
    WARNING_WORKFLOW.act(first.pk, "handle", actor=dispatcher_town, note="已责令停工")
    WARNING_WORKFLOW.act(first.pk, "close", actor=dispatcher_town)
    night_of_noise(site, days_ago=4)
    evaluate()
    assert EarlyWarning.objects.count() == 2


def test_the_third_warning_in_thirty_days_escalates_to_an_urgent_county_event(
    night_rules, site, dispatcher_town
):
    _supervise, enforce = night_rules
    escalate = make_rule(
        {
            "condition": {"type": "repeated", "at_least": 3, "rules": [enforce.pk]},
            "window": {"days": 30},
            "scope": {"type": "own_target"},
            "action": {"type": "event", "category": "0201", "priority": "urgent",
                       "level": "county"},
        },
        name="同一工地30天内第3次预警",
    )  # fmt: skip
    for days_ago in (9, 6, 3):
        night_of_noise(site, days_ago=days_ago)
        evaluate()
        warning = EarlyWarning.objects.filter(rule=enforce).order_by("-pk").first()
        WARNING_WORKFLOW.act(warning.pk, "handle", actor=dispatcher_town)
        WARNING_WORKFLOW.act(warning.pk, "close", actor=dispatcher_town)
    evaluate()  # the third warning's own signal
    assert EarlyWarning.objects.filter(rule=enforce).count() == 3
    third = EarlyWarning.objects.filter(rule=enforce).order_by("-pk").first()
    assert third.inspection is None and third.action_error  # the yearly cap of 2 is reached
    escalation = EarlyWarning.objects.get(rule=escalate)
    event = escalation.event
    assert event.priority == Priority.URGENT and event.source == EventSource.WARNING
    assert event.command_region_id == site.county_id
    assert escalation.signal_count == 3


def test_warnings_are_worked_through_their_loop(night_rules, site, dispatcher_town, english):
    night_of_noise(site, days_ago=5)
    evaluate()
    warning = EarlyWarning.objects.get()
    warning = WARNING_WORKFLOW.act(warning.pk, "handle", actor=dispatcher_town, note="已到现场")
    assert warning.status == WarningStatus.HANDLED and warning.handled_at is not None
    with pytest.raises(InvalidInput):
        WARNING_WORKFLOW.act(warning.pk, "dismiss", actor=dispatcher_town, note="")
    warning = WARNING_WORKFLOW.act(
        warning.pk, "dismiss", actor=dispatcher_town, note="设备故障误报"
    )
    assert warning.status == WarningStatus.DISMISSED
    assert list(warning.timeline.values_list("action", flat=True)) == ["raise", "handle", "dismiss"]


def test_staff_of_another_town_neither_see_nor_work_a_warning(
    night_rules, site, dispatcher_other_town, county_leader
):
    night_of_noise(site, days_ago=5)
    evaluate()
    warning = EarlyWarning.objects.get()
    assert not warnings_for(dispatcher_other_town).exists()
    assert warnings_for(county_leader).get() == warning
    with pytest.raises(NotFound):
        WARNING_WORKFLOW.act(warning.pk, "handle", actor=dispatcher_other_town)


def test_a_restarted_worker_resumes_from_its_cursor_with_its_windows_refilled(night_rules, site):
    night_of_noise(site, days_ago=5, minutes=6)
    evaluate()
    evaluation.forget_engine()  # the worker restarts half-way through the run of noise
    lon, lat = offset(site.lon, site.lat, east_m=40)
    start = recent(5, 23, 6)
    feed(noise(start + dt.timedelta(minutes=m), lon, lat, 62) for m in range(5))
    assert evaluate()["warnings"] == 1
    warning = EarlyWarning.objects.get()
    assert warning.signal_count == 11
    assert Cursor.objects.get(name="signals").position == Signal.objects.latest("pk").pk


def test_warnings_at_targets_counts_each_sites_warnings_in_a_period(night_rules, site):
    night_of_noise(site, days_ago=5)
    evaluate()
    fired_at = EarlyWarning.objects.get().fired_at
    day = dt.timedelta(days=1)
    assert warnings_at_targets([site.pk, 0], fired_at - day, fired_at + day) == {site.pk: 1}
    assert warnings_at_targets([site.pk], fired_at + day, fired_at + 2 * day) == {}


def test_an_inspection_cap_reached_is_recorded_on_the_warning(night_rules, site, dispatcher_town):
    for days_ago in (9, 6, 3):
        night_of_noise(site, days_ago=days_ago)
        evaluate()
        warning = EarlyWarning.objects.order_by("-pk").first()
        WARNING_WORKFLOW.act(warning.pk, "handle", actor=dispatcher_town)
        WARNING_WORKFLOW.act(warning.pk, "close", actor=dispatcher_town)
    warnings = list(EarlyWarning.objects.order_by("pk"))
    assert [w.inspection is not None for w in warnings] == [True, True, False]
    # Written in the site's language, as the worker writes it.
    assert "已达上限" in warnings[2].action_error
    numbers = [w.number for w in warnings]
    assert InspectionTask.objects.filter(trigger_ref__in=numbers).count() == 2


def test_a_raised_warning_is_published_to_the_webhooks_once_committed(
    night_rules, site, monkeypatch, django_capture_on_commit_callbacks
):
    from gridgov.core import registry

    heard = []
    monkeypatch.setattr(registry, "_push_receivers", [lambda *told: heard.append(told)])
    night_of_noise(site, days_ago=5)
    with django_capture_on_commit_callbacks(execute=True):
        evaluate()
    warning = EarlyWarning.objects.get()
    assert [(t, p["number"]) for t, p, _r in heard] == [("warning.raised", warning.number)]
    assert heard[0][2] == warning.deepest_region_id
