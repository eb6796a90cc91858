"""Personal information: encrypted at rest, found by digest, masked, revealed with a trace."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from gridgov.core.errors import InvalidInput
from gridgov.core.models import AuditEntry
from gridgov.core.pii import digest, mask_id_number, mask_name, mask_phone
from gridgov.core.validators import validate_id_number, validate_phone
from gridgov.org.actions import StaffData, do_create_staff
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.regions.models import Region
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
ID_NUMBER = "33040219900101006X"  # X is the right check character for these 17 digits


@pytest.fixture
def person(grid_a):
    return do_create_staff(
        StaffData("测试员", Role.GRID_WORKER, grid_a, phone=PHONE, id_number=ID_NUMBER),
        actor="test",
    )


def test_phone_and_id_number_are_not_stored_in_plain_text(person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM org_staff WHERE id = %s", [person.pk])
        phone, id_number = cursor.fetchone()
    assert PHONE not in phone and ID_NUMBER not in id_number
    assert Staff.objects.get(pk=person.pk).phone == PHONE


def test_a_person_is_found_by_the_digest_of_their_phone(person):
    assert Staff.objects.get(phone_digest=digest("139 1234 5678")) == person


def test_filtering_on_an_encrypted_column_is_refused():
    with pytest.raises(TypeError, match="digest"):
        Staff.objects.filter(phone=PHONE).exists()


def test_masks_keep_only_what_a_colleague_needs():
    assert mask_phone(PHONE) == "139****5678"
    assert mask_id_number(ID_NUMBER) == "330402********006X"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧阳**"


FULL_MOBILE = re.compile(r"1[3-9]\d{9}")


def test_lists_never_show_a_full_phone_number(dispatcher_town):
    client = client_for(dispatcher_town)
    api = client.get("/api/v1/staff", {"page_size": 100}).content.decode()
    page = client.get("/org/staff/").content.decode()
    assert "****" in api and "****" in page
    assert not FULL_MOBILE.search(api)
    assert not FULL_MOBILE.search(page)


def test_a_dispatcher_may_reveal_a_phone_and_it_is_audited(dispatcher_town):
    target = Staff.objects.filter(region__code="330402013").exclude(phone_digest="").first()
    response = client_for(dispatcher_town).post(
        f"/api/v1/staff/{target.pk}/reveal",
        {"field": "phone", "purpose": "contact"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["value"] == target.phone
    entry = AuditEntry.objects.filter(action="pii.reveal").latest("id")
    assert entry.actor == dispatcher_town
    assert (entry.target_type, entry.target_id) == ("org.staff", str(target.pk))
    assert target.phone not in str(entry.changes) + entry.summary  # the value is never logged


def test_a_grid_worker_may_not_reveal_and_nothing_is_audited(gridworker_a, person):
    before = AuditEntry.objects.filter(action="pii.reveal").count()
    response = client_for(gridworker_a).post(
        f"/api/v1/staff/{person.pk}/reveal",
        {"field": "phone", "purpose": "contact"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(action="pii.reveal").count() == before


def test_revealing_outside_ones_area_is_not_found(dispatcher_other_town, person):
    response = client_for(dispatcher_other_town).post(
        f"/api/v1/staff/{person.pk}/reveal",
        {"field": "phone", "purpose": "contact"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_only_personal_fields_can_be_revealed(dispatcher_town, person):
    response = client_for(dispatcher_town).post(
        f"/api/v1/staff/{person.pk}/reveal",
        {"field": "name", "purpose": "contact"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_the_staff_page_reveals_a_phone_through_htmx(dispatcher_town, person):
    response = client_for(dispatcher_town).post(
        f"/org/staff/{person.pk}/reveal/", {"purpose": "contact"}
    )
    assert response.status_code == 200 and response.content.decode() == PHONE


def test_the_page_refuses_to_reveal_for_a_grid_worker(gridworker_a, person):
    response = client_for(gridworker_a).post(
        f"/org/staff/{person.pk}/reveal/", {"purpose": "contact"}
    )
    assert response.status_code == 403 and PHONE not in response.content.decode()


def test_revealing_needs_the_csrf_token(dispatcher_town, person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dispatcher_town)
    assert client.post(f"/org/staff/{person.pk}/reveal/").status_code == 403
    assert (
        client.post(
            f"/api/v1/staff/{person.pk}/reveal",
            {"field": "phone", "purpose": "contact"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_an_id_number_can_be_revealed_too(dispatcher_town, person):
    response = client_for(dispatcher_town).post(
        f"/api/v1/staff/{person.pk}/reveal",
        {"field": "id_number", "purpose": "verify"},
        content_type="application/json",
    )
    assert response.json()["value"] == ID_NUMBER


@pytest.mark.parametrize("value", ["330402199001010061", "3304021990010112", "33040219900101006Y"])
def test_an_id_number_with_a_wrong_check_digit_or_shape_is_rejected(value):
    with pytest.raises(ValidationError):
        validate_id_number(value)


def test_a_valid_id_number_passes():
    validate_id_number(ID_NUMBER)
    validate_id_number(ID_NUMBER.lower())


@pytest.mark.parametrize("value", ["12345678901", "1391234567", "0573-123"])
def test_a_malformed_phone_is_rejected(value):
    with pytest.raises(ValidationError):
        validate_phone(value)


def test_a_staff_record_with_a_bad_id_number_is_refused_and_nothing_written(grid_a):
    count = Staff.objects.count()
    with pytest.raises(InvalidInput) as caught:
        do_create_staff(
            StaffData("测试员", Role.GRID_WORKER, grid_a, id_number="330402199001010061"),
            actor="test",
        )
    assert caught.value.details[0]["field"] == "id_number"
    assert Staff.objects.count() == count


def test_a_grid_worker_cannot_be_posted_to_a_town():
    with pytest.raises(InvalidInput) as caught:
        do_create_staff(
            StaffData("测试员", Role.GRID_WORKER, Region.objects.get(code="330402013")),
            actor="test",
        )
    assert caught.value.details[0]["field"] == "region"


# --- Purpose and caching --------------------------------------------------------------------


def test_a_reveal_needs_a_purpose_and_the_audit_row_keeps_it(dispatcher_town, person):
    client = client_for(dispatcher_town)
    url = f"/api/v1/staff/{person.pk}/reveal"
    before = AuditEntry.objects.filter(action="pii.reveal").count()
    for body in ({"field": "phone"}, {"field": "phone", "purpose": "curiosity"},
                 {"field": "phone", "purpose": "other"}):  # fmt: skip
        refused = client.post(url, body, content_type="application/json")
        assert refused.status_code == 400 and PHONE not in refused.content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal").count() == before
    body = {"field": "phone", "purpose": "other", "purpose_note": "居民投诉回访"}
    shown = client.post(url, body, content_type="application/json")
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    entry = AuditEntry.objects.filter(action="pii.reveal").latest("id")
    assert entry.changes == {"field": "phone", "purpose": "other", "note": "居民投诉回访"}


def test_the_page_sends_the_purpose_picked_and_is_never_cached(dispatcher_town, person):
    client = client_for(dispatcher_town)
    page = client.get("/org/staff/").content.decode()
    assert 'id="reveal-purpose"' in page and 'hx-include="#reveal-purpose"' in page
    without = client.post(f"/org/staff/{person.pk}/reveal/")
    assert without.status_code == 400 and PHONE not in without.content.decode()
    shown = client.post(f"/org/staff/{person.pk}/reveal/", {"purpose": "verify"})
    assert shown.content.decode() == PHONE and "no-store" in shown["Cache-Control"]
    entry = AuditEntry.objects.filter(action="pii.reveal").latest("id")
    assert entry.changes["purpose"] == "verify"
