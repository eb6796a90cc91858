"""Monthly partitions of the events and their timeline (PostgreSQL only).

Migration 0006 turns `events_event` (by `reported_at`) and `events_eventtimelineentry` (by
`at`) into tables partitioned by month, each with a DEFAULT partition so that an insert never
fails, and a key table (`<table>_key`) that holds what must stay unique across partitions: the
id (every foreign key to an event or a timeline entry points at it), the event number, and a
timeline entry's (item, seq). A partitioned table's own unique indexes must include the month
column, so they cannot say "one number in all months"; the key table can.

The key tables are kept by statement-level triggers on the partitioned tables (from the
statement's transition tables, so a bulk insert costs one insert into the key table, not one
per row): INSERT adds the keys, DELETE removes them, UPDATE follows a changed number, TRUNCATE
empties them. An UPDATE that changes the month column moves the row to another partition; the
key row stays as it is (statement-level triggers see one UPDATE).

The clock's daily job (`maintain_partitions`) creates the months ahead — MONTHS_AHEAD of them —
so that new rows never land in DEFAULT. A row whose month had no partition (an event imported
with an old date, a mistyped year) lands in DEFAULT; the job then creates that month's
partition too and moves those rows into it. Moving works on the partitions directly (DELETE
from DEFAULT, ATTACH of the filled month), so the statement triggers on the parent do not fire
and the key tables are left untouched, as they should be: the rows keep their ids.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

MONTHS_AHEAD = 12


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    column: str  # the month column; set on insert
    unique: tuple[str, ...]  # the columns whose uniqueness the key table keeps (with the id)

    @property
    def key_table(self) -> str:
        return f"{self.table}_key"

    @property
    def default(self) -> str:
        return f"{self.table}_default"

    def partition(self, month: date) -> str:
        return f"{self.table}_y{month.year}m{month.month:02d}"


EVENTS = PartitionedTable("events_event", "reported_at", ("number",))
TIMELINE = PartitionedTable("events_eventtimelineentry", "at", ("item_id", "seq"))
TABLES = (EVENTS, TIMELINE)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def bound(month: date) -> str:
    """The month's first instant in the site's time zone, as a timestamptz literal: a local
    month's query (the cockpit's "2026-11") then reads exactly one partition."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime(month.year, month.month, 1, tzinfo=zone).isoformat()


def is_partitioned(cursor, table: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
    return cursor.fetchone() is not None


def partitions_of(cursor, table: str) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE i.inhparent = to_regclass(%s)",
        [table],
    )
    return {name for (name,) in cursor.fetchall()}


def months_in_default(cursor, spec: PartitionedTable) -> list[date]:
    """The (local) months of the rows that landed in DEFAULT."""
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', {spec.column} AT TIME ZONE %s)::date"  # noqa: S608
        f" FROM {spec.default}",
        [settings.TIME_ZONE],
    )
    return sorted(month for (month,) in cursor.fetchall())


def create_month(cursor, spec: PartitionedTable, month: date) -> bool:
    """Create the month's partition unless it exists; rows of that month waiting in DEFAULT are
    moved into it. True when it was created."""
    name = spec.partition(month)
    if name in partitions_of(cursor, spec.table):
        return False
    low, high = bound(month), bound(next_month(month))
    in_month = f"{spec.column} >= '{low}' AND {spec.column} < '{high}'"
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {spec.default} WHERE {in_month})")  # noqa: S608
    if not cursor.fetchone()[0]:
        cursor.execute(
            f"CREATE TABLE {name} PARTITION OF {spec.table} FOR VALUES FROM ('{low}') TO ('{high}')"
        )
        return True
    # Attaching a month whose rows are in DEFAULT is refused: fill the month beside the table,
    # take its rows out of DEFAULT, then attach it (which adds its indexes, foreign keys and
    # row triggers). On the partitions directly: the parent's key-table triggers do not fire.
    cursor.execute(
        f"CREATE TABLE {name} (LIKE {spec.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    cursor.execute(f"INSERT INTO {name} SELECT * FROM {spec.default} WHERE {in_month}")  # noqa: S608
    cursor.execute(f"DELETE FROM {spec.default} WHERE {in_month}")  # noqa: S608
    cursor.execute(
        f"ALTER TABLE {spec.table} ATTACH PARTITION {name} FOR VALUES FROM ('{low}') TO ('{high}')"
    )
    return True


def ensure_months(cursor, spec: PartitionedTable, first: date, last: date) -> list[str]:
    """Every month from `first` to `last` has its partition; returns those created."""
    return [spec.partition(m) for m in months_between(first, last) if create_month(cursor, spec, m)]


def maintain_partitions(*, since: date | None = None, months_ahead: int = MONTHS_AHEAD) -> dict:
    """Create the partitions of this month and the next `months_ahead` (and, with `since`, of
    every month from then on), and give the months found in DEFAULT their own.

    {table: [partitions created]}; {} where the tables are not partitioned (SQLite).
    """
    if connection.vendor != "postgresql":
        return {}
    today = timezone.localdate()
    last = today.replace(day=1)
    for _ in range(months_ahead):
        last = next_month(last)
    created = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for spec in TABLES:
            if not is_partitioned(cursor, spec.table):
                continue
            made = ensure_months(cursor, spec, since or today, last)
            for month in months_in_default(cursor, spec):
                if create_month(cursor, spec, month):
                    made.append(spec.partition(month))
            created[spec.table] = made
    return created
