"""The shift file import, the pages in Chinese on a phone, the API and its OpenAPI entries."""

import pytest

from gridgov.care.models import Shift
from gridgov.care.shiftfile import COLUMNS, import_shift_file
from gridgov.core.errors import InvalidInput
from gridgov.regions.models import Region
from tests.care.conftest import at
from tests.conftest import DEMO_TOWN, client_for
from tests.test_translations_pages import english_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered(worker):
    worker.employee_number = "DZ-001"
    worker.save(update_fields=["employee_number"])
    return worker


def csv_of(rows) -> bytes:
    return "\n".join(",".join(r) for r in [COLUMNS, *rows]).encode()


def row(post, person, start, end, name=None):
    return [post.code, name or person.name, person.employee_number, "", start, end]


def test_a_shift_file_is_imported_once_and_again_adds_nothing(post, numbered, today, admin_user):
    d = today.isoformat()
    data = csv_of([row(post, numbered, f"{d} 00:00", f"{d} 08:00"),
                   row(post, numbered, f"{d} 08:00", f"{d} 16:00")])  # fmt: skip
    town = Region.objects.get(code=DEMO_TOWN)
    assert import_shift_file(data, "排班.csv", area=town, actor=admin_user)["created"] == 2
    again = import_shift_file(data, "排班.csv", area=town, actor=admin_user)
    assert again["created"] == 0 and again["unchanged"] == 2
    assert Shift.objects.filter(staff=numbered).count() == 2


def test_overlapping_rows_of_one_person_are_refused_by_row_with_a_reason(
    post, numbered, today, admin_user, english
):
    d = today.isoformat()
    data = csv_of([row(post, numbered, f"{d} 00:00", f"{d} 08:00"),
                   row(post, numbered, f"{d} 07:00", f"{d} 15:00"),
                   row(post, numbered, f"{d} 16:00", f"{d} 20:00", name="别人")])  # fmt: skip
    town = Region.objects.get(code=DEMO_TOWN)
    with pytest.raises(InvalidInput) as refused:
        import_shift_file(data, "排班.csv", area=town, actor=admin_user)
    problems = {(p["row"], p["column"]): p["reason"] for p in refused.value.details}
    assert "Overlaps row 2" in problems[(3, "开始时间")]
    assert (4, "姓名") in problems
    assert not Shift.objects.filter(staff=numbered).exists()
    summary = import_shift_file(data, "排班.csv", area=town, actor=admin_user, skip_bad_rows=True)
    assert summary["created"] == 1 and summary["skipped"] == 2


def test_a_row_clashing_with_a_stored_shift_is_refused(post, numbered, today, admin_user):
    from gridgov.care.actions import do_add_shift

    do_add_shift(numbered, post, at(today, 6), at(today, 10), actor="test")
    d = today.isoformat()
    town = Region.objects.get(code=DEMO_TOWN)
    with pytest.raises(InvalidInput) as refused:
        import_shift_file(csv_of([row(post, numbered, f"{d} 08:00", f"{d} 16:00")]), "a.csv",
                          area=town, actor=admin_user)  # fmt: skip
    assert refused.value.details[0]["row"] == 2


PAGES = ["/care/", "/care/posts/", "/care/shifts/", "/care/shifts/import/", "/care/visits/",
         "/care/rest-orders/", "/care/problems/", "/care/policy/", "/care/kpi/"]  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_every_care_page_is_in_chinese(url, county_leader, admin_user):
    for user in (county_leader, admin_user):
        page = client_for(user).get(url)
        assert page.status_code == 200, url
        assert english_on(page.content.decode(), names=(user.username,)) == []


def test_a_visit_and_a_rest_order_and_a_problem_page_are_in_chinese(county_leader):
    from gridgov.care.models import CareProblem, CareVisit, RestOrder

    client = client_for(county_leader)
    for item in (CareVisit.objects.first(), RestOrder.objects.first(), CareProblem.objects.first()):
        page = client.get(item.get_absolute_url())
        assert page.status_code == 200
        assert english_on(page.content.decode(), names=(county_leader.username,)) == []


def test_grid_workers_see_no_figures_and_may_not_enter_shifts(gridworker_a):
    client = client_for(gridworker_a)
    assert client.get("/care/kpi/").status_code == 403
    assert client.get("/care/shifts/import/").status_code == 403


def test_the_rest_order_list_page_has_a_fixed_number_of_queries(
    county_leader, django_assert_max_num_queries
):
    client = client_for(county_leader)
    client.get("/care/rest-orders/")
    with django_assert_max_num_queries(12):
        assert client.get("/care/rest-orders/").status_code == 200


def test_the_shift_list_api_has_a_fixed_number_of_queries(
    county_leader, django_assert_max_num_queries
):
    client = client_for(county_leader)
    client.get("/api/v1/shifts")
    with django_assert_max_num_queries(10):
        body = client.get("/api/v1/shifts").json()
    assert body["count"] > 0


def test_the_endpoints_are_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in ("/api/v1/duty-posts", "/api/v1/shifts", "/api/v1/care-visits",
                 "/api/v1/rest-orders", "/api/v1/care-problems", "/api/v1/kpi/care",
                 "/api/v1/duty/detect", "/api/v1/duty-policies/{county}"):  # fmt: skip
        assert path in paths, path
    action = paths["/api/v1/rest-orders/{number}/{action}"]["post"]
    (param,) = [p for p in action["parameters"] if p["name"] == "action"]
    assert sorted(param["schema"]["enum"]) == ["dismiss", "issue", "lift"]


def test_the_policy_api_refuses_a_limit_out_of_bounds_and_leaves_the_defaults(admin_user):
    client = client_for(admin_user)
    bad = client.put("/api/v1/duty-policies/330402", {"max_hours_day": 30, "max_hours_week": 60,
                     "max_days_in_a_row": 7, "max_nights_in_a_row": 3, "max_nights_week": 4},
                     content_type="application/json")  # fmt: skip
    assert bad.status_code == 400
    assert [d["field"] for d in bad.json()["errors"]] == ["max_hours_day"]
    assert client.get("/api/v1/duty-policies/330402").json()["max_hours_day"] == 12


def test_only_administrators_set_the_policy(county_leader):
    refused = client_for(county_leader).put(
        "/api/v1/duty-policies/330402", {"max_hours_day": 10}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_a_shift_entered_through_the_api_is_answered_with_its_figures(
    post, worker, today, dispatcher_town
):
    body = client_for(dispatcher_town).post(
        "/api/v1/shifts",
        {"staff": worker.pk, "post": post.pk, "starts_at": at(today, 22).isoformat(),
         "ends_at": at(today, 30).isoformat()},
        content_type="application/json",
    )  # fmt: skip
    assert body.status_code == 201, body.content
    assert body.json()["night"] is True and body.json()["hours"] == 8.0
