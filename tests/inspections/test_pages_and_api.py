"""The inspection pages and REST API: the loop through both, who sees what, who may create,
the 4xx answers that change nothing, and the QR code on the page."""

import re

import pytest
from django.test import Client

from gridgov.inspections.choices import (
    CaseStatus,
    InspectionStatus,
    RectificationStatus,
    TargetKind,
)
from gridgov.inspections.models import (
    EnforcementCase,
    InspectionTarget,
    InspectionTask,
    RectificationOrder,
    Scenario,
)
from gridgov.inspections.selectors import checklist_of, departments_for, tasks_for
from gridgov.inspections.workflow import INSPECTION_WORKFLOW
from gridgov.org.models import Staff
from tests.conftest import DEMO_TOWN, OTHER_TOWN, client_for
from tests.events.conftest import jpeg, report

from .conftest import point_in

pytestmark = pytest.mark.django_db

JSON = "application/json"


def staff_id(user) -> int:
    return Staff.objects.get(user=user).pk


def items_by_kind(task) -> dict:
    return {item.department_kind: item for item in checklist_of(task)}


def api_post(client, url, body=None):
    return client.post(url, body or {}, content_type=JSON)


def number_from(response) -> str:
    return response["Location"].strip("/").split("/")[-1]


# --- Pages in Chinese, for every role ------------------------------------------------------

ROLES = ["gridworker_a", "dispatcher_town", "officer_squad", "county_leader", "admin_user"]


