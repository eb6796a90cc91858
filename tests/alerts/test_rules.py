"""Rules: the seed's examples can be said, bad definitions are refused with their fields, and
every change of a definition is a new, immutable version."""

import pytest

from gridgov.alerts.actions import RuleData, do_create_rule, do_update_rule
from gridgov.alerts.definition import parse
from gridgov.alerts.models import RuleVersion
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.regions.models import Region
from tests.alerts.conftest import COUNTY, ENFORCEMENT, NIGHT_NOISE, make_rule

pytestmark = pytest.mark.django_db

THREE_COMPLAINTS = {
    "signals": {"sources": ["complaints"], "kinds": ["0201"]},
    "condition": {"type": "count", "at_least": 3},
    "window": {"days": 7},
    "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 200},
    "time_of_day": {"from": "22:00", "to": "06:00"},
    "action": {"type": "event", "category": "0201"},
}
SCHOOL_MARKET = {
    "signals": {"sources": ["complaints"], "kinds": ["06*"]},
    "condition": {"type": "count", "at_least": 2},
    "window": {"calendar": "month"},
    "scope": {"type": "near_targets", "target_kinds": ["school"], "radius_m": 200},
    "action": {"type": "event", "category": "0602"},
}
FILING_EXPIRES = {
    "signals": {"sources": ["filing-expiry"]},
    "condition": {"type": "threshold", "at_most": 3},
    "scope": {"type": "own_target", "target_kinds": ["construction_site"]},
    "action": {"type": "event", "category": "0304"},
}


def problems(definition, **rule) -> dict[str, str]:
    with pytest.raises(InvalidInput) as refused:
        make_rule(definition, **rule)
    return {p["field"]: p["message"] for p in refused.value.details}


@pytest.mark.parametrize(
    "definition",
    [
        THREE_COMPLAINTS,
        SCHOOL_MARKET,
        FILING_EXPIRES,
        {**NIGHT_NOISE, "action": THREE_COMPLAINTS["action"]},
    ],
    ids=["three-complaints", "school-market", "filing-expires", "night-noise"],
)
def test_the_seeds_examples_are_valid_rules(definition):
    rule = make_rule(definition)
    assert rule.current.number == 1 and rule.current.definition == definition


def test_a_night_window_crossing_midnight_is_read_as_minutes_of_the_day():
    d = parse(THREE_COMPLAINTS)
    assert d.night == (22 * 60, 6 * 60) and d.window_seconds == 7 * 86400


def test_every_problem_of_a_definition_is_named_by_its_field(english):
    # Names it refers to (sources, categories) are looked up once the shape is right.
    found = problems(
        {
            "signals": {"sources": ["no-such"], "kinds": ["bad kind!"]},
            "condition": {"type": "count", "at_least": 0},
            "window": {"days": 400},
            "scope": {"type": "near_targets", "target_kinds": ["castle"], "radius_m": -5},
            "time_of_day": {"from": "25:00", "to": "06:00"},
            "filing": "maybe",
            "action": {"type": "event", "category": "9999"},
            "colour": "red",
        }
    )
    assert set(found) == {
        "colour", "signals.kinds", "condition.at_least", "window.days", "scope.target_kinds",
        "scope.radius_m", "time_of_day.from", "filing",
    }  # fmt: skip
    found = problems({**THREE_COMPLAINTS, "signals": {"sources": ["no-such"]},
                      "action": {"type": "event", "category": "9999"}})  # fmt: skip
    assert set(found) == {"signals.sources", "action.category"}


def test_missing_parts_and_contradictions_are_refused(english):
    assert "window" in problems({**THREE_COMPLAINTS, "window": None})
    assert "condition.type" in problems({**THREE_COMPLAINTS, "condition": {"type": "sometimes"}})
    assert "condition.minutes" in problems(
        {**NIGHT_NOISE, "condition": {"type": "duration", "at_least": 55},
         "action": THREE_COMPLAINTS["action"]}
    )  # fmt: skip
    point = {"type": "near_point", "lon": 120.7, "lat": 30.7, "radius_m": 100}
    found = problems({**THREE_COMPLAINTS, "scope": point, "filing": "require"})
    assert "filing" in found
    assert "signals" in problems({**THREE_COMPLAINTS, "signals": {}})
    assert "definition" in problems("not an object")


def test_an_inspection_needs_a_scenario_in_use_that_visits_the_watched_kinds(scenarios, english):
    found = problems({**SCHOOL_MARKET, "action": {"type": "inspection", "scenario": ENFORCEMENT}})
    assert "inspect every kind" in found["scope.target_kinds"]
    assert "action.scenario" in problems(
        {**THREE_COMPLAINTS, "action": {"type": "inspection", "scenario": "NOPE"}}
    )


def test_a_rule_belongs_to_a_city_or_county(english):
    town = Region.objects.get(code="330402013")
    with pytest.raises(InvalidInput) as refused:
        do_create_rule(
            RuleData(name="x", jurisdiction=town, definition=THREE_COMPLAINTS), actor="t"
        )
    assert refused.value.details[0]["field"] == "jurisdiction"


def test_editing_a_definition_makes_a_new_version_and_keeps_the_old(admin_user):
    rule = make_rule(THREE_COMPLAINTS, actor=admin_user)
    first = rule.current
    changed = {**THREE_COMPLAINTS, "condition": {"type": "count", "at_least": 5}}
    data = RuleData(
        name="五次投诉", jurisdiction=rule.jurisdiction, definition=changed, note="提高门槛"
    )
    rule = do_update_rule(rule.pk, data, actor=admin_user, expected_version=1)
    assert rule.current.number == 2 and rule.current.note == "提高门槛"
    first.refresh_from_db()
    assert first.definition == THREE_COMPLAINTS
    assert list(rule.versions.values_list("number", flat=True)) == [2, 1]
    assert AuditEntry.objects.filter(action="alerts.update_rule", target_id=str(rule.pk)).exists()


def test_renaming_a_rule_is_not_a_new_version():
    rule = make_rule(THREE_COMPLAINTS)
    data = RuleData(name="改名", jurisdiction=rule.jurisdiction, definition=THREE_COMPLAINTS)
    rule = do_update_rule(rule.pk, data, actor="test")
    assert rule.name == "改名" and rule.current.number == 1
    assert RuleVersion.objects.filter(rule=rule).count() == 1


def test_an_edit_based_on_an_old_version_is_refused():
    rule = make_rule(THREE_COMPLAINTS)
    changed = {**THREE_COMPLAINTS, "window": {"days": 3}}
    data = RuleData(name="x", jurisdiction=rule.jurisdiction, definition=changed)
    do_update_rule(rule.pk, data, actor="test", expected_version=1)
    with pytest.raises(Conflict):
        do_update_rule(rule.pk, data, actor="test", expected_version=1)


def test_only_those_who_manage_rules_may_create_them(dispatcher_town):
    with pytest.raises(NotPermitted):
        make_rule(THREE_COMPLAINTS, actor=dispatcher_town)


def test_a_repeated_rule_names_other_existing_rules(english):
    first = make_rule(THREE_COMPLAINTS)
    repeated = {
        "condition": {"type": "repeated", "at_least": 3, "rules": [first.pk, 99999]},
        "window": {"days": 30},
        "action": {"type": "event", "category": "0201"},
    }
    assert "condition.rules" in problems(repeated)
    repeated["condition"]["rules"] = [first.pk]
    rule = make_rule(repeated)
    assert parse(rule.current.definition).scope == "own_target"


def test_the_seed_county_is_a_valid_jurisdiction():
    assert make_rule(FILING_EXPIRES).jurisdiction.code == COUNTY
