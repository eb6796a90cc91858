"""Who sees what: another town's staff see nothing of a resource (404) and change nothing; the
identity of someone booked for counselling is shown to the resource's people only, never in the
figures; the pages and the API are described and paginated."""

import pytest

from gridgov.appointments import actions
from gridgov.appointments.models import Booking
from tests.conftest import client_for

from .conftest import tomorrow_at

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


@pytest.fixture
def booking(resource, dispatcher_town):
    made, _token = actions.do_book(resource, slot_start=tomorrow_at(10), name="小雨",
                                   phone=PHONE, actor=dispatcher_town)  # fmt: skip
    return made


def test_another_towns_staff_cannot_see_or_act_on_a_booking(booking, dispatcher_other_town):
    client = client_for(dispatcher_other_town)
    assert client.post(f"/api/v1/bookings/{booking.number}/cancel", {}).status_code == 404
    assert client.get(booking.get_absolute_url()).status_code == 404
    assert client.get(f"/appointments/resources/{booking.resource_id}/").status_code == 404
    body = {"resource": booking.resource_id, "slot_start": tomorrow_at(11).isoformat(),
            "name": "x", "phone": PHONE}  # fmt: skip
    refused = client.post("/api/v1/appointments/bookings", body, content_type="application/json")
    assert refused.status_code == 404
    listed = client.get("/api/v1/appointments/bookings", {"day": str(tomorrow_at(10).date())})
    assert listed.json()["count"] == 0
    booking.refresh_from_db()
    assert (
        booking.status == "booked"
        and Booking.objects.filter(resource=booking.resource).count() == 1
    )


def test_a_counselling_clients_identity_is_shown_to_the_duty_manager_only(
    booking, dispatcher_town, county_leader
):
    day = str(tomorrow_at(10).date())
    mine = client_for(dispatcher_town).get("/api/v1/appointments/bookings", {"day": day})
    (row,) = [r for r in mine.json()["results"] if r["number"] == booking.number]
    assert row["name"] == "小雨" and row["phone"] == PHONE
    theirs = client_for(county_leader).get("/api/v1/appointments/bookings", {"day": day})
    (row,) = [r for r in theirs.json()["results"] if r["number"] == booking.number]
    assert row["name"] == "" and row["phone"] == ""
    page = client_for(county_leader).get("/appointments/", {"day": day}).content.decode()
    assert "小雨" not in page and PHONE not in page


def test_someone_who_does_not_serve_the_resource_cannot_book_it(resource, gridworker_a):
    body = {"resource": resource.pk, "slot_start": tomorrow_at(11).isoformat(),
            "name": "x", "phone": PHONE}  # fmt: skip
    answer = client_for(gridworker_a).post(
        "/api/v1/appointments/bookings", body, content_type="application/json"
    )
    assert answer.status_code in (403, 404)
    assert not Booking.objects.filter(resource=resource).exists()


def test_the_board_reads_a_fixed_number_of_queries(
    booking, resource, dispatcher_town, django_assert_max_num_queries
):
    client = client_for(dispatcher_town)
    day = str(tomorrow_at(10).date())
    client.get("/appointments/", {"day": day})
    for hour in (12, 13, 14):
        actions.do_book(resource, slot_start=tomorrow_at(hour), name="阿青",
                        phone=PHONE, actor=dispatcher_town)  # fmt: skip
    with django_assert_max_num_queries(14):
        page = client.get("/appointments/", {"day": day, "days": "7"})
    assert page.status_code == 200 and "阿青" in page.content.decode()


def test_the_endpoints_are_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    ours = ["bookings", "resources", "public/codes", "public/bookings", "walk-ins"]
    paths = [f"/api/v1/appointments/{p}" for p in ours] + ["/api/v1/bookings/{number}/{action}"]
    for path in paths:
        assert path in schema["paths"], path


def test_the_demo_has_a_counselling_service_with_a_month_of_bookings():
    from gridgov.appointments.models import Resource

    names = set(Resource.objects.values_list("name", flat=True))
    assert "朋辈倾诉" in names and "便民服务窗口" in names
    assert Booking.objects.filter(status="no_show").exists()
    assert Booking.objects.filter(channel="walk_in").exists()


def test_a_resource_that_is_not_an_id_is_not_found_rather_than_a_server_error(
    resource, dispatcher_town
):
    client = client_for(dispatcher_town)
    for value in ("null", "abc", "0", "99999999999999999999"):
        answer = client.get("/api/v1/appointments/bookings", {"resource": value})
        assert answer.status_code == 404, value
    assert client.get("/api/v1/appointments/bookings", {"resource": resource.pk}).status_code == 200
