"""A streaming replica (DATABASE_REPLICA_URL): the cockpit's rollups are read from it, every
other read, every write and every migration goes to the primary; a read inside a transaction or
inside the rollup refresh stays on the primary, which holds what was just written."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.test.utils import CaptureQueriesContext

from gridgov.accounts.models import User
from gridgov.core.routers import REPLICA, ReplicaRouter, primary_reads
from gridgov.events.models import Event
from gridgov.households.models import Coverage, Resident
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from gridgov.rollups.models import RollupCell, RollupSource
from gridgov.rollups.refresh import refresh_rollups
from tests.conftest import client_for, staff_user

ROOT = Path(__file__).resolve().parents[2]
NANHU = "330402"
ROUTERS = ["gridgov.core.routers.ReplicaRouter"]


@pytest.fixture(scope="module")
def replica_alias(django_db_setup):
    """A "replica" alias: a second connection to the test database, as the settings make one
    from DATABASE_REPLICA_URL (a mirror of default: the test run creates no database for it)."""
    replica = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    replica["TEST"] = {**replica["TEST"], "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = replica
    yield REPLICA
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def routed(settings, replica_alias):
    settings.DATABASE_ROUTERS = ROUTERS
    settings.GRIDGOV_REPLICA_APPS = ["rollups"]
    return settings


def test_the_rollups_are_read_from_the_replica_and_the_rest_from_the_primary(routed):
    # no transaction is open on the primary here (this test touches no database)
    assert router.db_for_read(RollupCell) == REPLICA
    assert router.db_for_read(RollupSource) == REPLICA
    for model in (Event, Region, User, Resident, Coverage):
        assert router.db_for_read(model) == DEFAULT_DB_ALIAS, model


def test_every_write_goes_to_the_primary(routed):
    for model in (RollupCell, RollupSource, Event, Region, User):
        assert router.db_for_write(model) == DEFAULT_DB_ALIAS, model


def test_a_model_may_be_listed_alone(routed):
    routed.GRIDGOV_REPLICA_APPS = ["rollups", "households.Coverage"]
    assert router.db_for_read(Coverage) == REPLICA
    assert router.db_for_read(Resident) == DEFAULT_DB_ALIAS


def test_migrations_run_on_the_primary_only(routed):
    for model in (RollupCell, Event, Region):
        assert router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
        assert not router.allow_migrate_model(REPLICA, model)


def test_rows_of_the_two_aliases_may_be_related(routed):
    cell, region = RollupCell(), Region()
    cell._state.db, region._state.db = REPLICA, DEFAULT_DB_ALIAS
    assert router.allow_relation(cell, region) is True
    region._state.db = "elsewhere"
    assert ReplicaRouter().allow_relation(cell, region) is None


def test_the_refresh_reads_the_primary(routed):
    with primary_reads():
        assert router.db_for_read(RollupCell) == DEFAULT_DB_ALIAS
    assert router.db_for_read(RollupCell) == REPLICA


@pytest.mark.django_db
def test_a_read_inside_a_transaction_stays_on_the_primary(routed):
    with transaction.atomic():
        assert router.db_for_read(RollupCell) == DEFAULT_DB_ALIAS


def test_without_a_replica_every_read_goes_to_the_primary(settings, monkeypatch):
    settings.DATABASE_ROUTERS = ROUTERS
    monkeypatch.delitem(connections.settings, REPLICA, raising=False)  # another test's alias
    assert router.db_for_read(RollupCell) == DEFAULT_DB_ALIAS


def _tables(queries) -> set[str]:
    names = {"rollups_rollupcell", "rollups_rollupsource"}
    return {n for q in queries for n in names if n in q["sql"]}


@pytest.mark.usefixtures("_demo_snapshot")
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_cockpit_api_reads_its_rollups_from_the_replica(routed, transactional_db):
    refresh_rollups()  # committed: the replica's connection sees the cells
    client = client_for(staff_user(role=Role.LEADER, region__code=NANHU))
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        answer = client.get(f"/api/v1/cockpit/{NANHU}", {"period": "2026"})
    assert answer.status_code == 200
    assert answer.json()["region"]["code"] == NANHU
    assert len(on_replica) > 0
    assert _tables(on_replica) == {"rollups_rollupcell", "rollups_rollupsource"}
    assert _tables(on_primary) == set()  # the users, scopes and regions: the primary


def settings_with(env: dict) -> str:
    """DATABASES and DATABASE_ROUTERS as a fresh interpreter builds them from the environment."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("GRIDGOV_", "DATABASE_"))
    }
    environment.update(env, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="gridgov.settings.base")
    code = (
        "from django.conf import settings; "
        "print(sorted(settings.DATABASES), settings.DATABASE_ROUTERS, "
        "settings.DATABASES.get('replica', {}).get('HOST'))"
    )
    run = subprocess.run(  # noqa: S603 (this interpreter, a fixed command)
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_settings_add_the_replica_only_when_its_url_is_set():
    assert settings_with({}) == "['default'] [] None"
    replica = settings_with(
        {
            "DATABASE_URL": "postgres://gridgov@primary.example/gridgov",
            "DATABASE_REPLICA_URL": "postgres://gridgov@replica.example/gridgov",
        }
    )
    assert replica == (
        "['default', 'replica'] ['gridgov.core.routers.ReplicaRouter'] replica.example"
    )
