"""Four colours (四色管控): the rules' small condition language, checked when a rule is saved;
each operator's meaning; rules applied after each visit; a colour set by hand with a reason,
kept against the rules, audited and in the person's history; counts by colour and area."""

import pytest

from gridgov.core.errors import InvalidInput, NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.households import colours
from gridgov.households.canvass_actions import VisitData, do_record_visit
from gridgov.households.choices import Colour, ColourSource
from gridgov.households.models import ColourChange, ColourRule, Resident, SpecialGroup
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass

pytestmark = pytest.mark.django_db


def facts(answers=None, groups=(), age=40, residence="registered"):
    return colours.Facts(answers or {}, frozenset(groups), age, residence)


@pytest.mark.parametrize(
    ("condition", "person", "expected"),
    [
        ({"answer": "test_status", "equals": "阳性"}, facts({"test_status": "阳性"}), True),
        ({"answer": "test_status", "equals": "阳性"}, facts({"test_status": "阴性"}), False),
        ({"answer": "returned", "equals": True}, facts({}), False),
        ({"answer": "contact", "in": ["密接", "次密接"]}, facts({"contact": "次密接"}), True),
        ({"answer": "contact", "in": ["密接"]}, facts({"contact": "无"}), False),
        ({"group": "elderly80"}, facts(groups={"elderly80"}), True),
        ({"group": "elderly80"}, facts(), False),
        ({"age_at_least": 60}, facts(age=60), True),
        ({"age_at_least": 60}, facts(age=59), False),
        ({"age_at_least": 0}, facts(age=None), False),  # no birth date: no age
        ({"residence": "floating"}, facts(residence="floating"), True),
        ({"residence": "floating"}, facts(), False),
        ({"all": []}, facts(), True),
        ({"any": []}, facts(), False),
        ({"all": [{"age_at_least": 60}, {"residence": "registered"}]}, facts(age=70), True),
        ({"all": [{"age_at_least": 60}, {"residence": "floating"}]}, facts(age=70), False),
        ({"any": [{"age_at_least": 60}, {"residence": "floating"}]}, facts(age=20), False),
        ({"any": [{"age_at_least": 60}, {"residence": "registered"}]}, facts(age=20), True),
        ({"not": {"age_at_least": 60}}, facts(age=20), True),
        ({"not": {"age_at_least": 60}}, facts(age=60), False),
    ],
)
def test_each_operator_of_the_condition_language_means_what_it_says(condition, person, expected):
    assert colours.holds(condition, person) is expected


@pytest.mark.parametrize(
    ("condition", "where"),
    [
        ([], "condition"),
        ({}, "condition"),
        ({"all": {"age_at_least": 1}}, "condition"),
        ({"all": [], "any": []}, "condition"),
        ({"not": {"age_at_least": 1}, "x": 1}, "condition"),
        ({"answer": "", "equals": 1}, "condition.answer"),
        ({"answer": "contact", "in": "密接"}, "condition.in"),
        ({"group": "no-such-group"}, "condition.group"),
        ({"age_at_least": 151}, "condition.age_at_least"),
        ({"age_at_least": True}, "condition.age_at_least"),
        ({"residence": "martian"}, "condition.residence"),
        ({"colour_is": "red"}, "condition"),
        ({"any": [{"all": [{"not": {"weight": 3}}]}]}, "condition.any[0].all[0].not"),
        ({"not": {"not": {"not": {"not": {"not": {"not": {"not": {"all": []}}}}}}}},
         "condition.not.not.not.not.not.not.not"),
    ],
)  # fmt: skip
def test_a_bad_rule_is_refused_when_saved_naming_where_and_nothing_is_saved(
    condition, where, dispatcher_town, english
):
    before = ColourRule.objects.count()
    with pytest.raises(InvalidInput) as refused:
        colours.do_save_colour_rule(
            actor=dispatcher_town, name="坏规则", colour=Colour.RED, condition=condition
        )
    assert refused.value.message == "The colour rule is not valid."
    assert where in {d["field"] for d in refused.value.details}
    assert ColourRule.objects.count() == before


