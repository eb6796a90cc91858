"""The rollups are exact: after random writes and a refresh, every cell equals a raw count."""

import random
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from gridgov.events.models import Event, EventCategory
from gridgov.regions.choices import LEVELS
from gridgov.regions.models import Region
from gridgov.rollups.models import RollupCell, RollupSource
from gridgov.rollups.refresh import LEASE, refresh_rollups

STATUSES = ["reported", "accepted", "dispatched", "handling", "handled", "closed", "rejected",
            "merged"]  # fmt: skip


def raw_event_cells() -> dict:
    """{(day, region id, status): [n, on_time, reworked, rated, satisfied, satisfaction]} from
    the events themselves, counted here without the rollups' code."""
    cells = defaultdict(lambda: [0] * 6)
    tz = timezone.get_current_timezone()
    fields = [*LEVELS, "status", "reported_at", "late", "rework_count", "satisfaction"]
    for row in Event.objects.values(*fields):
        values = [
            1,
            int(not row["late"]),
            int(row["rework_count"] > 0),
            int(row["satisfaction"] is not None),
            int((row["satisfaction"] or 0) >= 4),
            row["satisfaction"] or 0,
        ]
        day = row["reported_at"].astimezone(tz).date()
        for level in LEVELS:
            if row[level] is not None:
                cell = cells[(day, row[level], row["status"])]
                for i, value in enumerate(values):
                    cell[i] += value
    return dict(cells)


def rollup_event_cells() -> dict:
    rows = RollupCell.objects.filter(source="events").values_list(
        "day", "region_id", "d1", "n", "v1", "v2", "v3", "v4", "v5"
    )
    return {(day, region, status): list(values) for day, region, status, *values in rows}


def raw_category_cells() -> dict:
    cells = defaultdict(int)
    tz = timezone.get_current_timezone()
    for row in Event.objects.exclude(status="merged").values(*LEVELS, "category", "reported_at"):
        day = row["reported_at"].astimezone(tz).date()
        for level in LEVELS:
            if row[level] is not None:
                cells[(day, row[level], str(row["category"]))] += 1
    return dict(cells)


def rollup_category_cells() -> dict:
    rows = RollupCell.objects.filter(source="events.category").values_list(
        "day", "region_id", "d1", "n"
    )
    return {(day, region, category): n for day, region, category, n in rows}


def random_writes(rng: random.Random, count: int, prefix: str) -> None:
    places = list(Region.objects.filter(level__in=["grid", "microgrid"]).order_by("pk")[:60])
    categories = list(EventCategory.objects.values_list("pk", flat=True))
    events = list(Event.objects.order_by("pk")[:400])
    now = timezone.now()
    for i in range(count):
        event = rng.choice(events)
        what = rng.choice(["new", "status", "category", "place", "rating"])
        if what == "new":
            event.pk = None
            event.number = f"{prefix}{i:06d}"
            event.reported_at = now - timedelta(days=rng.randint(0, 400), hours=rng.randint(0, 23))
        elif what == "status":
            event.status = rng.choice(STATUSES)
            event.late = rng.random() < 0.3
            event.rework_count = rng.choice([0, 0, 1, 2])
        elif what == "category":
            event.category_id = rng.choice(categories)
        elif what == "place":
            event.place_in(rng.choice(places))
        else:
            event.satisfaction = rng.choice([None, 1, 2, 3, 4, 5])
        event.save()
        if what == "new":
            events.append(event)


def test_the_demo_s_rollups_equal_the_raw_counts(db):
    refresh_rollups()
    assert rollup_event_cells() == raw_event_cells()
    assert rollup_category_cells() == raw_category_cells()


def test_after_random_creations_moves_recategorisations_and_re_placements_every_cell_is_exact(db):
    refresh_rollups()
    rng = random.Random(2026)
    for round_ in range(3):
        random_writes(rng, 120, prefix=f"RT{round_}")
        summary = refresh_rollups()
        assert summary["events"]["days"] > 0
        assert rollup_event_cells() == raw_event_cells()
        assert rollup_category_cells() == raw_category_cells()


def test_a_refresh_with_nothing_changed_recounts_only_the_overlap_and_changes_nothing(db):
    refresh_rollups()
    before = rollup_event_cells()
    revision = RollupSource.objects.get(name="events").revision
    refresh_rollups(["events"])
    assert rollup_event_cells() == before
    assert RollupSource.objects.get(name="events").revision >= revision


def test_a_row_committed_after_a_refresh_started_is_counted_by_the_next_one(db):
    """A slow transaction stamps updated_at before the refresh starts and commits after it:
    the overlap makes the next refresh look back far enough to see it."""
    refresh_rollups(["events"])
    watermark = RollupSource.objects.get(name="events").watermark
    event = Event.objects.order_by("pk").first()
    event.pk, event.number, event.status = None, "LATE0001", "reported"
    event.save()
    # As if its transaction had started (and stamped the row) before the last refresh began.
    Event.objects.filter(pk=event.pk).update(updated_at=watermark - timedelta(seconds=30))
    refresh_rollups(["events"])
    assert rollup_event_cells() == raw_event_cells()


def test_a_second_worker_skips_a_source_another_is_refreshing_and_nothing_is_lost(db):
    refresh_rollups(["events"])
    RollupSource.objects.filter(name="events").update(leased_until=timezone.now() + LEASE)
    event = Event.objects.order_by("pk").first()
    event.pk, event.number = None, "BUSY0001"
    event.save()
    assert refresh_rollups(["events"]) == {"events": "busy"}
    RollupSource.objects.filter(name="events").update(leased_until=None)
    assert refresh_rollups(["events"])["events"]["days"] >= 1
    assert rollup_event_cells() == raw_event_cells()


def test_an_expired_lease_of_a_worker_that_died_is_taken_over(db):
    RollupSource.objects.update_or_create(
        name="events", defaults={"leased_until": timezone.now() - timedelta(seconds=1)}
    )
    assert refresh_rollups(["events"])["events"] != "busy"


def test_a_full_rebuild_forgets_days_whose_rows_are_gone(db):
    event = Event.objects.order_by("pk").first()
    event.pk, event.number = None, "GONE0001"
    event.reported_at = event.reported_at.replace(year=1999)
    event.save()
    refresh_rollups(["events"])
    assert RollupCell.objects.filter(source="events", day__year=1999).exists()
    Event.objects.filter(pk=event.pk).delete()
    refresh_rollups(["events"], full=True)
    assert not RollupCell.objects.filter(source="events", day__year=1999).exists()
    assert rollup_event_cells() == raw_event_cells()


def test_the_rebuild_command_names_each_source_and_refuses_an_unknown_one(db):
    import io

    import pytest
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("rebuild_rollups", "events", stdout=out)
    assert out.getvalue().startswith("events: ")
    with pytest.raises(CommandError, match="nothing"):
        call_command("rebuild_rollups", "nothing")
