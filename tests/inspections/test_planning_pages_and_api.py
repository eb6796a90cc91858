"""The planner's and the figures' pages and API, as a dispatcher and a leader use them."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from gridgov.accounts.actions import do_issue_token
from gridgov.inspections.choices import PlanStatus
from gridgov.inspections.models import InspectionPlan, InspectionTask
from tests.conftest import DEMO_TOWN, client_for

from .test_kpi_and_planning import _future_working_days, _need


def _bearer(user):
    from django.test import Client

    _token, secret = do_issue_token(user, actor=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_dispatcher_proposes_reviews_and_confirms_a_plan_on_the_pages(
    scenario, school, squad, police_station, dispatcher_town
):
    days = _future_working_days(8)
    _need(scenario, school, squad, days[0], days[7], dispatcher_town)
    _need(scenario, school, police_station, days[2], days[7], dispatcher_town)
    client = client_for(dispatcher_town)
    page = client.get(reverse("inspections:plans"))
    assert page.status_code == 200 and "东栅中心小学" in page.content.decode()
    proposed = client.post(
        reverse("inspections:plans"),
        {"area": DEMO_TOWN, "start": days[0].isoformat(), "end": days[7].isoformat()},
    )
    plan = InspectionPlan.objects.latest("pk")
    assert proposed.status_code == 302 and proposed["Location"] == plan.get_absolute_url()
    review = client.get(plan.get_absolute_url()).content.decode()
    assert "东栅中心小学" in review and "确认" in review
    client.post(reverse("inspections:plan-decide", args=[plan.pk, "confirm"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED
    assert InspectionTask.objects.filter(trigger_ref=f"PLAN-{plan.pk}").count() == 1


def test_a_bad_period_on_the_page_says_why_and_creates_no_plan(dispatcher_town):
    client = client_for(dispatcher_town)
    before = InspectionPlan.objects.count()
    answer = client.post(
        reverse("inspections:plans"), {"start": "2020-01-01", "end": "not a day"}, follow=True
    )
    assert answer.status_code == 200 and "YYYY-MM-DD" in answer.content.decode()
    assert InspectionPlan.objects.count() == before


def test_the_api_records_needs_plans_and_confirms(
    scenario, school, squad, police_station, dispatcher_town
):
    days = _future_working_days(6)
    api = _bearer(dispatcher_town)
    for department in (squad, police_station):
        created = api.post(
            "/api/v1/inspection-needs",
            {
                "scenario": scenario.code,
                "target": school.pk,
                "department": department.code,
                "earliest": days[0].isoformat(),
                "latest": days[5].isoformat(),
            },
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
    listed = api.get("/api/v1/inspection-needs").json()
    assert listed["count"] >= 2
    plan = api.post(
        "/api/v1/inspection-plans",
        {"start": days[0].isoformat(), "end": days[5].isoformat()},
        content_type="application/json",
    )
    assert plan.status_code == 201
    body = plan.json()
    assert body["summary"]["visits"] == 1 and body["summary"]["visits_without_merging"] == 2
    (visit,) = body["visits"]
    assert (visit["scenario"], visit["scenario_name"]) == (scenario.code, scenario.name)
    confirmed = api.post(f"/api/v1/inspection-plans/{body['id']}/confirm")
    assert confirmed.status_code == 200 and len(confirmed.json()["created"]) == 1
    again = api.post(f"/api/v1/inspection-plans/{body['id']}/confirm")
    assert again.status_code == 409


def test_bad_needs_and_plans_are_4xx_and_write_nothing(scenario, school, dispatcher_town):
    api = _bearer(dispatcher_town)
    today = timezone.localdate()
    for body in (
        {"scenario": "nope", "target": school.pk, "department": "x", "earliest": "2026-01-01"},
        {"scenario": scenario.code, "target": 2**70, "department": "x"},
        {
            "scenario": scenario.code,
            "target": school.pk,
            "department": "330402-ZJJ",
            "earliest": today.isoformat(),
            "latest": (today + dt.timedelta(days=3)).isoformat(),
        },
    ):
        assert (
            api.post("/api/v1/inspection-needs", body, content_type="application/json").status_code
            == 400
        )
    assert (
        api.post(
            "/api/v1/inspection-plans", {"start": "x", "end": "y"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert api.get("/api/v1/inspection-plans/99999999999999999999999").status_code == 404
    assert api.post("/api/v1/inspection-plans/1/explode").status_code == 404


def test_a_grid_worker_may_not_plan_or_read_the_figures(gridworker_a):
    client = client_for(gridworker_a)
    assert client.get(reverse("inspections:plans")).status_code == 403
    assert client.get(reverse("inspections:kpi")).status_code == 403
    assert _bearer(gridworker_a).get("/api/v1/kpi/inspections").status_code == 403


def test_the_figures_page_and_api_show_the_seeds_share(county_leader):
    page = client_for(county_leader).get(reverse("inspections:kpi"))
    html = page.content.decode()
    assert page.status_code == 200 and "47.05%" in html and "预警" in html
    figures = _bearer(county_leader).get("/api/v1/kpi/inspections").json()
    assert figures["warning_share"] == 47.05
    unknown = _bearer(county_leader).get("/api/v1/kpi/inspections?scenario=\x00nope")
    assert unknown.status_code == 400


def test_a_plan_says_why_a_need_was_left_out_in_words(scenario, school, squad, dispatcher_town):
    from gridgov.worktime.calendar import is_working_day

    day_off = _future_working_days(1)[0]
    while is_working_day(day_off):
        day_off += dt.timedelta(days=1)
    api = _bearer(dispatcher_town)
    created = api.post(
        "/api/v1/inspection-needs",
        {"scenario": scenario.code, "target": school.pk, "department": squad.code,
         "earliest": day_off.isoformat(), "latest": day_off.isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = api.post(
        "/api/v1/inspection-plans",
        {"start": (day_off - dt.timedelta(days=1)).isoformat(), "end": day_off.isoformat()},
        content_type="application/json",
    ).json()
    (left,) = body["unplanned"]
    assert left["reason"] == "empty_window"
    assert left["reason_text"] == "时间窗口内没有统筹周期的工作日"


def test_a_period_without_needs_gives_an_empty_plan(dispatcher_town):
    days = _future_working_days(1)
    response = _bearer(dispatcher_town).post(
        "/api/v1/inspection-plans",
        {"start": days[0].isoformat(), "end": days[0].isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["summary"]["visits"] == 0
