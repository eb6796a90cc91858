"""On PostgreSQL the events and their timeline are partitioned by month (migration 0006):
an event lands in its month's partition, a month's query reads one partition, the references
to events still refuse a dangling id, numbers stay unique across months, deleting an event
cascades as before, and the daily job creates the months ahead (once) and moves what landed in
DEFAULT. On SQLite nothing of this exists and the job does nothing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gridgov.events.jobs import partitions_ahead
from gridgov.events.models import Event, EventAssignment, EventTimelineEntry
from gridgov.events.partitions import EVENTS, TIMELINE, maintain_partitions, next_month

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="native partitioning is PostgreSQL's"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite side of a PostgreSQL-only feature"
)


def local(year, month, day=1, hour=0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


def copy_of_an_event(number: str, reported_at: datetime) -> Event:
    event = Event.objects.order_by("pk").first()
    event.pk, event.number, event.reported_at, event.duplicate_of = None, number, reported_at, None
    event.save()
    return event


def fetch(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def partition_of(table: str, pk: int) -> str:
    return fetch(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0][0]  # noqa: S608


def check_references() -> None:
    """The deferred foreign keys, checked now rather than at a commit the test never makes."""
    connection.check_constraints()


@on_postgresql
def test_the_events_and_their_timeline_are_partitioned_tables():
    kinds = dict(
        fetch(
            "SELECT relname, relkind FROM pg_class WHERE relname IN (%s, %s)",
            [EVENTS.table, TIMELINE.table],
        )
    )
    assert kinds == {EVENTS.table: "p", TIMELINE.table: "p"}
    partitioned = {
        name for (name,) in fetch("SELECT partrelid::regclass::text FROM pg_partitioned_table")
    }
    assert {EVENTS.table, TIMELINE.table} <= partitioned
    # every demo row sits in its month, none in DEFAULT
    assert fetch(f"SELECT count(*) FROM {EVENTS.default}") == [(0,)]  # noqa: S608
    assert fetch(f"SELECT count(*) FROM {TIMELINE.default}") == [(0,)]  # noqa: S608


@on_postgresql
def test_a_new_event_and_its_steps_land_in_their_month_s_partition():
    now = timezone.localtime()
    event = copy_of_an_event("PART000001", now)
    step = EventTimelineEntry.objects.create(
        item=event, seq=1, action="report", to_state="reported", actor_label="test"
    )
    month = now.date().replace(day=1)
    assert partition_of(EVENTS.table, event.pk) == EVENTS.partition(month)
    assert partition_of(TIMELINE.table, step.pk) == TIMELINE.partition(month)
    assert fetch("SELECT number FROM events_event_key WHERE id = %s", [event.pk]) == [
        ("PART000001",)
    ]
    assert Event.objects.select_for_update().get(pk=event.pk).number == "PART000001"


@on_postgresql
def test_a_month_s_query_reads_one_partition():
    month = timezone.localdate().replace(day=1)
    first, last = local(month.year, month.month), local(*_ym(next_month(month)))
    plan = Event.objects.filter(reported_at__gte=first, reported_at__lt=last).explain()
    scanned = {w for w in plan.replace("(", " ").split() if w.startswith(f"{EVENTS.table}_")}
    assert {s for s in scanned if not s.startswith(EVENTS.partition(month))} == set(), plan
    assert any(s.startswith(EVENTS.partition(month)) for s in scanned), plan


def _ym(day: date) -> tuple[int, int]:
    return day.year, day.month


@on_postgresql
def test_a_reference_to_no_event_is_refused():
    department = Event.objects.exclude(lead_unit=None).first().lead_unit
    with pytest.raises(IntegrityError), transaction.atomic():
        EventAssignment.objects.create(event_id=10**12, department=department, role="lead")
        check_references()


@on_postgresql
def test_an_event_number_is_unique_across_months():
    taken = Event.objects.order_by("reported_at").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_of_an_event(taken.number, taken.reported_at + timedelta(days=62))


@on_postgresql
def test_deleting_an_event_deletes_its_steps_and_assignments_and_its_keys():
    event = Event.objects.filter(timeline__isnull=False, assignments__isnull=False).first()
    steps = list(event.timeline.values_list("pk", flat=True))
    event.delete()
    check_references()
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not EventTimelineEntry.objects.filter(pk__in=steps).exists()
    assert not EventAssignment.objects.filter(event_id=event.pk).exists()
    assert fetch("SELECT count(*) FROM events_event_key WHERE id = %s", [event.pk]) == [(0,)]
    assert fetch(
        "SELECT count(*) FROM events_eventtimelineentry_key WHERE id = ANY(%s)", [steps]
    ) == [(0,)]


@on_postgresql
def test_an_event_whose_date_changes_moves_to_that_month_and_keeps_its_references():
    # a recent one: 40 days earlier is still a month the demo's partitions cover
    event = Event.objects.filter(timeline__isnull=False).order_by("-reported_at").first()
    earlier = event.reported_at - timedelta(days=40)
    Event.objects.filter(pk=event.pk).update(reported_at=earlier)
    check_references()
    assert partition_of(EVENTS.table, event.pk) == EVENTS.partition(
        timezone.localtime(earlier).date().replace(day=1)
    )
    assert fetch("SELECT number FROM events_event_key WHERE id = %s", [event.pk]) == [
        (event.number,)
    ]
    assert event.timeline.exists()


@on_postgresql
def test_the_job_creates_the_months_ahead_once():
    assert maintain_partitions() == {EVENTS.table: [], TIMELINE.table: []}  # the migration's
    made = maintain_partitions(months_ahead=14)
    month = timezone.localdate().replace(day=1)
    for _ in range(13):
        month = next_month(month)
    assert made[EVENTS.table] == [EVENTS.partition(month), EVENTS.partition(next_month(month))]
    assert made[TIMELINE.table] == [
        TIMELINE.partition(month),
        TIMELINE.partition(next_month(month)),
    ]
    assert maintain_partitions(months_ahead=14) == {EVENTS.table: [], TIMELINE.table: []}
    partitions_ahead.call()  # as the clock runs it: nothing left to do


@on_postgresql
def test_the_job_moves_a_month_found_in_default_into_a_partition_of_its_own():
    event = copy_of_an_event("PART000002", local(1999, 3, 31, 23))  # local March, UTC 15:00
    step = EventTimelineEntry.objects.create(
        item=event,
        seq=1,
        action="report",
        to_state="reported",
        actor_label="test",
        at=event.reported_at,
    )
    assert partition_of(EVENTS.table, event.pk) == EVENTS.default
    made = maintain_partitions()
    assert made == {EVENTS.table: ["events_event_y1999m03"],
                    TIMELINE.table: ["events_eventtimelineentry_y1999m03"]}  # fmt: skip
    assert partition_of(EVENTS.table, event.pk) == "events_event_y1999m03"
    assert partition_of(TIMELINE.table, step.pk) == "events_eventtimelineentry_y1999m03"
    assert fetch(f"SELECT count(*) FROM {EVENTS.default}") == [(0,)]  # noqa: S608
    check_references()  # the keys and the references to them were left as they were
    Event.objects.get(pk=event.pk).delete()
    check_references()


@on_sqlite
def test_on_sqlite_the_tables_are_plain_and_the_job_does_nothing():
    assert maintain_partitions() == {}
    assert partitions_ahead.call() == {}
    tables = set(connection.introspection.table_names())
    assert EVENTS.table in tables and EVENTS.key_table not in tables
    with pytest.raises(IntegrityError), transaction.atomic():
        taken = Event.objects.first()
        copy_of_an_event(taken.number, taken.reported_at)