def test_a_good_rule_is_saved_and_audited(dispatcher_town):
    group = SpecialGroup.objects.order_by("pk").first()
    condition = {"all": [{"group": group.code}, {"not": {"residence": "overseas"}}]}
    rule = colours.do_save_colour_rule(
        actor=dispatcher_town, name="重点人群", colour=Colour.YELLOW, condition=condition
    )
    assert ColourRule.objects.get(pk=rule.pk).condition == condition
    assert AuditEntry.objects.filter(
        action="households.colour_rule.save", target_id=str(rule.pk)
    ).exists()


@pytest.fixture
def visited(grid_a, dispatcher_town):
    """Default rules, and a visit of a household of two: one positive, one all well."""
    ColourRule.objects.all().delete()
    colours.ensure_default_rules(actor=dispatcher_town)
    household = make_households(microgrids_of(grid_a, 1)[0], count=1, people=2)[0]
    canvass = running_canvass(grid_a, dispatcher_town)
    sick, well = household.residents.order_by("pk")
    persons = {str(sick.pk): {"answers": {"test_status": "阳性"}}}
    do_record_visit(
        canvass, VisitData(household=household.number, persons=persons), actor=dispatcher_town
    )
    return canvass, household, sick, well


def test_a_visit_classes_each_person_by_the_first_rule_that_holds(visited):
    canvass, _household, sick, well = visited
    sick.refresh_from_db()
    well.refresh_from_db()
    assert (sick.colour, well.colour) == (Colour.RED, Colour.GREEN)
    change = ColourChange.objects.get(resident=sick)
    assert (change.source, change.previous, change.canvass) == (ColourSource.RULE, "", canvass)
    assert change.rule.colour == Colour.RED


def test_a_colour_set_by_hand_is_kept_against_the_rules_and_kept_in_the_history(
    visited, dispatcher_town
):
    canvass, household, sick, _well = visited
    colours.do_override_colour(
        sick.pk, Colour.ORANGE, actor=dispatcher_town, reason="复检阴性，居家观察"
    )
    persons = {str(sick.pk): {"answers": {"test_status": "阳性"}}}
    do_record_visit(
        canvass, VisitData(household=household.number, persons=persons), actor=dispatcher_town
    )
    colours.do_apply_colours(household.grid, actor=dispatcher_town)
    sick.refresh_from_db()
    assert sick.colour == Colour.ORANGE
    history = [(c.source, c.previous, c.colour) for c in colours.colour_history(sick)]
    assert history == [(ColourSource.MANUAL, Colour.RED, Colour.ORANGE),
                       (ColourSource.RULE, "", Colour.RED)]  # fmt: skip
    assert AuditEntry.objects.filter(
        action="households.colour.override", target_id=str(sick.pk)
    ).exists()


def test_setting_a_colour_by_hand_needs_a_reason_and_the_persons_area(
    visited, gridworker_b, dispatcher_town
):
    _canvass, _household, sick, _well = visited
    with pytest.raises(InvalidInput):
        colours.do_override_colour(sick.pk, Colour.GREEN, actor=dispatcher_town, reason=" ")
    with pytest.raises(InvalidInput):
        colours.do_override_colour(sick.pk, "purple", actor=dispatcher_town, reason="核实")
    with pytest.raises(NotFound):  # another grid's person
        colours.do_override_colour(sick.pk, Colour.GREEN, actor=gridworker_b, reason="核实")
    with pytest.raises(NotPermitted):
        colours.do_override_colour(sick.pk, Colour.GREEN, actor="worker", reason="核实")
    assert Resident.objects.get(pk=sick.pk).colour == Colour.RED
    assert ColourChange.objects.filter(resident=sick, source=ColourSource.MANUAL).count() == 0


def test_counts_by_colour_and_area_come_from_the_residents_own_columns(visited, dispatcher_town):
    _canvass, household, _sick, _well = visited
    counts = colours.colour_counts(household.grid, dispatcher_town)
    assert counts["total"][Colour.RED] == 1 and counts["total"][Colour.GREEN] >= 1
    assert counts["by_area"][household.microgrid_id][Colour.RED] == 1
