"""Transfers: versioned from a date with a document number, audited; refused with a clear
4xx for a unit of another jurisdiction, a date that already has a version, no document."""

import datetime

import pytest

from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.org.models import Department
from gridgov.powers.actions import do_transfer_power_items
from gridgov.powers.choices import PowerKind
from gridgov.powers.models import PowerItem, PowerItemVersion
from gridgov.powers.selectors import versions_in_effect

from .conftest import TRANSFER_DAY

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 3, 1)


@pytest.fixture
def housing_penalties(nanhu, housing):
    """Three penalty items the housing bureau still holds."""
    held = (
        versions_in_effect(DAY)
        .filter(department=housing, item__kind=PowerKind.PENALTY)
        .values("item_id")
    )
    return list(PowerItem.objects.filter(pk__in=held).order_by("code")[:3])


def transfer(items, to, actor, day=DAY, document="南政发〔2024〕7号"):
    return do_transfer_power_items(
        items, to_department=to, effective_from=day, document_number=document, actor=actor
    )


def test_a_transfer_moves_the_items_from_its_date_on_and_is_audited(
    housing_penalties, housing, bureau, admin_user
):
    versions = transfer(housing_penalties, bureau, admin_user)
    assert len(versions) == 3
    for item in housing_penalties:
        before = versions_in_effect(DAY - datetime.timedelta(days=1)).get(item=item)
        after = versions_in_effect(DAY).get(item=item)
        assert before.department == housing
        assert (after.department, after.document_number, after.recorded_by) == (
            bureau,
            "南政发〔2024〕7号",
            admin_user,
        )
        assert after.status == before.status
    entry = AuditEntry.objects.filter(action="powers.transfer").latest("id")
    assert entry.actor == admin_user and entry.target_id == str(bureau.pk)
    assert entry.changes["items"] == [i.code for i in housing_penalties]
    assert entry.changes["from"] == {housing.code: 3}
    assert entry.changes["document_number"] == "南政发〔2024〕7号"


def test_a_unit_of_another_jurisdiction_is_refused(housing_penalties, admin_user):
    xiuzhou_bureau = Department.objects.get(code="330411-ZHZFJ")
    with pytest.raises(InvalidInput) as refused:
        transfer(housing_penalties, xiuzhou_bureau, admin_user)
    assert refused.value.status_code == 400
    assert {d["item"] for d in refused.value.details} == {i.code for i in housing_penalties}
    assert not PowerItemVersion.objects.filter(effective_from=DAY).exists()


def test_a_second_version_on_the_same_date_is_refused(
    housing_penalties, bureau, market, admin_user
):
    transfer(housing_penalties[:1], market, admin_user)
    with pytest.raises(Conflict) as refused:
        transfer(housing_penalties, bureau, admin_user)
    assert refused.value.status_code == 409
    assert [d["item"] for d in refused.value.details] == [housing_penalties[0].code]
    assert PowerItemVersion.objects.filter(effective_from=DAY).count() == 1


@pytest.mark.parametrize("document", ["", "   "])
def test_a_transfer_without_a_document_number_is_refused(
    housing_penalties, bureau, admin_user, document
):
    with pytest.raises(InvalidInput) as refused:
        transfer(housing_penalties, bureau, admin_user, document=document)
    assert refused.value.details[0]["field"] == "document_number"
    assert not PowerItemVersion.objects.filter(effective_from=DAY).exists()


def test_items_the_unit_already_holds_then_are_refused(nanhu, bureau, admin_user):
    held = versions_in_effect(TRANSFER_DAY).filter(department=bureau).values("item_id")[:2]
    with pytest.raises(InvalidInput) as refused:
        transfer(PowerItem.objects.filter(pk__in=held), bureau, admin_user)
    assert len(refused.value.details) == 2


def test_items_before_they_exist_cannot_be_transferred(housing_penalties, bureau, admin_user):
    with pytest.raises(InvalidInput):
        transfer(housing_penalties, bureau, admin_user, day=datetime.date(2019, 6, 1))


def test_only_people_who_manage_powers_may_transfer(housing_penalties, bureau, county_leader):
    with pytest.raises(NotPermitted):
        transfer(housing_penalties, bureau, county_leader)
    assert not PowerItemVersion.objects.filter(effective_from=DAY).exists()


def test_a_transfer_needs_items(bureau, admin_user):
    with pytest.raises(InvalidInput) as refused:
        transfer([], bureau, admin_user)
    assert refused.value.details[0]["field"] == "items"


def test_only_administrators_manage_the_catalogue():
    from gridgov.org.choices import Capability, Role
    from gridgov.org.roles import ROLE_CAPABILITIES

    holders = {role for role, can in ROLE_CAPABILITIES.items() if Capability.MANAGE_POWERS in can}
    assert holders == {Role.ADMIN}
