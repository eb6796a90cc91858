"""A month evaluated from known events: the rates, points, totals and ranks; a draft run again;
publishing freezes it; late data shows as corrections of the next month; the monthly job."""

import datetime as dt

import pytest

from gridgov.core.dates import Period
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.evaluation.actions import do_evaluate_month, do_publish_evaluation
from gridgov.evaluation.choices import EvaluationStatus, UnitKind
from gridgov.evaluation.defaults import create_default_set
from gridgov.evaluation.jobs import evaluate_last_month
from gridgov.evaluation.models import Correction, Evaluation, Score
from gridgov.events.evaluation import measure_rate
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, OTHER_TOWN
from tests.evaluation.conftest import APRIL, COUNTY, MARCH, closed

pytestmark = pytest.mark.django_db


def towns(*codes):
    return {c: Region.objects.get(code=c).pk for c in codes}


def test_each_rate_counts_the_towns_events_of_the_month_in_one_query(
    march_events, django_assert_num_queries
):
    ids = towns(DEMO_TOWN, OTHER_TOWN)
    a, b = ids[DEMO_TOWN], ids[OTHER_TOWN]
    expected = {
        "events.accepted_in_time": {a: (4, 5), b: (2, 2)},
        "events.handled_on_time": {a: (1, 2), b: (2, 2)},
        "events.closed": {a: (2, 5), b: (2, 2)},
        "events.rework": {a: (1, 2), b: (0, 2)},
        "events.verified_on_time": {a: (1, 2), b: (2, 2)},
    }
    for key, counts in expected.items():
        with django_assert_num_queries(2):  # the towns' level, then the one aggregate
            assert measure_rate(key, MARCH, list(ids.values())) == counts, key


def test_a_departments_rates_count_the_events_it_leads(march_events):
    from gridgov.events.models import Event
    from gridgov.org.models import Department

    unit = Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    Event.objects.filter(number__startswith="TEST-EVAL", town__code=DEMO_TOWN).update(
        lead_unit=unit
    )
    assert measure_rate("events.closed", MARCH, [unit.pk], "department") == {unit.pk: (2, 5)}


def test_scores_and_ranks_follow_from_the_rates(march_events, town_set):
    evaluation = do_evaluate_month(town_set, MARCH, actor="test")
    scores = {s.unit_code: s for s in evaluation.scores.all()}
    a, b = scores[DEMO_TOWN], scores[OTHER_TOWN]
    # A: closed 2/5 = 40% → 40 points × 60; rework 1/2 = 50% → 50 points × 40.
    assert a.total == 44.0 and a.rank == 2
    assert [(m["code"], m["value"], m["points"], m["contribution"]) for m in a.measures] == [
        ("JAL", 40.0, 40.0, 24.0),
        ("FGL", 50.0, 50.0, 20.0),
    ]
    assert b.total == 100.0 and b.rank == 1
    # The county's other towns had no events that month: no score, no rank.
    others = [s for code, s in scores.items() if code not in (DEMO_TOWN, OTHER_TOWN)]
    assert others and all(s.total is None and s.rank is None for s in others)
    assert evaluation.status == EvaluationStatus.DRAFT


def test_the_default_gbt_set_scores_the_known_month(march_events):
    county = Region.objects.get(code=COUNTY)
    gbt = create_default_set("T-GBT", "国标", county, UnitKind.TOWNS, actor="test")
    scores = {s.unit_code: s for s in do_evaluate_month(gbt, MARCH, actor="test").scores.all()}
    # A: every linear rate below its floor (0 points); 按时核查率 50% reaches only "0:40".
    assert scores[DEMO_TOWN].total == 6.0
    assert scores[OTHER_TOWN].total == 100.0


