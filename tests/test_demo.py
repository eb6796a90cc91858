import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F

from gridgov.org.choices import Role
from gridgov.org.demo import DEMO_USERNAMES
from gridgov.org.models import Department, Staff
from gridgov.regions.models import Region

pytestmark = pytest.mark.django_db


def test_the_small_demo_covers_every_real_village_with_grids():
    assert Region.objects.filter(level="village").count() == 1179
    assert Region.objects.filter(level="grid").count() == 1179
    assert Region.objects.filter(level="microgrid").count() == 2358
    assert not Region.objects.filter(
        level__in=["grid", "microgrid"], boundary__isnull=True
    ).exists()
    assert not Region.objects.filter(level="village", children__isnull=True).exists()


def test_every_grid_and_micro_grid_has_a_leader_posted_there():
    for level, role in (("grid", Role.GRID_WORKER), ("microgrid", Role.MICROGRID_LEADER)):
        regions = Region.objects.filter(level=level)
        assert not regions.filter(leader__isnull=True).exists()
        posted_there = regions.filter(leader__role=role, leader__region_id=F("pk"))
        assert posted_there.count() == regions.count()


def test_there_is_one_demo_login_per_role():
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    assert {u.staff.role for u in users} == set(Role.values)


def test_nanhu_has_one_comprehensive_and_six_professional_enforcement_agencies():
    agencies = Department.objects.filter(
        is_enforcement=True, region__code="330402", parent__isnull=True
    )
    assert agencies.count() == 7
    squads = Department.objects.filter(parent__code="330402-ZHZF", region__level="town")
    assert squads.count() == Region.objects.filter(level="town", county__code="330402").count()


def test_loading_the_demo_again_changes_nothing():
    before = (Region.objects.count(), Staff.objects.count())
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "not loaded again" in out.getvalue()
    assert "gridworker" in out.getvalue()
    assert (Region.objects.count(), Staff.objects.count()) == before
