"""On PostgreSQL, partition the events and their timeline by month (see events.partitions).

Each table is rebuilt as a table partitioned by range of its month column (`reported_at`,
timeline `at`): one partition per month from its earliest row's month to MONTHS_AHEAD months
ahead, plus DEFAULT; its rows are copied over, ids and sequence kept. The primary key becomes
(id, month column). What must stay unique across months moves to a key table
(`<table>_key`: the id, the event number, the timeline's (item, seq)), kept by triggers, and
every foreign key that pointed at the table points at the key table instead (DEFERRABLE
INITIALLY DEFERRED, as Django makes them). The old table's indexes, check constraints and
outgoing foreign keys are re-created on the partitioned one under the same names.

SQLite: nothing changes. The reverse rebuilds plain tables with their unique constraints.

What a later migration on these tables must consider (on PostgreSQL):
- A new ForeignKey to Event or EventTimelineEntry (in any app) makes Django write
  REFERENCES events_event(id), which PostgreSQL refuses (no unique index on id alone): follow
  it with RunSQL that creates the constraint against events_event_key(id) instead (and depend on
  this migration). Likewise an AlterField of an existing such ForeignKey.
- Changing `number`'s uniqueness, or removing the constraint event_timeline_seq, finds no such
  constraint on the table: it lives on the key table (write it as RunSQL there, and change the
  key table's triggers if its columns change).
- A new unique field or UniqueConstraint must include the month column, or live on the key
  table.
- AddField, AddIndex, RemoveIndex and AlterField of other columns work as on any table (indexes
  are created on every partition; not CONCURRENTLY). Never change `reported_at` or `at` to a
  type other than timestamptz: they are the partition keys.
"""

import re

from django.conf import settings
from django.db import migrations

from gridgov.events.partitions import (
    EVENTS,
    MONTHS_AHEAD,
    TIMELINE,
    bound,
    months_between,
    next_month,
)

NEW = "{}_partitioned"
COPY = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING GENERATED"


def _rows(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchall()


def _incoming_foreign_keys(cursor, table):
    """(table, name, definition) of the foreign keys of other tables that reference `table`."""
    return _rows(
        cursor,
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND confrelid = to_regclass(%s) AND conrelid <> confrelid"
        " AND conparentid = 0",  # not the copies a partitioned table gives its partitions
        [table],
    )


def _outgoing_foreign_keys(cursor, table):
    return _rows(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid = to_regclass(%s) AND conparentid = 0",
        [table],
    )


def _unique_constraints(cursor, table):
    return _rows(
        cursor,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'u' AND conrelid = to_regclass(%s)",
        [table],
    )


def _plain_indexes(cursor, table):
    """CREATE INDEX statements of the table's indexes that back no constraint."""
    statements = _rows(
        cursor,
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = to_regclass(%s) AND NOT i.indisprimary AND NOT i.indisunique",
        [table],
    )
    # A partitioned table's index reads "ON ONLY table": on the plain table, just "ON".
    return [sql.replace(" ON ONLY ", " ON ") for (sql,) in statements]


def _retarget(definition, old, new):
    return re.sub(rf"REFERENCES {re.escape(old)}\(", f"REFERENCES {new}(", definition)


def _copy_sequence(cursor, old, new):
    """The new table's id sequence goes on from where the old one stood."""
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{new}', 'id'), last_value, is_called)"
        f" FROM {_sequence(cursor, old)}"
    )


def _sequence(cursor, table):
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return cursor.fetchone()[0]


def _key_triggers(cursor, spec):
    """The statement triggers that keep the key table: from the transition tables, so a bulk
    insert costs one statement."""
    table, key, unique = spec.table, spec.key_table, spec.unique
    columns = ", ".join(("id", *unique))
    changed = " OR ".join(f"n.{c} IS DISTINCT FROM o.{c}" for c in unique)
    assign = ", ".join(f"{c} = n.{c}" for c in unique)
    bodies = {
        "insert": f"INSERT INTO {key} ({columns}) SELECT {columns} FROM new_rows;",
        "delete": f"DELETE FROM {key} k USING old_rows o WHERE k.id = o.id;",
        "update": (
            f"UPDATE {key} k SET {assign} FROM new_rows n JOIN old_rows o ON o.id = n.id"
            f" WHERE k.id = n.id AND ({changed});"
        ),
        "truncate": f"DELETE FROM {key};",
    }
    transition = {
        "insert": "REFERENCING NEW TABLE AS new_rows",
        "delete": "REFERENCING OLD TABLE AS old_rows",
        "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "truncate": "",
    }
    for event, body in bodies.items():
        function = f"{table}_key_{event}"
        cursor.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body} RETURN NULL; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER {function} AFTER {event.upper()} ON {table} {transition[event]}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def _drop_key_triggers(cursor, spec):
    for event in ("insert", "delete", "update", "truncate"):
        cursor.execute(f"DROP FUNCTION IF EXISTS {spec.table}_key_{event}() CASCADE")


