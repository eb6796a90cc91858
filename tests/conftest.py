"""Shared fixtures: the small Jiaxing demo, loaded once per run, and named users.

The demo (real divisions, generated grids, departments, staff) is loaded into the test database
once; every test runs in a transaction that is rolled back, so tests can change anything.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from gridgov.org.actions import do_create_account
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.regions.locate import index_cache
from gridgov.regions.models import Region

PASSWORD = "correct-horse-battery-staple"
DEMO_TOWN = "330402013"  # 东栅街道, 南湖区
OTHER_TOWN = "330402014"  # 长水街道, 南湖区
GRID_A = "330402013001001"  # 化东社区第1网格
GRID_B = "330402013002001"  # 双溪社区第1网格 (same town, another village)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", scale="small", seed=2022, stdout=io.StringIO())


@pytest.fixture
def english():
    """Messages in English, for tests that check what a message says rather than its language
    (the product itself speaks Chinese by default; page tests check that)."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def uploads_in_a_temporary_folder(settings, tmp_path):
    """Files uploaded by a test never land in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_event_catalogue():
    """Each test reads the categories and routing rules of its own transaction."""
    from gridgov.events.routing import clear_cache

    clear_cache()
    yield
    clear_cache()


@pytest.fixture(autouse=True)
def fresh_locate_index():
    """Each test sees the boundaries of its own transaction, not a cached index."""
    index_cache.clear()
    yield
    index_cache.clear()


def staff_user(**filters):
    """A login (password PASSWORD) for the first demo staff member matching the filters."""
    staff = Staff.objects.filter(**filters).order_by("pk").first()
    assert staff is not None, f"no demo staff matches {filters}"
    if staff.user_id is None:
        username = f"{staff.role}-{staff.pk}"
        do_create_account(staff, actor="test", username=username, password=PASSWORD)
        staff.refresh_from_db()
    else:  # a demo login: give it the tests' password
        staff.user.set_password(PASSWORD)
        staff.user.save(update_fields=["password"])
    return staff.user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def grid_a(db) -> Region:
    return Region.objects.get(code=GRID_A)


@pytest.fixture
def grid_b(db) -> Region:
    return Region.objects.get(code=GRID_B)


@pytest.fixture
def gridworker_a(grid_a):
    return staff_user(role=Role.GRID_WORKER, region=grid_a)


@pytest.fixture
def gridworker_b(grid_b):
    return staff_user(role=Role.GRID_WORKER, region=grid_b)


@pytest.fixture
def dispatcher_town(db):
    return staff_user(role=Role.DISPATCHER, region__code=DEMO_TOWN)


@pytest.fixture
def dispatcher_other_town(db):
    return staff_user(role=Role.DISPATCHER, region__code=OTHER_TOWN)


@pytest.fixture
def officer_squad(db):
    """An officer of the comprehensive enforcement squad stationed in 东栅街道."""
    return staff_user(role=Role.OFFICER, department__code=f"{DEMO_TOWN}-ZD")


@pytest.fixture
def officer_market(db):
    """An officer of 南湖区市场监督管理局 (a county department)."""
    return staff_user(role=Role.OFFICER, department__code="330402-SCJGJ")


@pytest.fixture
def county_leader(db):
    return staff_user(role=Role.LEADER, region__code="330402")


@pytest.fixture
def admin_user(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


def county_boundaries_path() -> Path:
    """The real Jiaxing county boundaries (GCJ-02). Not shipped: their source has no licence.

    CI names the file in GRIDGOV_COUNTY_BOUNDARIES and a missing file then fails the run; on a
    machine without the shared data the tests that need it are reported as skipped, with why.
    """
    configured = os.environ.get("GRIDGOV_COUNTY_BOUNDARIES")
    if configured:
        path = Path(configured)
        assert path.is_file(), f"GRIDGOV_COUNTY_BOUNDARIES={configured} does not exist"
        return path
    here = Path(__file__).resolve().parent.parent
    for candidate in (
        here.parent / "shared" / "data" / "jiaxing" / "boundaries-county.geojson",
        Path("/work/shared/data/jiaxing/boundaries-county.geojson"),
    ):
        if candidate.is_file():
            return candidate
    pytest.skip("the real county boundaries are not on this machine (not shipped: no licence)")
