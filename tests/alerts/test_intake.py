"""Taking signals in: idempotent by (source, id), bad rows refused with reasons while the rest
of the batch is kept, complaints drawn from events, expiring filings."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.alerts.intake import ingest_complaint_events, ingest_expiring_filings
from gridgov.alerts.models import Signal, SignalSource
from gridgov.core.errors import InvalidInput, NotPermitted
from gridgov.core.models import AuditEntry
from tests.alerts.conftest import complaint, feed, noise, town_point
from tests.events.conftest import report

pytestmark = pytest.mark.django_db


def test_a_batch_is_taken_in_once_however_often_it_is_sent():
    lon, lat = town_point()
    now = timezone.now()
    rows = [noise(now - dt.timedelta(minutes=i), lon, lat, 50 + i) for i in range(5)]
    assert feed(rows)["accepted"] == 5
    again = feed(rows)
    assert again["accepted"] == 0
    assert [d["index"] for d in again["duplicates"]] == [0, 1, 2, 3, 4]
    assert Signal.objects.filter(source__code="noise").count() == 5
    assert AuditEntry.objects.filter(action="alerts.feed_signals", actor_label="test").count() == 2


def test_a_repeated_row_within_one_batch_is_a_duplicate():
    lon, lat = town_point()
    row = noise(timezone.now(), lon, lat, 61)
    result = feed([row, row])
    assert result["accepted"] == 1 and result["duplicates"] == [{"index": 1, "id": row["id"]}]


def test_bad_rows_are_refused_with_their_reasons_and_the_rest_kept(english):
    lon, lat = town_point()
    now = timezone.now()
    good = noise(now, lon, lat, 60)
    rows = [
        good,
        {**good, "id": "b1", "value": "loud"},
        {**good, "id": "b2", "value": 400},
        {**good, "id": "b3", "observed_at": "yesterday"},
        {**good, "id": "b4", "observed_at": (now + dt.timedelta(hours=1)).isoformat()},
        {**good, "id": "b5", "source": "no-such-source"},
        {**good, "id": "b6", "lon": None, "lat": None},
        {**good, "id": "b7", "unit": "dB(C)"},
        {**good, "id": ""},
        "not an object",
        {**good, "id": "b9", "lon": 200},
        {**good, "id": "b10", "device": "rule:1"},
        {**good, "id": "b11", "target": 999999999},
        {**good, "id": "ok-2"},
    ]
    result = feed(rows)
    assert result["accepted"] == 2
    refused = {r["index"]: r["field"] for r in result["rejected"]}
    assert refused == {
        1: "value", 2: "value", 3: "observed_at", 4: "observed_at", 5: "source", 6: "location",
        7: "unit", 8: "id", 9: "", 10: "location", 11: "device", 12: "target",
    }  # fmt: skip
    assert all(r["reason"] for r in result["rejected"])
    assert set(Signal.objects.values_list("external_id", flat=True)) >= {good["id"], "ok-2"}


def test_a_batch_has_a_size_limit_and_must_not_be_empty():
    with pytest.raises(InvalidInput):
        feed([])
    with pytest.raises(InvalidInput):
        feed([{}] * 5001)


def test_staff_without_the_capability_cannot_feed_signals(dispatcher_town):
    from gridgov.alerts.actions import do_feed_signals

    with pytest.raises(NotPermitted):
        do_feed_signals([{}], actor=dispatcher_town)


def test_a_naive_time_is_read_as_local_time():
    lon, lat = town_point()
    row = noise(timezone.now(), lon, lat, 60)
    row["observed_at"] = timezone.localtime().replace(tzinfo=None, microsecond=0).isoformat()
    feed([row])
    signal = Signal.objects.get(external_id=row["id"])
    assert abs((timezone.now() - signal.observed_at).total_seconds()) < 5


def complaints_from_now_on():
    SignalSource.objects.filter(code="complaints").update(created_at=timezone.now())


def test_noise_complaints_are_drawn_from_events_once(gridworker_a):
    complaints_from_now_on()
    noise_event = report(gridworker_a, category="0201", title="夜间施工噪声扰民")
    report(gridworker_a, category="0401", title="邻里纠纷")
    later = timezone.now() + dt.timedelta(minutes=1)
    assert ingest_complaint_events(now=later)["signals"] == 1
    assert ingest_complaint_events(now=later)["signals"] == 0
    signal = Signal.objects.get(source__code="complaints")
    assert signal.external_id == noise_event.number and signal.kind == "0201"
    assert (signal.lon, signal.lat) == (noise_event.lon, noise_event.lat)


def test_events_reported_a_moment_ago_wait_for_the_next_run(gridworker_a):
    complaints_from_now_on()
    report(gridworker_a, category="0201")
    assert ingest_complaint_events()["signals"] == 0
    assert ingest_complaint_events(now=timezone.now() + dt.timedelta(minutes=1))["signals"] == 1


def test_a_complaint_row_needs_no_value_but_a_place():
    lon, lat = town_point()
    row = complaint(timezone.now(), lon, lat, ident="C-1")
    del row["value"]
    assert feed([row])["accepted"] == 1


def test_expiring_filings_become_one_signal_per_day_left(monkeypatch, site):
    from types import SimpleNamespace

    today = timezone.localdate()
    filing = SimpleNamespace(
        number="BB001", last_night=today + dt.timedelta(days=3), site=site, site_id=site.pk
    )
    monkeypatch.setattr("gridgov.filings.selectors.expiring", lambda days, now: [filing])
    assert ingest_expiring_filings()["signals"] == 1
    assert ingest_expiring_filings()["signals"] == 0
    signal = Signal.objects.get(source__code="filing-expiry")
    assert signal.value == 3 and signal.target_id == site.pk and signal.kind == "filing_expiry"
