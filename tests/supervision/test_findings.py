"""A supervision finding goes around its loop: found → assigned with a deadline → rectified
→ measures improved → verified → closed, or returned; chased when late; starting an event."""

import datetime as dt

import pytest

from gridgov.supervision import actions
from gridgov.supervision.choices import FindingKind
from gridgov.supervision.models import Finding
from gridgov.workflow.deadlines import OVERDUE, sweep
from tests.conftest import DEMO_TOWN, client_for
from tests.events.conftest import jpeg

pytestmark = pytest.mark.django_db
UNIT = f"{DEMO_TOWN}-ZD"


def record(client, group, **extra):
    body = {"group": group.pk, "kind": "duty", "summary": "卡口值守人员脱岗", **extra}
    return client.post("/api/v1/findings", body, content_type="application/json")


def test_a_finding_goes_around_the_whole_loop(group, supervisor, officer_squad):
    group_client, unit_client = client_for(supervisor), client_for(officer_squad)
    made = record(group_client, group, department=UNIT, rectify_days=3)
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["status"] == "found" and number.startswith("JD")
    assigned = group_client.post(f"/api/v1/findings/{number}/assign", {"version": 1})
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["deadline"] > dt.date.today().isoformat()
    rectified = unit_client.post(
        f"/api/v1/findings/{number}/rectify", {"note": "已安排专人值守", "photos": [jpeg()]}
    )
    assert rectified.status_code == 200, rectified.content
    improved = unit_client.post(
        f"/api/v1/findings/{number}/improve", {"measures": "建立值守签到与抽查制度"}
    )
    assert improved.status_code == 200, improved.content
    for action in ("verify", "close"):
        step = group_client.post(f"/api/v1/findings/{number}/{action}", {})
        assert step.status_code == 200, step.content
    body = step.json()
    assert body["status"] == "closed" and body["due_at"] is None
    assert [s["action"] for s in body["timeline"]] == [
        "find",
        "assign",
        "rectify",
        "improve",
        "verify",
        "close",
    ]
    finding = Finding.objects.get(number=number)
    assert finding.measures == "建立值守签到与抽查制度" and finding.rectified_at


def test_a_returned_finding_goes_back_to_rectifying(group, supervisor, officer_squad):
    number = record(client_for(supervisor), group, department=UNIT).json()["number"]
    client_for(supervisor).post(f"/api/v1/findings/{number}/assign", {})
    client_for(officer_squad).post(f"/api/v1/findings/{number}/rectify", {"note": "已整改"})
    refused = client_for(supervisor).post(f"/api/v1/findings/{number}/return", {})
    assert refused.status_code == 400  # a reason is required
    back = client_for(supervisor).post(f"/api/v1/findings/{number}/return", {"note": "未整改到位"})
    assert back.status_code == 200 and back.json()["status"] == "assigned"
    assert Finding.objects.get(number=number).returns == 1


def test_an_officer_of_another_unit_cannot_rectify_and_nothing_changes(
    group, supervisor, officer_market
):
    number = record(client_for(supervisor), group, department=UNIT).json()["number"]
    client_for(supervisor).post(f"/api/v1/findings/{number}/assign", {})
    before = Finding.objects.get(number=number)
    answer = client_for(officer_market).post(f"/api/v1/findings/{number}/rectify", {"note": "x"})
    assert answer.status_code == 404  # another unit's finding is out of their sight
    after = Finding.objects.get(number=number)
    assert (after.status, after.version) == (before.status, before.version)


def test_a_unit_cannot_verify_its_own_rectification(group, supervisor, officer_squad):
    number = record(client_for(supervisor), group, department=UNIT).json()["number"]
    client_for(supervisor).post(f"/api/v1/findings/{number}/assign", {})
    client_for(officer_squad).post(f"/api/v1/findings/{number}/rectify", {"note": "已整改"})
    client_for(officer_squad).post(f"/api/v1/findings/{number}/improve", {"measures": "制度"})
    answer = client_for(officer_squad).post(f"/api/v1/findings/{number}/verify", {})
    assert answer.status_code == 403
    assert Finding.objects.get(number=number).status == "improved"


def test_assigning_needs_a_responsible_unit(group, supervisor, english):
    number = record(client_for(supervisor), group).json()["number"]
    answer = client_for(supervisor).post(f"/api/v1/findings/{number}/assign", {})
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "department"
    assert Finding.objects.get(number=number).status == "found"


def test_bad_input_is_refused_with_the_fields_named(group, supervisor):
    answer = record(client_for(supervisor), group, kind="nonsense", rectify_days=500)
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) >= {"kind", "rectify_days"}
    assert not Finding.objects.filter(summary="卡口值守人员脱岗", kind="nonsense").exists()


def test_people_outside_the_group_may_not_record_findings(group, dispatcher_town):
    count = Finding.objects.count()
    assert record(client_for(dispatcher_town), group).status_code == 403
    assert Finding.objects.count() == count


def test_the_deadline_sweep_chases_a_late_finding_once(group, supervisor, clock):
    finding = actions.do_record_finding(
        actions.FindingData(group=group, kind=FindingKind.DUTY, summary="迟到"), actor=supervisor
    )
    clock.now = finding.due_at + dt.timedelta(minutes=1)
    assert sweep()["findings"][OVERDUE] >= 1
    finding.refresh_from_db()
    assert finding.late and finding.status == "found"
    assert finding.timeline.order_by("-seq").first().action == OVERDUE
    assert sweep()["findings"] == {}


def test_a_finding_starts_an_event_at_its_place_once(group, supervisor):
    post = group.posts.filter(kind="place").order_by("pk").first()
    number = record(client_for(supervisor), group, post=post.pk).json()["number"]
    from gridgov.events.models import EventCategory

    category = EventCategory.objects.filter(parent__isnull=False, is_active=True).order_by("pk")[0]
    started = client_for(supervisor).post(
        f"/api/v1/findings/{number}/start_event", {"category": category.code}
    )
    assert started.status_code == 200, started.content
    assert started.json()["event"] and started.json()["status"] == "found"
    again = client_for(supervisor).post(
        f"/api/v1/findings/{number}/start_event", {"category": category.code}
    )
    assert again.status_code == 409


def test_the_finding_page_is_the_work_page_with_its_steps(group, supervisor):
    number = record(client_for(supervisor), group, department=UNIT).json()["number"]
    page = client_for(supervisor).get(f"/work/findings/{number}/")
    assert page.status_code == 200 and 'id="act-assign"' in page.content.decode()
    done = client_for(supervisor).post(f"/work/findings/{number}/act/assign/", {"version": 1})
    assert done.status_code == 302
    assert Finding.objects.get(number=number).status == "assigned"
