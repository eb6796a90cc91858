"""The demo tells the seed's story from its own rows, and the figures page shows it."""

import pytest

from gridgov.care.choices import ProblemStatus, RestOrderStatus
from gridgov.care.models import CareProblem, CareVisit, RestOrder, Shift
from tests.conftest import client_for
from tests.test_translations_pages import english_on

pytestmark = pytest.mark.django_db


def test_the_demo_holds_135_visits_35_solved_problems_and_5_issued_rest_orders():
    assert CareVisit.objects.count() == 135
    assert CareProblem.objects.filter(status=ProblemStatus.SOLVED).count() == 35
    issued = RestOrder.objects.filter(issued_at__isnull=False)
    assert issued.count() == 5
    assert RestOrder.objects.filter(status=RestOrderStatus.DISMISSED).count() >= 1


def test_the_demos_shifts_run_day_and_night_at_checkpoints():
    assert Shift.objects.filter(night=True, post__kind="checkpoint").exists()
    assert Shift.objects.filter(night=False, post__kind="checkpoint").exists()


def test_every_demo_rest_order_names_the_rules_its_person_went_past():
    for order in RestOrder.objects.all():
        assert order.breaches and all(b["value"] > b["limit"] for b in order.breaches)


def test_the_figures_page_shows_135_visits_35_solved_and_5_rest_orders(county_leader, today):
    start = today.fromordinal(today.toordinal() - 120)
    page = client_for(county_leader).get(
        "/care/kpi/", {"region": "330402", "from": start.isoformat(), "to": today.isoformat()}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert '<dd id="kpi-visits">135</dd>' in html
    assert '<dd id="kpi-solved">35</dd>' in html
    assert '<dd id="kpi-rest-orders">5</dd>' in html
    assert english_on(html, names=(county_leader.username,)) == []


def test_the_figures_api_answers_the_same_per_period(county_leader, today):
    start = today.fromordinal(today.toordinal() - 120)
    body = (
        client_for(county_leader)
        .get(
            "/api/v1/kpi/care",
            {"region": "330402", "from": start.isoformat(), "to": today.isoformat()},
        )
        .json()
    )
    assert body["totals"]["visits"] == 135
    assert body["totals"]["problems_solved"] == 35
    assert body["totals"]["rest_orders_issued"] == 5
    assert sum(a["visits"] for a in body["areas"]) == 135
    assert body["people"] and body["totals"]["hours_per_person"] > 0


def test_a_period_before_the_demo_shows_nothing(county_leader):
    body = (
        client_for(county_leader)
        .get("/api/v1/kpi/care", {"region": "330402", "from": "2020-01-01", "to": "2020-12-31"})
        .json()
    )
    assert body["totals"]["visits"] == 0 and body["totals"]["rest_orders_issued"] == 0


def test_grid_workers_may_not_read_the_figures(gridworker_a):
    assert client_for(gridworker_a).get("/api/v1/kpi/care").status_code == 403
