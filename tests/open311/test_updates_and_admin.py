"""The request-updates extension (servicerequestupdates), and administrators editing which
services are public and what they ask — through checked, audited actions."""

import json
from xml.etree import ElementTree

import pytest
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.events.models import Event
from gridgov.events.public import PUBLIC_STEP_TEXT
from gridgov.open311.models import ClientApplication, PublicService
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def updates(fmt="json", **params):
    return Client().get(f"/open311/v2/servicerequestupdates.{fmt}", params)


def test_updates_list_the_public_steps_of_public_requests_oldest_first():
    response = updates(page_size=500)
    assert response.status_code == 200
    body = response.json()
    assert body, "the demo's public requests have steps in the last 90 days"
    assert [u["updated_datetime"] for u in body] == sorted(u["updated_datetime"] for u in body)
    assert {"update_id", "service_request_id", "status", "updated_datetime", "description",
            "media_url"} == set(body[0])  # fmt: skip
    statuses = {u["status"] for u in body}
    assert statuses <= {"open", "closed", "fixed", "in_progress", "action_scheduled",
                        "internal_referral", "no_further_action", "duplicate"}  # fmt: skip
    public = set(
        Event.objects.filter(
            category__public_service__is_public=True, publication__isnull=False
        ).values_list("number", flat=True)
    )
    assert {u["service_request_id"] for u in body} <= public


def test_updates_of_one_request_match_its_timeline_and_hide_people():
    event = (
        Event.objects.filter(
            category__public_service__is_public=True, publication__isnull=False, status="closed"
        )
        .order_by("-closed_at")
        .first()
    )
    body = updates(service_request_id=event.number, start_date=event.reported_at.isoformat()).json()
    public_steps = event.timeline.filter(action__in=PUBLIC_STEP_TEXT).order_by("seq")
    assert [u["update_id"] for u in body] == [str(step.pk) for step in public_steps]
    assert body[-1]["status"] in ("fixed", "closed")
    text = json.dumps(body, ensure_ascii=False)
    for entry in event.timeline.all():
        if entry.note:
            assert entry.note not in text
        assert entry.actor_label not in text or entry.actor_label in ("system",)


def test_updates_come_in_xml_with_the_extensions_element_names():
    root = ElementTree.fromstring(updates("xml", page_size=3).content)
    assert root.tag == "service_request_updates"
    first = root.find("request_update")
    assert first is not None
    assert first.find("service_request_id").text and first.find("updated_datetime").text


@pytest.mark.parametrize(
    "params",
    [{"start_date": "yesterday"}, {"start_date": "2026-01-01T00:00:00+08:00",
     "end_date": "2026-11-01T00:00:00+08:00"}, {"page": "0"}],
)  # fmt: skip
def test_bad_update_searches_get_the_specs_error(params):
    response = updates(**params)
    assert response.status_code == 400
    (problem,) = response.json()
    assert problem["code"] == 400 and problem["description"]


# --- Administrators ------------------------------------------------------------------------


@pytest.fixture
def admin_client(django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw-x-123456")
    return client_for(admin), admin


def test_an_admin_publishes_a_category_with_a_question_and_it_is_audited(admin_client):
    client, _admin = admin_client
    from gridgov.events.models import EventCategory

    category = EventCategory.objects.get(code="0301")
    assert not PublicService.objects.filter(category=category).exists()
    response = client.post("/admin/open311/publicservice/add/", {
        "category": category.pk, "description": "企业安全隐患", "keywords": "安全",
        "is_public": "on",
        "attributes-TOTAL_FORMS": "1", "attributes-INITIAL_FORMS": "0",
        "attributes-MIN_NUM_FORMS": "0", "attributes-MAX_NUM_FORMS": "1000",
        "attributes-0-order": "1", "attributes-0-code": "kind",
        "attributes-0-description": "隐患类型", "attributes-0-datatype": "singlevaluelist",
        "attributes-0-required": "on", "attributes-0-variable": "on",
        "attributes-0-values": json.dumps([{"key": "fire", "name": "消防"},
                                           {"key": "gas", "name": "燃气"}]),
        "attributes-0-datatype_description": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[-3000:]
    service = PublicService.objects.get(category=category)
    assert service.attributes.get().values[1]["key"] == "gas"
    assert AuditEntry.objects.filter(action="open311.create_service").exists()
    assert AuditEntry.objects.filter(action="open311.create_attribute").exists()
    codes = {s["service_code"] for s in Client().get("/open311/v2/services.json").json()}
    assert "0301" in codes


@pytest.mark.parametrize(
    ("datatype", "values"),
    [
        ("singlevaluelist", []),
        ("singlevaluelist", [{"key": "a", "name": "甲"}, {"key": "a", "name": "乙"}]),
        ("multivaluelist", [{"key": "a"}]),
        ("string", [{"key": "a", "name": "甲"}]),
    ],
)
def test_a_wrong_question_is_shown_on_the_form_and_nothing_is_saved(admin_client, datatype, values):
    client, _admin = admin_client
    service = PublicService.objects.get(category__code="0201")
    before = list(service.attributes.values_list("code", flat=True))
    existing = list(service.attributes.all())
    form = {
        "category": service.category_id, "description": service.description,
        "keywords": service.keywords, "is_public": "on",
        "attributes-TOTAL_FORMS": str(len(existing) + 1),
        "attributes-INITIAL_FORMS": str(len(existing)),
        "attributes-MIN_NUM_FORMS": "0", "attributes-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, a in enumerate(existing):
        form.update({
            f"attributes-{i}-id": a.pk, f"attributes-{i}-service": service.pk,
            f"attributes-{i}-order": a.order, f"attributes-{i}-code": a.code,
            f"attributes-{i}-description": a.description, f"attributes-{i}-datatype": a.datatype,
            f"attributes-{i}-values": json.dumps(a.values),
            f"attributes-{i}-datatype_description": a.datatype_description,
            **({f"attributes-{i}-required": "on"} if a.required else {}),
            **({f"attributes-{i}-variable": "on"} if a.variable else {}),
        })  # fmt: skip
    n = len(existing)
    form.update({
        f"attributes-{n}-order": "9", f"attributes-{n}-code": "extra",
        f"attributes-{n}-description": "补充", f"attributes-{n}-datatype": datatype,
        f"attributes-{n}-values": json.dumps(values), f"attributes-{n}-variable": "on",
        f"attributes-{n}-datatype_description": "",
    })  # fmt: skip
    response = client.post(f"/admin/open311/publicservice/{service.pk}/change/", form)
    assert response.status_code == 200  # the form again, with the reason
    assert "errorlist" in response.content.decode()
    assert list(service.attributes.values_list("code", flat=True)) == before
    assert not AuditEntry.objects.filter(action="open311.create_attribute").exists()


def test_adding_a_client_issues_a_key_once_and_revoking_is_audited(admin_client):
    client, _admin = admin_client
    response = client.post(
        "/admin/open311/clientapplication/add/", {"name": "嘉兴发布", "contact": "ops@example.org"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    app = ClientApplication.objects.get(name="嘉兴发布")
    assert app.prefix in page and "o311_" in page
    assert AuditEntry.objects.filter(action="open311.issue_key").exists()
    client.post("/admin/open311/clientapplication/", {
        "action": "revoke", "_selected_action": [app.pk]})  # fmt: skip
    app.refresh_from_db()
    assert app.revoked_at is not None
    assert AuditEntry.objects.filter(action="open311.revoke_key").exists()
