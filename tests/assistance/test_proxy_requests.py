"""Proxy requests (红色代办): the loop through the kernel's endpoint, the agent who sees only a
masked resident, the deadline from the service's usual working days, scope, the catalogue."""

import datetime as dt

import pytest

from gridgov.assistance import actions
from gridgov.assistance.models import ProxyRequest, ProxyService
from gridgov.assistance.workflow import REQUEST_WORKFLOW
from gridgov.core.errors import InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.workflow.deadlines import OVERDUE, sweep
from gridgov.workflow.models import Notification
from gridgov.worktime.calendar import working_hours_between
from tests.conftest import client_for
from tests.households.conftest import PHONE_A

from .conftest import SYSTEM

pytestmark = pytest.mark.django_db


def request_for(resident, service, actor=SYSTEM):
    return actions.do_request_service(service, resident, actor=actor, details="老人行动不便")


def test_a_request_goes_round_the_loop_through_the_api(ledger_a, service, agent_a, gridworker_a):
    item = request_for(ledger_a.resident, service, actor=gridworker_a)
    client = client_for(agent_a)
    for action in ("accept", "collect", "submit", "finish"):
        answer = client.post(f"/api/v1/assistance/{item.number}/{action}", {})
        assert answer.status_code == 200, answer.content
    refused = client.post(f"/api/v1/assistance/{item.number}/confirm", {})
    assert refused.status_code == 400  # the resident's rating is required
    done = client.post(f"/api/v1/assistance/{item.number}/confirm", {"satisfaction": 4})
    assert done.status_code == 200, done.content
    item.refresh_from_db()
    assert (item.status, item.satisfaction, item.agent.user) == ("confirmed", 4, agent_a)
    assert [e.action for e in item.timeline.order_by("seq")] == [
        "request", "accept", "collect", "submit", "finish", "confirm",
    ]  # fmt: skip


def test_the_deadline_is_the_services_usual_days_on_the_working_day_calendar(ledger_a, service):
    item = request_for(ledger_a.resident, service)
    hours = working_hours_between(item.requested_at, item.due_on)
    assert hours == pytest.approx((1 + service.usual_days) * 9)


def test_the_agent_sees_a_masked_resident_and_reveals_the_phone_with_a_purpose(
    ledger_a, service, agent_a
):
    item = request_for(ledger_a.resident, service)
    client = client_for(agent_a)
    body = client.get(f"/api/v1/assistance/requests/{item.number}").json()
    assert body["resident"]["name"] == "王建国"
    assert body["resident"]["phone"] != PHONE_A and body["resident"]["phone"].endswith("5678")
    assert "测试路A1号" in body["resident"]["address"]
    assert PHONE_A not in client.get("/services/").content.decode()
    url = f"/services/requests/{item.number}/reveal-phone/"
    shown = client.post(url, {"purpose": "contact"})
    if has_capability(agent_a, Capability.REVEAL_PII):
        assert shown.status_code == 200 and PHONE_A in shown.content.decode()
        reveal = AuditEntry.objects.filter(action="pii.reveal", target_id=ledger_a.resident.pk)
        assert reveal.get().changes["purpose"] == "contact"
    else:
        assert shown.status_code == 403 and PHONE_A not in shown.content.decode()
    answer = client_for(agent_a).post(url, {"purpose": ""})
    assert PHONE_A not in answer.content.decode()  # no purpose, no number


def test_only_an_agent_of_the_area_accepts(ledger_a, service, agent_b, dispatcher_town):
    item = request_for(ledger_a.resident, service)
    # Grid B's agent does not even see grid A's request.
    assert client_for(agent_b).post(f"/api/v1/assistance/{item.number}/accept").status_code == 404
    # The town's dispatcher sees it but is not an agent.
    refused = client_for(dispatcher_town).post(f"/api/v1/assistance/{item.number}/accept")
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.status == "requested" and item.version == 1 and item.agent is None