def partition(cursor, spec, months_ahead=MONTHS_AHEAD):
    table, key, new, column = spec.table, spec.key_table, NEW.format(spec.table), spec.column
    # 1. The key table, filled from the table; every reference moves to it.
    types = dict(
        _rows(
            cursor,
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped",
            [table],
        )
    )
    key_columns = ", ".join(f"{c} {types[c]} NOT NULL" for c in spec.unique)
    cursor.execute(f"CREATE TABLE {key} (id bigint PRIMARY KEY, {key_columns})")
    listed = ", ".join(("id", *spec.unique))
    cursor.execute(f"INSERT INTO {key} ({listed}) SELECT {listed} FROM {table}")  # noqa: S608
    for source, name, definition in _incoming_foreign_keys(cursor, table):
        cursor.execute(f"ALTER TABLE {source} DROP CONSTRAINT {name}")
        cursor.execute(
            f"ALTER TABLE {source} ADD CONSTRAINT {name} {_retarget(definition, table, key)}"
        )
    unique = _unique_constraints(cursor, table)
    indexes = _plain_indexes(cursor, table)
    outgoing = _outgoing_foreign_keys(cursor, table)

    # 2. The partitioned table: a partition per month of the rows and the months ahead.
    cursor.execute(f"CREATE TABLE {new} (LIKE {table} {COPY}) PARTITION BY RANGE ({column})")
    cursor.execute(f"ALTER TABLE {new} ADD CONSTRAINT {new}_pkey PRIMARY KEY (id, {column})")
    cursor.execute(
        f"SELECT (min({column}) AT TIME ZONE %s)::date, (now() AT TIME ZONE %s)::date"  # noqa: S608
        f" FROM {table}",
        [settings.TIME_ZONE, settings.TIME_ZONE],
    )
    first, today = cursor.fetchone()
    months = months_between(min(first or today, today), _ahead(today, months_ahead))
    for month in months:
        cursor.execute(
            f"CREATE TABLE {spec.partition(month)} PARTITION OF {new}"
            f" FOR VALUES FROM ('{bound(month)}') TO ('{bound(_ahead(month, 1))}')"
        )
    cursor.execute(f"CREATE TABLE {spec.default} PARTITION OF {new} DEFAULT")
    cursor.execute(f"INSERT INTO {new} SELECT * FROM {table}")  # noqa: S608
    _copy_sequence(cursor, table, new)

    # 3. The partitioned table takes the old one's place, names and all.
    cursor.execute(f"DROP TABLE {table}")
    cursor.execute(f"ALTER TABLE {new} RENAME TO {table}")
    cursor.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {new}_pkey TO {table}_pkey")
    cursor.execute(f"ALTER SEQUENCE {_sequence(cursor, table)} RENAME TO {table}_id_seq")
    for name, definition in unique:
        cursor.execute(f"ALTER TABLE {key} ADD CONSTRAINT {name} {definition}")
    for statement in indexes:
        cursor.execute(statement)
    for name, definition in outgoing:
        cursor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {_retarget(definition, table, key)}"
        )
    _key_triggers(cursor, spec)


def unpartition(cursor, spec):
    table, key, plain = spec.table, spec.key_table, f"{spec.table}_plain"
    # The table's own reference to itself (an event's duplicate_of) is among its outgoing ones.
    incoming = [fk for fk in _incoming_foreign_keys(cursor, key) if fk[0] != table]
    unique = _unique_constraints(cursor, key)
    indexes = _plain_indexes(cursor, table)
    outgoing = _outgoing_foreign_keys(cursor, table)
    cursor.execute(f"CREATE TABLE {plain} (LIKE {table} {COPY})")
    cursor.execute(f"INSERT INTO {plain} SELECT * FROM {table} ORDER BY id")  # noqa: S608
    _copy_sequence(cursor, table, plain)
    for source, name, _definition in incoming:
        cursor.execute(f"ALTER TABLE {source} DROP CONSTRAINT {name}")
    _drop_key_triggers(cursor, spec)
    cursor.execute(f"DROP TABLE {table}")  # and its partitions
    cursor.execute(f"DROP TABLE {key}")
    cursor.execute(f"ALTER TABLE {plain} RENAME TO {table}")
    cursor.execute(f"ALTER SEQUENCE {_sequence(cursor, table)} RENAME TO {table}_id_seq")
    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)")
    for name, definition in unique:
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for statement in indexes:
        cursor.execute(statement)
    for name, definition in outgoing:
        cursor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} {_retarget(definition, key, table)}"
        )
    for source, name, definition in incoming:
        cursor.execute(
            f"ALTER TABLE {source} ADD CONSTRAINT {name} {_retarget(definition, key, table)}"
        )


def _ahead(month, count):
    month = month.replace(day=1)
    for _ in range(count):
        month = next_month(month)
    return month


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        partition(cursor, EVENTS)
        partition(cursor, TIMELINE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        unpartition(cursor, TIMELINE)
        unpartition(cursor, EVENTS)


class Migration(migrations.Migration):
    # After every migration that creates a foreign key to the events or their timeline: those
    # must find the plain tables (see the docstring for later ones).
    dependencies = [
        ("events", "0005_rollup_indexes"),
        ("alerts", "0003_rollup_indexes"),
        ("citizens", "0001_initial"),
        ("inspections", "0004_rollup_indexes"),
        ("open311", "0002_publication"),
        ("supervision", "0001_supervision"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