def test_running_a_draft_again_replaces_it_with_the_same_result(march_events, town_set):
    first = do_evaluate_month(town_set, MARCH, actor="test")
    before = sorted((s.unit_id, s.total, s.rank) for s in first.scores.all())
    again = do_evaluate_month(town_set, MARCH, actor="test")
    assert again.pk == first.pk
    assert sorted((s.unit_id, s.total, s.rank) for s in again.scores.all()) == before
    assert Score.objects.filter(evaluation=again).count() == len(before)
    assert Evaluation.objects.filter(indicator_set=town_set).count() == 1


def test_a_published_month_never_changes_and_the_next_month_shows_the_late_data(
    march_events, town_set
):
    march = do_do_publish(town_set)
    frozen = sorted((s.unit_id, s.total, s.rank, str(s.measures)) for s in march.scores.all())
    closed(DEMO_TOWN)  # reported in March, recorded only now
    audited = AuditEntry.objects.count()
    with pytest.raises(Conflict):
        do_evaluate_month(town_set, MARCH, actor="test")
    with pytest.raises(Conflict):
        do_publish_evaluation(march, actor="test")
    assert AuditEntry.objects.count() == audited
    assert sorted((s.unit_id, s.total, s.rank, str(s.measures)) for s in march.scores.all()) == (
        frozen
    )

    april = do_evaluate_month(town_set, APRIL, actor="test")
    corrections = {(c.indicator_code, tuple(c.published), tuple(c.recomputed))
                   for c in april.corrections.all()}  # fmt: skip
    assert corrections == {("JAL", (2, 5), (3, 6)), ("FGL", (1, 2), (1, 3))}
    assert {c.unit_name for c in april.corrections.all()} == {"东栅街道"}
    assert all(
        c.of_month == dt.date(2020, 3, 1) for c in Correction.objects.filter(evaluation=april)
    )


def do_do_publish(town_set):
    return do_publish_evaluation(do_evaluate_month(town_set, MARCH, actor="test"), actor="test")


def test_the_next_month_carries_last_months_rank_and_score(march_events, town_set):
    do_evaluate_month(town_set, MARCH, actor="test")
    closed(DEMO_TOWN, day=dt.date(2020, 4, 3))
    april = do_evaluate_month(town_set, APRIL, actor="test")
    a = april.scores.get(unit_code=DEMO_TOWN)
    # April: the one event of 4-02 (closed, no verification) and 4-03 (closed): 100 points.
    assert (a.previous_rank, a.previous_total) == (2, 44.0)
    assert a.rank == 1 and a.rank_change == 1 and a.total_change == 56.0


def test_only_a_calendar_month_is_evaluated(town_set):
    with pytest.raises(InvalidInput):
        do_evaluate_month(town_set, Period.parse("2020-W10"), actor="test")


def test_a_set_without_indicators_is_refused_and_nothing_is_stored(town_set):
    town_set.indicators.all().delete()
    with pytest.raises(InvalidInput):
        do_evaluate_month(town_set, MARCH, actor="test")
    assert not Evaluation.objects.filter(indicator_set=town_set).exists()


def test_people_need_the_capability_and_the_area(
    town_set, county_leader, dispatcher_other_town, admin_user
):
    with pytest.raises(NotPermitted):
        do_evaluate_month(town_set, MARCH, actor=county_leader)
    with pytest.raises(NotFound):  # a town's dispatcher does not see the county's set
        do_evaluate_month(town_set, MARCH, actor=dispatcher_other_town)
    assert not Evaluation.objects.filter(indicator_set=town_set).exists()
    assert do_evaluate_month(town_set, MARCH, actor=admin_user).scores.exists()


def test_the_monthly_job_drafts_the_previous_month_once(march_events, town_set):
    done = evaluate_last_month(today=dt.date(2020, 4, 1))
    assert done["T-TOWNS"] == Region.objects.filter(level="town", county__code=COUNTY).count()
    march = Evaluation.objects.get(indicator_set=town_set, month=dt.date(2020, 3, 1))
    assert march.status == EvaluationStatus.DRAFT
    assert "T-TOWNS" not in evaluate_last_month(today=dt.date(2020, 4, 2))