def test_an_agent_of_another_grid_sees_neither_the_requests_nor_the_residents(
    ledger_a, service, agent_b
):
    item = request_for(ledger_a.resident, service)
    client = client_for(agent_b)
    assert client.get(f"/api/v1/assistance/requests/{item.number}").status_code == 404
    numbers = [r["number"] for r in client.get("/api/v1/assistance/requests").json()["results"]]
    assert item.number not in numbers
    made = client.post(
        "/api/v1/assistance/requests", {"service": service.pk, "resident": ledger_a.resident.pk}
    )
    assert made.status_code == 404
    assert client.post(f"/services/requests/{item.number}/reveal-phone/").status_code == 404
    assert ProxyRequest.objects.filter(resident=ledger_a.resident).count() == 1


def test_staff_record_a_request_for_a_resident_of_their_grid(ledger_a, service, gridworker_a):
    answer = client_for(gridworker_a).post(
        "/api/v1/assistance/requests",
        {"service": service.pk, "resident": ledger_a.resident.pk, "requested_by": "relative"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "requested" and answer.json()["requested_by"] == "relative"


def test_a_refusal_and_a_cancellation_need_a_reason(ledger_a, service, agent_a, gridworker_a):
    item = request_for(ledger_a.resident, service)
    client = client_for(agent_a)
    assert client.post(f"/api/v1/assistance/{item.number}/refuse", {}).status_code == 400
    other = request_for(ledger_a.resident, service)
    cancel = f"/api/v1/assistance/{other.number}/cancel"
    assert client_for(gridworker_a).post(cancel, {"note": "已自行办理"}).status_code == 200
    refused = client.post(f"/api/v1/assistance/{item.number}/refuse", {"note": "不符条件"})
    assert refused.status_code == 200 and refused.json()["status"] == "refused"


def test_a_service_of_another_county_or_withdrawn_is_refused(ledger_a, service):
    other = ProxyService(county=service.county, name="x", office="y", mode="nearby")
    other.is_active = False
    other.save()
    with pytest.raises(InvalidInput) as refused:
        request_for(ledger_a.resident, other)
    assert refused.value.details[0]["field"] == "service"


def test_a_late_request_is_chased_once_and_its_agent_told(
    ledger_a, service, agent_a, clock, django_capture_on_commit_callbacks
):
    item = request_for(ledger_a.resident, service)
    clock.now = item.due_at + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["assistance"][OVERDUE] >= 1  # the demo's late ones too
    item.refresh_from_db()
    assert item.late and item.status == "requested"
    assert Notification.objects.filter(user=agent_a, url=item.get_absolute_url()).exists()
    assert sweep()["assistance"] == {}


def test_administrators_keep_the_catalogue_and_others_may_not(service, county_admin, gridworker_a):
    data = actions.ServiceData("老年证办理", "身份证、照片", "区民政局", 5, "nearby")
    with pytest.raises(NotPermitted):
        actions.do_save_service(data, actor=gridworker_a, county=service.county)
    made = actions.do_save_service(data, actor=county_admin, county=service.county)
    assert AuditEntry.objects.filter(action="assistance.service.added", target_id=made.pk).exists()
    bad = client_for(county_admin).put(
        f"/api/v1/assistance/services/{made.pk}",
        {"name": "老年证办理", "office": "区民政局", "usual_days": 99, "mode": "nearby"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    made.refresh_from_db()
    assert made.usual_days == 5


def test_the_request_list_page_takes_a_fixed_number_of_queries(
    ledger_a, service, agent_a, django_assert_max_num_queries
):
    for _ in range(3):
        request_for(ledger_a.resident, service)
    client = client_for(agent_a)
    client.get("/services/")
    with django_assert_max_num_queries(12):
        page = client.get("/services/")
    assert page.status_code == 200 and "王建国" in page.content.decode()


def test_the_endpoints_are_in_the_openapi_schema(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/assistance/requests",
        "/api/v1/assistance/{number}/{action}",
        "/api/v1/homecare",
        "/api/v1/kpi/assistance",
        "/api/v1/volunteers/activities",
    ):
        assert path in schema["paths"], path  # fmt: skip


def test_the_work_item_kinds_join_the_kernel():
    assert REQUEST_WORKFLOW.name == "assistance"
    assert ProxyRequest.objects.filter(status="confirmed").exists()  # the demo's loops
    assert set(ProxyRequest.objects.values_list("status", flat=True)) >= set(
        ("requested", "accepted", "collected", "submitted", "done", "refused", "cancelled")
    )