@pytest.mark.parametrize("who", ROLES)
def test_the_inspection_pages_render_in_chinese_for_every_role(request, who, joint_task):
    client = client_for(request.getfixturevalue(who))
    for url in ("/inspections/", "/inspections/targets/", "/inspections/scenarios/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "检查任务" in response.content.decode()
    assert "检查对象" in client.get("/inspections/targets/").content.decode()


def test_the_navigation_links_to_the_inspections(gridworker_a):
    page = client_for(gridworker_a).get("/").content.decode()
    assert 'href="/inspections/"' in page and "检查任务" in page


def test_the_detail_page_shows_the_checklist_with_its_powers_in_chinese(
    joint_task, dispatcher_town, powers
):
    page = client_for(dispatcher_town).get(f"/inspections/{joint_task.number}/").content.decode()
    assert "检查清单" in page and "东栅中心小学" in page and "校园周边" in page
    for power in ("check_stalls", "punish_stalls", "check_order"):
        assert powers[power].code in page and powers[power].name in page
    assert 'id="act-assign"' in page and 'id="act-cancel"' in page
    assert 'id="timeline"' in page and "待派发" in page


# --- The QR code ----------------------------------------------------------------------------


def test_the_qr_code_is_on_the_detail_page_and_its_link_verifies(joint_task, officer_squad):
    page = client_for(officer_squad).get(f"/inspections/{joint_task.number}/").content.decode()
    assert 'id="qr"' in page and "<svg" in page and "行政行为码" in page
    url = re.search(r'href="(http://testserver/inspections/verify/[^"]+)" id="verify-link"', page)
    assert url is not None
    verified = Client().get(url.group(1).replace("http://testserver", ""))
    assert verified.status_code == 200
    assert joint_task.number in verified.content.decode()


def test_the_api_detail_gives_the_link_the_qr_code_holds(joint_task, dispatcher_town):
    body = client_for(dispatcher_town).get(f"/api/v1/inspections/{joint_task.number}").json()
    path = body["verify_url"].replace("http://testserver", "")
    assert path.startswith("/inspections/verify/")
    assert Client().get(path).status_code == 200


# --- Scope and capabilities -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["dispatcher_other_town", "officer_market"])
def test_out_of_scope_inspections_are_404_in_the_pages_and_the_api(request, who, joint_task):
    client = client_for(request.getfixturevalue(who))
    assert client.get(f"/inspections/{joint_task.number}/").status_code == 404
    assert client.get(f"/api/v1/inspections/{joint_task.number}").status_code == 404
    response = api_post(client, f"/api/v1/inspections/{joint_task.number}/cancel", {"note": "x"})
    assert response.status_code == 404
    joint_task.refresh_from_db()
    assert joint_task.status == InspectionStatus.PLANNED


def test_another_towns_dispatcher_cannot_open_the_target_either(school, dispatcher_other_town):
    client = client_for(dispatcher_other_town)
    assert client.get(f"/inspections/targets/{school.pk}/").status_code == 404
    assert client.get(f"/api/v1/inspection-targets/{school.pk}").status_code == 404


def test_an_officer_sees_only_the_inspections_of_their_departments(
    joint_task, officer_squad, officer_police, officer_market
):
    for officer in (officer_squad, officer_police):
        assert tasks_for(officer).filter(pk=joint_task.pk).exists()
        rows = client_for(officer).get("/api/v1/inspections").json()["results"]
        assert joint_task.number in [r["number"] for r in rows]
    assert not tasks_for(officer_market).filter(pk=joint_task.pk).exists()
    rows = client_for(officer_market).get("/api/v1/inspections").json()["results"]
    assert joint_task.number not in [r["number"] for r in rows]


@pytest.mark.parametrize("who", ["gridworker_a", "dispatcher_other_town", "officer_squad"])
def test_every_row_of_the_inspection_list_is_in_scope(request, who, joint_task):
    user = request.getfixturevalue(who)
    rows = client_for(user).get("/api/v1/inspections", {"page_size": 500}).json()["results"]
    assert {r["number"] for r in rows} <= set(tasks_for(user).values_list("number", flat=True))


def test_a_grid_worker_cannot_create_inspections_targets_or_scenarios(
    gridworker_a, scenario, school, squad
):
    client = client_for(gridworker_a)
    before = (InspectionTask.objects.count(), InspectionTarget.objects.count())
    assert client.get("/inspections/new/").status_code == 403
    assert client.get("/inspections/targets/new/").status_code == 403
    assert client.get("/inspections/scenarios/new/").status_code == 403
    body = {"scenario": scenario.code, "target": school.pk, "departments": [squad.code]}
    assert api_post(client, "/api/v1/inspections", body).status_code == 403
    lon, lat = point_in(DEMO_TOWN)
    target = {"kind": "shop", "name": "小卖部", "lon": lon, "lat": lat}
    assert api_post(client, "/api/v1/inspection-targets", target).status_code == 403
    assert (InspectionTask.objects.count(), InspectionTarget.objects.count()) == before
    # The grid worker still sees the list and its "new" button is not offered.
    page = client.get("/inspections/").content.decode()
    assert "/inspections/new/" not in page


def test_only_scenario_managers_define_scenarios(dispatcher_town, powers):
    client = client_for(dispatcher_town)
    assert client.get("/inspections/scenarios/new/").status_code == 403
    response = api_post(client, "/api/v1/scenarios", scenario_body(powers))
    assert response.status_code == 403
    assert not Scenario.objects.filter(code="T-YYZB").exists()


# --- The loop through the pages -------------------------------------------------------------


def test_the_whole_loop_through_the_pages(
    scenario, school, squad, police_station, dispatcher_town, officer_squad, officer_police
):
    dispatcher = client_for(dispatcher_town)
    form = dispatcher.get(
        "/inspections/new/", {"scenario": scenario.code, "target": school.pk}
    ).content.decode()
    assert squad.name in form and police_station.name in form
    response = dispatcher.post(
        "/inspections/new/",
        {
            "scenario": scenario.code,
            "target": school.pk,
            "departments": [squad.code, police_station.code],
            "trigger": "plan",
        },
    )
    assert response.status_code == 302, response.content.decode()
    task = InspectionTask.objects.get(number=number_from(response))
    url = f"/inspections/{task.number}"
    assert task.status == InspectionStatus.PLANNED and task.department_count == 2

    officers = [staff_id(officer_squad), staff_id(officer_police)]
    response = dispatcher.post(f"{url}/act/assign/", {"officers": officers, "version": 1})
    assert response.status_code == 302
    squad_client, police_client = client_for(officer_squad), client_for(officer_police)
    assert 'id="act-start"' in squad_client.get(f"{url}/").content.decode()
    assert squad_client.post(f"{url}/act/start/", {"version": 2}).status_code == 302

    task.refresh_from_db()
    items = items_by_kind(task)
    stalls, order = items["comprehensive_enforcement"], items["public_security"]
    page = squad_client.get(f"{url}/").content.decode()
    assert f'id="record-{stalls.pk}"' in page and f'id="record-{order.pk}"' not in page
    response = squad_client.post(
        f"{url}/act/record/",
        {
            "checklist_item": stalls.pk,
            "outcome": "fail",
            "note": "校门口有流动摊点",
            "follow_up": "rectify",
            "rectify_days": "7",
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#checklist")
    assert (
        police_client.post(
            f"{url}/act/record/", {"checklist_item": order.pk, "outcome": "pass"}
        ).status_code
        == 302
    )
    page = police_client.get(f"{url}/").content.decode()
    assert "校门口有流动摊点" in page and "/photos/" in page
    task.refresh_from_db()
    response = police_client.post(
        f"{url}/act/finish/", {"acknowledged_by": "王校长", "version": task.version}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == InspectionStatus.INSPECTED and task.acknowledged_by == "王校长"

    rectification = RectificationOrder.objects.get(task=task)
    assert rectification.number in dispatcher.get(f"{url}/").content.decode()
    order_url = f"/inspections/rectifications/{rectification.number}"
    page = squad_client.get(f"{order_url}/").content.decode()
    assert "整改" in page and 'id="act-report_rectified"' in page
    response = squad_client.post(
        f"{order_url}/act/report_rectified/", {"note": "摊点已清理", "photos": [jpeg()]}
    )
    assert response.status_code == 302
    assert squad_client.post(f"{order_url}/act/pass/", {}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == RectificationStatus.PASSED

    assert dispatcher.post(f"{url}/act/close/", {"note": "已闭环"}).status_code == 302
    task.refresh_from_db()
    assert task.status == InspectionStatus.CLOSED
    assert list(task.timeline.values_list("action", flat=True)) == [
        "create", "assign", "start", "record", "record", "finish", "close",
    ]  # fmt: skip


def test_a_refused_step_on_the_page_says_why_with_its_status(joint_task, dispatcher_town):
    response = client_for(dispatcher_town).post(
        f"/inspections/{joint_task.number}/act/close/", {"version": 1}
    )
    assert response.status_code == 409 and 'role="alert"' in response.content.decode()


def test_a_bad_form_on_the_new_inspection_page_says_why_and_writes_nothing(
    scenario, school, dispatcher_town
):
    before = InspectionTask.objects.count()
    response = client_for(dispatcher_town).post(
        "/inspections/new/",
        {"scenario": scenario.code, "target": school.pk, "trigger": "event"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and 'id="inspection-form"' in page
    assert InspectionTask.objects.count() == before


def test_an_officer_records_only_the_items_of_their_kind_on_the_page(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    from gridgov.inspections.actions import do_assign_inspection

    officers = Staff.objects.filter(user__in=[officer_squad, officer_police])
    do_assign_inspection(joint_task.pk, list(officers), actor=dispatcher_town)
    INSPECTION_WORKFLOW.act(joint_task.pk, "start", actor=officer_squad)
    police_item = items_by_kind(joint_task)["public_security"]
    response = client_for(officer_squad).post(
        f"/inspections/{joint_task.number}/act/record/",
        {"checklist_item": police_item.pk, "outcome": "pass"},
    )
    assert response.status_code == 403
    assert not joint_task.results.exists()


# --- The loop through the API ---------------------------------------------------------------


def test_the_whole_loop_through_the_api_with_a_case(
    scenario, school, squad, police_station, dispatcher_town, officer_squad, officer_police, powers
):
    dispatcher = client_for(dispatcher_town)
    response = api_post(
        dispatcher,
        "/api/v1/inspections",
        {
            "scenario": scenario.code,
            "target": school.pk,
            "departments": [squad.code, police_station.code],
            "officers": [staff_id(officer_squad), staff_id(officer_police)],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    url = f"/api/v1/inspections/{body['number']}"
    assert body["status"] == "assigned" and len(body["officers"]) == 2
    assert {d["code"] for d in body["departments"]} == {squad.code, police_station.code}
    check = {c["department_kind"]: c for c in body["checklist"]}
    stalls, order = check["comprehensive_enforcement"], check["public_security"]
    assert stalls["inspection_power"]["code"] == powers["check_stalls"].code
    assert stalls["penalty_power"]["code"] == powers["punish_stalls"].code
    assert stalls["result"] is None

    squad_api, police_api = client_for(officer_squad), client_for(officer_police)
    assert squad_api.get(url).json()["actions"] == ["start"]
    assert api_post(squad_api, f"{url}/start", {"version": body["version"]}).status_code == 200
    response = squad_api.post(
        f"{url}/record",
        {
            "checklist_item": stalls["id"],
            "outcome": "fail",
            "note": "屡教不改",
            "follow_up": "case",
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 200, response.content
    recorded = {c["id"]: c for c in response.json()["checklist"]}[stalls["id"]]["result"]
    assert recorded["outcome"] == "fail" and len(recorded["photos"]) == 1
    response = api_post(
        police_api, f"{url}/record", {"checklist_item": order["id"], "outcome": "na"}
    )
    assert response.status_code == 200
    response = api_post(police_api, f"{url}/finish", {"acknowledged_by": "拒绝签字"})
    assert response.status_code == 200 and response.json()["status"] == "inspected"
    detail = dispatcher.get(url).json()
    assert detail["actions"] == ["close"] and len(detail["cases"]) == 1
    assert [e["action"] for e in detail["timeline"]] == [
        "create", "assign", "start", "record", "record", "finish",
    ]  # fmt: skip

    case_number = detail["cases"][0]["number"]
    case_url = f"/api/v1/cases/{case_number}"
    case = squad_api.get(case_url).json()
    assert case["penalty_power"]["code"] == powers["punish_stalls"].code
    assert case["actions"] == ["investigate", "dismiss"]
    assert api_post(squad_api, f"{case_url}/investigate").status_code == 200
    response = api_post(
        squad_api, f"{case_url}/decide", {"note": "罚款 2000 元", "fine_yuan": "2000"}
    )
    assert response.status_code == 200 and response.json()["fine_yuan"] == "2000.00"
    assert api_post(squad_api, f"{case_url}/close").json()["status"] == CaseStatus.CLOSED
    assert api_post(dispatcher, f"{url}/close").json()["status"] == "closed"
    assert EnforcementCase.objects.get(number=case_number).status == CaseStatus.CLOSED
    # The police station sees neither the squad's case nor a way to act on it.
    assert police_api.get(case_url).status_code == 404


def test_a_rectification_through_the_api_gets_more_time(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    from gridgov.inspections.actions import (
        ResultData,
        do_assign_inspection,
        do_finish_inspection,
        do_record_result,
    )

    officers = Staff.objects.filter(user__in=[officer_squad, officer_police])
    do_assign_inspection(joint_task.pk, list(officers), actor=dispatcher_town)
    INSPECTION_WORKFLOW.act(joint_task.pk, "start", actor=officer_squad)
    items = items_by_kind(joint_task)
    do_record_result(
        joint_task.pk,
        ResultData(items["comprehensive_enforcement"].pk, "fail", "摊点", "rectify", 3),
        actor=officer_squad,
    )
    do_record_result(
        joint_task.pk, ResultData(items["public_security"].pk, "pass"), actor=officer_police
    )
    do_finish_inspection(joint_task.pk, actor=officer_squad, acknowledged_by="王校长")
    order = RectificationOrder.objects.get(task=joint_task)
    url = f"/api/v1/rectifications/{order.number}"
    client = client_for(officer_squad)
    assert client.get(url).json()["actions"] == ["report_rectified", "escalate"]
    assert api_post(client, f"{url}/report_rectified", {"note": "已整改"}).status_code == 200
    response = api_post(client, f"{url}/fail", {"note": "仍有摊点"})
    assert response.status_code == 400 and "days" in str(response.json())
    response = api_post(client, f"{url}/fail", {"note": "仍有摊点", "days": 5})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == RectificationStatus.ISSUED and body["reinspections"] == 1


# --- Bad input, stale versions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"scenario": "NO-SUCH"}, "scenario"),
        ({"target": 987654321}, "target"),
        ({"departments": ["330402-SCJGJ"]}, "departments"),  # market regulation: not a kind
        ({"departments": [f"{OTHER_TOWN}-ZD"]}, "departments"),  # works in another town
        ({"departments": ["NO-SUCH-UNIT"]}, "departments"),
        ({"departments": "squad"}, "departments"),
        ({"trigger": "event"}, "trigger_event"),
        ({"trigger": "event", "trigger_event": "SJ00000000"}, "trigger_event"),
        ({"trigger": "warning"}, "trigger"),
        ({"planned_for": "2001-01-01"}, "planned_for"),
        ({"planned_for": "tomorrow"}, "planned_for"),
        ({"officers": [2**62]}, "officers"),
    ],
)
def test_a_bad_inspection_gets_a_400_with_field_details_and_nothing_is_written(
    scenario, school, squad, dispatcher_town, change, field
):
    before = InspectionTask.objects.count()
    body = {"scenario": scenario.code, "target": school.pk, "departments": [squad.code]}
    body.update(change)
    response = api_post(client_for(dispatcher_town), "/api/v1/inspections", body)
    assert response.status_code == 400, response.content
    assert response.json()["detail"] and field in str(response.json()["errors"])
    assert InspectionTask.objects.count() == before


def test_an_inspection_after_an_event_names_an_event_in_scope(
    scenario, school, squad, dispatcher_town, gridworker_a
):
    event = report(gridworker_a)
    body = {
        "scenario": scenario.code,
        "target": school.pk,
        "departments": [squad.code],
        "trigger": "event",
        "trigger_event": event.number,
    }
    response = api_post(client_for(dispatcher_town), "/api/v1/inspections", body)
    assert response.status_code == 201, response.content
    assert response.json()["trigger_event"] == event.number
    assert event.inspections.count() == 1


def test_the_yearly_cap_is_a_409_through_the_api(scenario, school, squad, dispatcher_town):
    client = client_for(dispatcher_town)
    body = {"scenario": scenario.code, "target": school.pk, "departments": [squad.code]}
    for _ in range(scenario.yearly_cap):
        assert api_post(client, "/api/v1/inspections", body).status_code == 201
    assert api_post(client, "/api/v1/inspections", body).status_code == 409
    assert InspectionTask.objects.filter(target=school).count() == scenario.yearly_cap


def test_a_stale_version_gets_409_and_changes_nothing(
    joint_task, dispatcher_town, officer_squad, officer_police
):
    client = client_for(dispatcher_town)
    url = f"/api/v1/inspections/{joint_task.number}"
    officers = [staff_id(officer_squad), staff_id(officer_police)]
    response = api_post(client, f"{url}/assign", {"officers": officers, "version": 1})
    assert response.status_code == 200 and response.json()["version"] == 2
    response = api_post(client, f"{url}/cancel", {"note": "不需要了", "version": 1})
    assert response.status_code == 409
    joint_task.refresh_from_db()
    assert joint_task.status == InspectionStatus.ASSIGNED and joint_task.version == 2


@pytest.mark.parametrize(
    ("who", "action", "body", "status"),
    [
        ("gridworker_a", "cancel", {"note": "x"}, 403),  # role
        ("dispatcher_town", "close", {}, 409),  # state
        ("dispatcher_town", "cancel", {}, 400),  # a cancellation needs a reason
        ("dispatcher_town", "assign", {"officers": []}, 400),  # every department an officer
        ("dispatcher_town", "rate", {}, 404),  # not a step staff take
        ("dispatcher_town", "fly", {}, 404),  # no such action
        ("dispatcher_town", "assign", {"officers": "all"}, 400),
        ("dispatcher_town", "assign", {"version": "new"}, 400),
    ],
)
def test_refused_steps_get_4xx_and_change_nothing(request, joint_task, who, action, body, status):
    client = client_for(request.getfixturevalue(who))
    response = api_post(client, f"/api/v1/inspections/{joint_task.number}/{action}", body)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    joint_task.refresh_from_db()
    assert joint_task.status == InspectionStatus.PLANNED and joint_task.version == 1


@pytest.mark.parametrize(
    "url, status",
    [
        # A NUL byte no database can compare is refused before any view (400).
        ("/api/v1/inspections/JC%00", 400),
        ("/api/v1/scenarios/%00", 400),
        ("/api/v1/rectifications/ZG%00", 400),
        ("/api/v1/cases/AJ%00", 400),
        ("/inspections/JC%00/", 400),
        # Keys longer or larger than any stored one name nothing (404).
        ("/api/v1/inspections/" + "9" * 40, 404),
        ("/api/v1/inspection-targets/99999999999999999999999", 404),
        ("/inspections/targets/99999999999999999999999/", 404),
    ],
)
def test_impossible_keys_are_4xx_not_server_errors(dispatcher_town, url, status):
    assert client_for(dispatcher_town).get(url).status_code == status


@pytest.mark.parametrize(
    "query",
    [{"q": "\x00"}, {"status": "lost"}, {"target": "x"}, {"scenario": "NONE"}, {"mine": "perhaps"}],
)
def test_bad_list_filters_are_400(dispatcher_town, query):
    assert client_for(dispatcher_town).get("/api/v1/inspections", query).status_code == 400


def test_a_json_body_that_is_not_an_object_is_400(dispatcher_town, joint_task):
    client = client_for(dispatcher_town)
    for url in ("/api/v1/inspections", f"/api/v1/inspections/{joint_task.number}/cancel"):
        assert client.post(url, "[1, 2]", content_type=JSON).status_code == 400


# --- Targets --------------------------------------------------------------------------------


def test_a_dispatcher_adds_a_target_with_a_pin_on_the_page(dispatcher_town):
    client = client_for(dispatcher_town)
    page = client.get("/inspections/targets/new/").content.decode()
    assert 'id="map"' in page and "统一社会信用代码" in page
    lon, lat = point_in(DEMO_TOWN)
    response = client.post(
        "/inspections/targets/new/",
        {"kind": "restaurant", "name": "老街面馆", "lon": lon, "lat": lat, "address": "建国路"},
    )
    assert response.status_code == 302
    target = InspectionTarget.objects.get(name="老街面馆")
    assert target.town.code == DEMO_TOWN and response["Location"] == target.get_absolute_url()
    assert "老街面馆" in client.get(response["Location"]).content.decode()


def test_a_wrong_credit_code_on_the_target_page_keeps_the_input_and_writes_nothing(
    dispatcher_town,
):
    before = InspectionTarget.objects.count()
    lon, lat = point_in(DEMO_TOWN)
    response = client_for(dispatcher_town).post(
        "/inspections/targets/new/",
        {"kind": "shop", "name": "错码小店", "uscc": "91330402MA2B3C4D5X", "lon": lon, "lat": lat},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "错码小店" in page
    assert InspectionTarget.objects.count() == before


def test_targets_through_the_api(dispatcher_town, school):
    client = client_for(dispatcher_town)
    lon, lat = point_in(DEMO_TOWN)
    response = api_post(
        client,
        "/api/v1/inspection-targets",
        {"kind": "shop", "name": "便民超市", "lon": lon, "lat": lat},
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["town"]["code"] == DEMO_TOWN
    assert client.get(f"/api/v1/inspection-targets/{created['id']}").json()["name"] == "便民超市"
    rows = client.get("/api/v1/inspection-targets", {"kind": "school"}).json()["results"]
    assert school.pk in [r["id"] for r in rows] and {r["kind"] for r in rows} == {"school"}
    rows = client.get("/api/v1/inspection-targets", {"q": school.uscc}).json()["results"]
    assert [r["id"] for r in rows] == [school.pk]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"uscc": "12330402MB1234567X"}, "uscc"),  # wrong check character
        ({"kind": "castle"}, "kind"),
        ({"lon": "east"}, "lon"),
        ({"lon": 100.0, "lat": 30.0}, "location"),  # not in any micro-grid
        ({"name": ""}, "name"),
    ],
)
def test_a_bad_target_gets_a_400_and_nothing_is_written(dispatcher_town, change, field):
    before = InspectionTarget.objects.count()
    lon, lat = point_in(DEMO_TOWN)
    body = {"kind": "shop", "name": "小店", "lon": lon, "lat": lat, **change}
    response = api_post(client_for(dispatcher_town), "/api/v1/inspection-targets", body)
    assert response.status_code == 400, response.content
    assert field in str(response.json()) or field == "location"
    assert InspectionTarget.objects.count() == before


def test_the_target_page_lists_its_inspections(joint_task, school, dispatcher_town):
    page = client_for(dispatcher_town).get(f"/inspections/targets/{school.pk}/").content.decode()
    assert joint_task.number in page and f"/inspections/new/?target={school.pk}" in page


# --- Scenarios ------------------------------------------------------------------------------


def scenario_body(powers, **changes) -> dict:
    body = {
        "jurisdiction": "330402",
        "code": "T-YYZB",
        "name": "餐饮油烟",
        "department_kinds": ["comprehensive_enforcement"],
        "target_kinds": ["restaurant"],
        "yearly_cap": 2,
        "checklist": [
            {
                "department_kind": "comprehensive_enforcement",
                "text": "油烟净化设施正常运行",
                "inspection_power": powers["check_stalls"].code,
                "penalty_power": powers["punish_stalls"].code,
            }
        ],
    }
    body.update(changes)
    return body


def test_the_scenario_pages_show_the_checklist_and_its_powers(scenario, powers, officer_squad):
    client = client_for(officer_squad)
    assert "校园周边" in client.get("/inspections/scenarios/").content.decode()
    page = client.get(f"/inspections/scenarios/{scenario.code}/").content.decode()
    assert "校门口 200 米内无流动摊贩" in page and powers["punish_stalls"].code in page
    assert "综合行政执法" in page


def test_an_administrator_defines_a_scenario_on_the_page(admin_user, powers):
    client = client_for(admin_user)
    assert 'id="jurisdiction-form"' in client.get("/inspections/scenarios/new/").content.decode()
    page = client.get("/inspections/scenarios/new/", {"jurisdiction": "330402"}).content.decode()
    assert page.count('class="card checklist-row"') == 8
    assert 'data-powers="/api/v1/power-items"' in page and 'list="inspection-powers"' in page
    form = {
        "jurisdiction": "330402",
        "code": "T-XFAQ",
        "name": "消防安全",
        "department_kinds": ["comprehensive_enforcement", "public_security"],
        "target_kinds": ["shop", "hotel"],
        "yearly_cap": "2",
        "department_kind_1": "comprehensive_enforcement",
        "text_1": "疏散通道畅通",
        "inspection_power_1": powers["check_stalls"].code,
        "penalty_power_1": powers["punish_stalls"].code,
        "department_kind_3": "public_security",
        "text_3": "消防设施完好",
        "inspection_power_3": powers["check_order"].code,
    }
    response = client.post("/inspections/scenarios/new/", form)
    assert response.status_code == 302, response.content.decode()
    scenario = Scenario.objects.get(code="T-XFAQ")
    assert scenario.checklist.count() == 2 and scenario.yearly_cap == 2

    form.update(code="T-XFAQ2", inspection_power_3="NO-SUCH-CODE")
    response = client.post("/inspections/scenarios/new/", form)
    assert response.status_code == 400
    assert "第 3 行" in response.content.decode()
    assert not Scenario.objects.filter(code="T-XFAQ2").exists()


def test_scenarios_through_the_api(admin_user, powers, scenario, officer_squad):
    client = client_for(admin_user)
    response = api_post(client, "/api/v1/scenarios", scenario_body(powers))
    assert response.status_code == 201, response.content
    assert response.json()["checklist"][0]["inspection_power"]["code"] == "T-JC-1"
    rows = client_for(officer_squad).get("/api/v1/scenarios", {"page_size": 500}).json()["results"]
    assert {"T-XYZB", "T-YYZB"} <= {row["code"] for row in rows}
    detail = client_for(officer_squad).get(f"/api/v1/scenarios/{scenario.code}").json()
    assert [c["inspection_power"]["code"] for c in detail["checklist"]] == ["T-JC-1", "T-JC-2"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"jurisdiction": "999999"}, "jurisdiction"),  # no such region
        ({"jurisdiction": "330402013"}, "jurisdiction"),  # a town has no catalogue
        ({"checklist": []}, "checklist"),
        ({"department_kinds": ["wizardry"]}, "department_kinds"),
        ({"yearly_cap": 0}, "yearly_cap"),
    ],
)
def test_a_bad_scenario_gets_a_400_and_nothing_is_written(admin_user, powers, changes, field):
    body = scenario_body(powers, **changes)
    response = api_post(client_for(admin_user), "/api/v1/scenarios", body)
    assert response.status_code == 400, response.content
    assert field in str(response.json())
    assert not Scenario.objects.filter(code="T-YYZB").exists()


def test_a_checklist_row_with_a_power_of_the_wrong_kind_is_refused(admin_user, powers):
    body = scenario_body(powers)
    body["checklist"][0]["inspection_power"] = powers["punish_stalls"].code  # a penalty item
    response = api_post(client_for(admin_user), "/api/v1/scenarios", body)
    assert response.status_code == 400
    assert "checklist[0].inspection_power" in str(response.json()["errors"])


# --- The new inspection form ----------------------------------------------------------------


def test_the_units_offered_are_of_the_scenarios_kinds_and_work_where_the_target_is(
    scenario, school, squad, police_station
):
    offered = {d.code for d in departments_for(scenario, school)}
    assert {squad.code, police_station.code} <= offered
    assert f"{OTHER_TOWN}-ZD" not in offered and "330402-SCJGJ" not in offered


def test_the_new_inspection_form_finds_targets_in_scope(
    scenario, school, dispatcher_town, dispatcher_other_town
):
    page = (
        client_for(dispatcher_town)
        .get("/inspections/new/", {"scenario": scenario.code, "q": "东栅"})
        .content.decode()
    )
    assert f"target={school.pk}" in page
    page = (
        client_for(dispatcher_other_town)
        .get("/inspections/new/", {"scenario": scenario.code, "q": "东栅"})
        .content.decode()
    )
    assert f"target={school.pk}" not in page


# --- Lists: tabs and their cost -------------------------------------------------------------


@pytest.fixture
def several_tasks(scenario, squad, police_station, dispatcher_town, admin_user):
    """Inspections of five schools of 东栅街道, so that the lists have rows."""
    from gridgov.inspections.actions import (
        InspectionData,
        TargetData,
        do_create_inspection,
        do_create_target,
    )
    from gridgov.regions.models import Region

    microgrids = Region.objects.filter(level="microgrid", town__code=DEMO_TOWN).order_by("code")
    tasks = []
    for i, microgrid in enumerate(microgrids[:5]):
        target = do_create_target(
            TargetData(
                kind=TargetKind.SCHOOL,
                name=f"东栅第{i + 1}小学",
                lon=microgrid.label_lon,
                lat=microgrid.label_lat,
            ),
            actor=admin_user,
        )
        tasks.append(
            do_create_inspection(
                InspectionData(
                    scenario=scenario, target=target, departments=[squad, police_station]
                ),
                actor=dispatcher_town,
            )
        )
    return tasks


def test_the_tabs_show_assigned_to_me_and_the_command_centre_queue(
    several_tasks, dispatcher_town, officer_squad, officer_police
):
    from gridgov.inspections.actions import do_assign_inspection

    first = several_tasks[0]
    officers = Staff.objects.filter(user__in=[officer_squad, officer_police])
    do_assign_inspection(first.pk, list(officers), actor=dispatcher_town)
    queue = client_for(dispatcher_town).get("/inspections/").content.decode()  # default: queue
    assert several_tasks[1].number in queue and first.number not in queue
    mine = client_for(officer_squad).get("/inspections/").content.decode()  # default: mine
    assert first.number in mine and several_tasks[1].number not in mine
    everything = client_for(officer_squad).get("/inspections/", {"tab": "all"}).content.decode()
    assert several_tasks[1].number in everything
    home = client_for(officer_squad).get("/").content.decode()
    assert 'id="inspection-workload"' in home


# Session, user, staff post, count, rows — and, for the pages, the scenarios of the filter.
LISTS = [
    ("/api/v1/inspections", 5),
    ("/api/v1/inspections?queue=true&status=planned", 5),
    ("/api/v1/inspection-targets", 5),
    ("/api/v1/scenarios", 5),
    ("/inspections/", 6),
    ("/inspections/?tab=all&trigger=plan", 6),
    ("/inspections/targets/", 5),
    ("/inspections/scenarios/", 5),
]


@pytest.mark.parametrize(("url", "queries"), LISTS)
@pytest.mark.parametrize("page_size", [2, 50])
def test_inspection_lists_cost_a_fixed_number_of_queries(
    several_tasks, dispatcher_town, django_assert_num_queries, url, queries, page_size
):
    client = client_for(dispatcher_town)
    client.get("/")  # warm the session
    sep = "&" if "?" in url else "?"
    with django_assert_num_queries(queries):
        response = client.get(f"{url}{sep}page_size={page_size}")
    assert response.status_code == 200


def test_an_officers_list_costs_no_extra_query(
    several_tasks, officer_squad, django_assert_num_queries
):
    client = client_for(officer_squad)
    client.get("/")
    with django_assert_num_queries(5):
        response = client.get("/api/v1/inspections", {"page_size": 50})
    assert response.json()["count"] >= 5


def test_the_schema_documents_every_inspection_endpoint(admin_user):
    text = client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/json")
    text = text.content.decode()
    for path in (
        "/api/v1/inspections",
        "/api/v1/inspections/{number}/{action}",
        "/api/v1/inspection-targets/{id}",
        "/api/v1/scenarios/{code}",
        "/api/v1/rectifications/{number}/{action}",
        "/api/v1/cases/{number}/{action}",
    ):
        assert path in text
