"""Reads that tolerate a few seconds' lag may go to a streaming replica of the database.

With `DATABASE_REPLICA_URL` set, the settings add the "replica" alias and this router. Reads of
the models of `GRIDGOV_REPLICA_APPS` (the rollups by default: the cockpit's figures, which lag
the events by up to the refresh interval anyway) go to the replica; every other read, every
write and every migration goes to the primary ("default"). A replica read is never taken where
it could show the app its own stale data:

- inside a transaction on the primary (it may have written what it is about to read), and
- inside `primary_reads()`, which code that decides its writes from what it reads enters (the
  rollup refresh reads the cells it is about to delete or keep).

Without a replica alias every read goes to the primary, whatever the settings list.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_primary_only: ContextVar[bool] = ContextVar("gridgov_primary_reads", default=False)


@contextmanager
def primary_reads() -> Iterator[None]:
    """Every read inside goes to the primary, as if there were no replica."""
    token = _primary_only.set(True)
    try:
        yield
    finally:
        _primary_only.reset(token)


def lag_tolerated(model) -> bool:
    """Whether the model's reads may lag: its app ("rollups") or itself ("households.Coverage")
    is listed in GRIDGOV_REPLICA_APPS."""
    listed = {name.lower() for name in getattr(settings, "GRIDGOV_REPLICA_APPS", [])}
    return model._meta.app_label in listed or model._meta.label_lower in listed


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            replica_configured()
            and lag_tolerated(model)
            and not _primary_only.get()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # One database seen twice: a cell read from the replica may point at a region read
        # from the primary.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy of the primary: it receives the schema by replication.
        return db == DEFAULT_DB_ALIAS
