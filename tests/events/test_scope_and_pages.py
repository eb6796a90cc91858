"""Who sees which events, what the lists cost, and the pages in Chinese."""

import pytest

from gridgov.events import actions
from gridgov.events.models import Event
from gridgov.events.selectors import events_for
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from tests.conftest import DEMO_TOWN, GRID_A, GRID_B, client_for

from .conftest import jpeg, point_in, report

pytestmark = pytest.mark.django_db


def test_a_grid_worker_sees_their_grid_and_their_own_reports_only(gridworker_a, gridworker_b):
    mine = report(gridworker_a)
    theirs = report(gridworker_b, code=GRID_B)
    visible = events_for(gridworker_a)
    assert visible.filter(pk=mine.pk).exists()
    assert not visible.filter(pk=theirs.pk).exists()
    assert not visible.exclude(grid__code=GRID_A).exclude(reporter=gridworker_a).exists()


def test_a_grid_worker_still_sees_what_they_reported_in_another_grid(gridworker_a):
    across = report(gridworker_a, code=GRID_B)
    assert events_for(gridworker_a).filter(pk=across.pk).exists()


def test_a_dispatcher_sees_the_town_and_not_the_next_one(
    dispatcher_town, dispatcher_other_town, gridworker_a
):
    event = report(gridworker_a)
    assert events_for(dispatcher_town).filter(pk=event.pk).exists()
    assert not events_for(dispatcher_other_town).filter(pk=event.pk).exists()
    assert (
        not events_for(dispatcher_town)
        .exclude(town__code=DEMO_TOWN)
        .exclude(reporter=dispatcher_town)
        .exists()
    )


def test_an_officer_sees_only_their_units_work(
    gridworker_a, dispatcher_town, officer_squad, officer_market
):
    event = report(gridworker_a)
    assert not events_for(officer_squad).filter(pk=event.pk).exists()
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher_town)
    actions.do_dispatch_event(
        event.pk, actor=dispatcher_town, lead=Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    )
    assert events_for(officer_squad).filter(pk=event.pk).exists()
    assert not events_for(officer_market).filter(pk=event.pk).exists()


@pytest.mark.parametrize("who", ["gridworker_b", "dispatcher_other_town", "officer_market"])
def test_out_of_scope_details_are_404_in_the_api_and_the_pages(request, gridworker_a, who):
    event = report(gridworker_a)
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/api/v1/events/{event.number}").status_code == 404
    assert client.get(f"/events/{event.number}/").status_code == 404


@pytest.mark.parametrize("who", ["gridworker_a", "dispatcher_other_town", "officer_squad"])
def test_every_row_of_the_list_api_is_in_scope(request, who):
    user = request.getfixturevalue(who)
    numbers = {
        r["number"]
        for r in client_for(user).get("/api/v1/events", {"page_size": 500}).json()["results"]
    }
    assert numbers <= set(events_for(user).values_list("number", flat=True))


# Session, user, staff post, count, rows: a fixed cost whatever the page size. The pages add
# the category filter's choices and the units a dispatcher may bulk-dispatch to.
LISTS = [
    ("/api/v1/events", 5),
    ("/api/v1/events?status=open&queue=command", 5),
    ("/events/", 7),
    ("/events/?queue=command&status=accepted", 7),
]


@pytest.mark.parametrize(("url", "queries"), LISTS)
@pytest.mark.parametrize("page_size", [3, 50])
def test_event_lists_cost_a_fixed_number_of_queries(
    dispatcher_town, django_assert_num_queries, url, queries, page_size
):
    client = client_for(dispatcher_town)
    client.get("/")  # warm the session
    sep = "&" if "?" in url else "?"
    with django_assert_num_queries(queries):
        response = client.get(f"{url}{sep}page_size={page_size}")
    assert response.status_code == 200


def test_the_report_page_is_in_chinese_with_a_map(gridworker_a):
    page = client_for(gridworker_a).get("/events/new/").content.decode()
    assert "上报事件" in page and 'id="map"' in page and "马上办" in page


def test_reporting_through_the_page_redirects_to_the_new_event(gridworker_a):
    lon, lat = point_in(GRID_A)
    response = client_for(gridworker_a).post(
        "/events/new/",
        {"title": "垃圾未清运", "category": "0104", "lon": lon, "lat": lat, "photos": [jpeg()]},
    )
    assert response.status_code == 302
    event = Event.objects.get(number=response["Location"].strip("/").split("/")[-1])
    assert event.title == "垃圾未清运" and event.timeline.get().attachments.count() == 1


def test_a_bad_report_on_the_page_keeps_the_input_and_says_why(gridworker_a):
    before = Event.objects.count()
    response = client_for(gridworker_a).post(
        "/events/new/", {"title": "没有地点", "category": "0104"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有地点" in page and 'role="alert"' in page
    assert Event.objects.count() == before


def test_the_detail_page_shows_the_timeline_and_the_dispatchers_actions(
    gridworker_a, dispatcher_town
):
    event = report(gridworker_a)
    page = client_for(dispatcher_town).get(f"/events/{event.number}/").content.decode()
    assert "受理" in page and 'id="act-accept"' in page and 'id="timeline"' in page
    # The grid worker sees the event but no command-centre buttons.
    page = client_for(gridworker_a).get(f"/events/{event.number}/").content.decode()
    assert 'id="act-accept"' not in page


def test_a_refused_step_on_the_page_says_why_with_its_status(gridworker_a, dispatcher_town):
    event = report(gridworker_a)
    response = client_for(dispatcher_town).post(
        f"/events/{event.number}/act/close/", {"version": 1}
    )
    assert response.status_code == 409 and 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    "who", ["gridworker_a", "dispatcher_town", "officer_squad", "county_leader"]
)
def test_the_event_list_renders_for_every_role(request, who):
    response = client_for(request.getfixturevalue(who)).get("/events/")
    assert response.status_code == 200 and "事件" in response.content.decode()


def test_the_kpi_page_shows_rates_for_a_leader(county_leader):
    page = client_for(county_leader).get("/events/kpi/").content.decode()
    assert "结案率" in page and 'id="ranking"' in page


def test_the_kpi_page_is_refused_to_grid_workers(gridworker_a):
    assert client_for(gridworker_a).get("/events/kpi/").status_code == 403
