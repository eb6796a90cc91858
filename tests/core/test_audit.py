import pytest

from gridgov.core import audit
from gridgov.core.models import AuditEntry
from gridgov.org.actions import StaffData, do_create_staff, do_deactivate_staff
from gridgov.org.choices import Role

pytestmark = pytest.mark.django_db


def test_an_audit_entry_cannot_be_changed():
    entry = audit.record("test.action", actor="test")
    entry.summary = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()


def test_each_write_leaves_one_entry_naming_actor_and_target(grid_a, admin_user):
    staff = do_create_staff(StaffData("新员工", Role.GRID_WORKER, grid_a), actor=admin_user)
    do_deactivate_staff(staff, actor=admin_user)
    entries = AuditEntry.objects.filter(target_type="org.staff", target_id=str(staff.pk))
    assert list(entries.order_by("id").values_list("action", flat=True)) == [
        "org.staff.create",
        "org.staff.deactivate",
    ]
    assert {e.actor_id for e in entries} == {admin_user.pk}


def test_a_refused_write_leaves_no_entry(grid_a):
    from gridgov.core.errors import InvalidInput

    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput):
        do_create_staff(StaffData("", Role.GRID_WORKER, grid_a), actor="test")
    assert AuditEntry.objects.count() == before


def test_the_demo_load_was_audited():
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"regions.import_divisions", "regions.import_boundaries", "org.staff.bulk_create"} <= (
        actions
    )
