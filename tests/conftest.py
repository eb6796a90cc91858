"""Shared fixtures: the small Jiaxing demo, loaded once per run, and named users.

The demo (real divisions, generated grids, departments, staff) is loaded into the test database
once; every test runs in a transaction that is rolled back, so tests can change anything.
"""

import io
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.utils import timezone, translation
from hypothesis import settings as hypothesis_settings

from gridgov.org.actions import do_create_account
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.regions.locate import index_cache
from gridgov.regions.models import Region

# The fuzz run's shared fixtures and its summary (see tests/fuzzing.py).
from tests.fuzzing import (  # noqa: F401
    fuzz_tally,
    pytest_runtest_call,
    pytest_terminal_summary,
    requests_keep_the_connection,
)

# Property tests try the same examples on every run (a fixed seed, no example database), so a
# suite that passed passes again; GRIDGOV_HYPOTHESIS_EXPLORE=1 draws new examples instead, to
# look for cases the fixed ones miss (add what it finds as an @example).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(
    "explore" if os.environ.get("GRIDGOV_HYPOTHESIS_EXPLORE") == "1" else "repeatable"
)

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
def clock(monkeypatch):
    """A clock the test sets (`clock.now = …`): whatever asks Django the time reads it."""

    class Clock:
        now = timezone.now()

    monkeypatch.setattr(timezone, "now", lambda: Clock.now)
    return Clock


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


# --- Live-server tests: the demo put back after them ----------------------------------------
# A live-server test (tests/e2e, tests/open311/test_third_party_client.py) commits, and
# pytest-django empties every table after it. The first one takes a snapshot of the demo as
# loaded (``_demo_snapshot``; ask for it before ``live_server``), and after each one the tables
# are emptied and the snapshot written back, so the tests after it see the demo as loaded.

_SNAPSHOT = pytest.StashKey["DatabaseSnapshot"]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a live-server test has been torn down (its tables emptied), put the demo back."""
    result = yield
    snapshot = item.config.stash.get(_SNAPSHOT, None)
    transactional = {"live_server", "transactional_db"} & set(getattr(item, "fixturenames", ()))
    if snapshot is not None and transactional and nextitem is not None:
        snapshot.restore()
    return result


class DatabaseSnapshot:
    """Every row of every table, as model instances, and a fast way to write them back."""

    def __init__(self, blocker, alias=DEFAULT_DB_ALIAS):
        self.blocker = blocker
        self.alias = alias
        self.tables = []

    def _models(self):
        existing = set(connections[self.alias].introspection.table_names())
        for model in apps.get_models(include_auto_created=True):
            opts = model._meta
            if opts.managed and not opts.proxy and not opts.swapped and opts.db_table in existing:
                yield model

    def take(self):
        with self.blocker.unblock():
            self.tables = [
                (model, list(model._base_manager.using(self.alias).order_by()))
                for model in self._models()
            ]
        return self

    def restore(self):
        connection = connections[self.alias]
        with self.blocker.unblock(), transaction.atomic(using=self.alias):
            call_command(
                "flush",
                database=self.alias,
                interactive=False,
                verbosity=0,
                reset_sequences=False,
                inhibit_post_migrate=True,
            )
            for model, rows in self.tables:
                if not rows:
                    continue
                fields = [f for f in model._meta.local_concrete_fields if not f.generated]
                size = max(1, min(connection.ops.bulk_batch_size(fields, rows), 1000))
                manager = model._base_manager.using(self.alias)
                for start in range(0, len(rows), size):
                    # raw: the values as they were (auto_now and friends left alone).
                    manager._insert(rows[start : start + size], fields=fields, raw=True)
            statements = connection.ops.sequence_reset_sql(no_style(), [m for m, _ in self.tables])
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker, pytestconfig):
    from gridgov.regions.models import Region

    with django_db_blocker.unblock():
        if not Region.objects.exists():  # an earlier transactional test emptied the tables
            # the same demo as django_db_setup above
            call_command("load_demo", scale="small", seed=2022, stdout=io.StringIO())
    snapshot = DatabaseSnapshot(django_db_blocker).take()
    pytestconfig.stash[_SNAPSHOT] = snapshot
    yield snapshot
    del pytestconfig.stash[_SNAPSHOT]
