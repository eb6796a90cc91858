"""The evaluator on its own, in memory: each kind of condition firing and not firing, at the
edges of windows, hours and radii."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gridgov.alerts.definition import parse
from gridgov.alerts.engine import POINT_SUBJECT, CompiledRule, Engine, Targets, distance_m
from tests.alerts.conftest import local, offset

COUNTY = SimpleNamespace(level="county", pk=7)
SITE, SCHOOL, FAR_SITE = 1, 2, 3
LON, LAT = 120.76, 30.75
NOISE, COMPLAINTS, WARNINGS = 10, 11, 12


def targets() -> Targets:
    far = offset(LON, LAT, east_m=5000)
    school = offset(LON, LAT, north_m=150)
    return Targets(
        {
            SITE: ("construction_site", LON, LAT, 1, 7, 70, None, None, None),
            SCHOOL: ("school", *school, 1, 7, 70, None, None, None),
            FAR_SITE: ("construction_site", *far, 1, 8, 80, None, None, None),  # another county
        }
    )


def engine(definition: dict, *, sources=(NOISE,), rule_id=1, filings=None) -> Engine:
    rule = CompiledRule(
        rule_id=rule_id, version_id=100 + rule_id, name="r", region=COUNTY,
        definition=parse(definition), sources=set(sources),
    )  # fmt: skip
    return Engine.build([rule], targets(), filings)


class Stream:
    """Signals fed one by one, with ids in arrival order; the firings collected."""

    def __init__(self, engine: Engine):
        self.engine, self.next_id, self.firings = engine, 0, []

    def send(self, at, *, value=1.0, east=0.0, north=0.0, source=NOISE, kind="noise_db",
             device="N-1", target=None):  # fmt: skip
        self.next_id += 1
        lon, lat = offset(LON, LAT, east_m=east, north_m=north)
        row = (self.next_id, source, kind, value, at, lon, lat, device, target)
        self.engine.process([row], self.firings.append)
        return self.next_id


def count_rule(**changes):
    definition = {
        "signals": {"kinds": ["0201"]},
        "condition": {"type": "count", "at_least": 3},
        "window": {"days": 7},
        "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 200},
        "time_of_day": {"from": "22:00", "to": "06:00"},
        "action": {"type": "inspection", "scenario": "S"},
    }
    definition.update(changes)
    return definition


def complaints(stream, times, **kwargs):
    return [stream.send(t, source=COMPLAINTS, kind="0201", device="", **kwargs) for t in times]


# --- count ------------------------------------------------------------------------------------


def test_three_night_complaints_near_a_site_within_a_week_fire_once():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    ids = complaints(s, [local(2026, 5, 1, 23), local(2026, 5, 3, 1), local(2026, 5, 7, 22, 30)])
    assert len(s.firings) == 1
    firing = s.firings[0]
    assert firing.subject == SITE and firing.signal_ids == ids and firing.signal_count == 3
    assert firing.first_at == local(2026, 5, 1, 23) and firing.last_at == local(2026, 5, 7, 22, 30)


def test_a_complaint_that_left_the_window_does_not_count():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    first = local(2026, 5, 1, 23)
    complaints(s, [first, local(2026, 5, 4, 23), first + dt.timedelta(days=7, seconds=1)])
    assert s.firings == []
    # Exactly seven days after the second one is still inside its window.
    complaints(s, [local(2026, 5, 4, 23) + dt.timedelta(days=7)])
    assert len(s.firings) == 1


def test_daytime_complaints_do_not_count_and_the_hours_cross_midnight():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    complaints(s, [local(2026, 5, 1, 21, 59), local(2026, 5, 2, 6, 0), local(2026, 5, 2, 12)])
    assert s.firings == []
    complaints(s, [local(2026, 5, 2, 22, 0), local(2026, 5, 3, 0, 0), local(2026, 5, 3, 5, 59)])
    assert len(s.firings) == 1


def test_the_radius_is_measured_in_metres_from_the_target():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    nights = [local(2026, 5, d, 23) for d in (1, 2, 3)]
    complaints(s, nights, east=201)
    complaints(s, nights, north=-201)
    assert s.firings == []
    complaints(s, nights, east=199)
    assert len(s.firings) == 1


def test_targets_of_other_kinds_or_outside_the_jurisdiction_are_not_watched():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    nights = [local(2026, 5, d, 23) for d in (1, 2, 3)]
    complaints(s, nights, north=150)  # at the school: 150 m from the site, so the site fires
    assert [f.subject for f in s.firings] == [SITE]
    complaints(s, nights, east=5000)  # at the site of the other county
    assert [f.subject for f in s.firings] == [SITE]


def test_after_firing_the_window_starts_empty():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    complaints(s, [local(2026, 5, 1, 23, m) for m in range(5)])
    assert len(s.firings) == 1  # the fourth and fifth count towards the next one
    complaints(s, [local(2026, 5, 1, 23, 10)])
    assert len(s.firings) == 2
    assert s.firings[1].signal_ids == [4, 5, 6]


def test_a_late_signal_is_slotted_into_its_place_in_the_window():
    s = Stream(engine(count_rule(), sources=(COMPLAINTS,)))
    complaints(s, [local(2026, 5, 5, 23), local(2026, 5, 6, 23)])
    complaints(s, [local(2026, 4, 20, 23)])  # older than the window: ignored
    assert s.firings == []
    complaints(s, [local(2026, 5, 4, 23)])  # late, but inside it
    assert len(s.firings) == 1
    assert s.firings[0].first_at == local(2026, 5, 4, 23)


def test_a_calendar_month_window_starts_afresh_on_the_first():
    definition = count_rule(
        condition={"type": "count", "at_least": 2},
        window={"calendar": "month"},
        scope={"type": "near_targets", "target_kinds": ["school"], "radius_m": 200},
        time_of_day=None,
        signals={"kinds": ["06*"]},
    )
    s = Stream(engine(definition, sources=(COMPLAINTS,)))
    s.send(local(2026, 4, 30, 23, 59), source=COMPLAINTS, kind="0602", north=150)
    s.send(local(2026, 5, 1, 0, 1), source=COMPLAINTS, kind="0605", north=150)
    assert s.firings == []
    s.send(local(2026, 5, 20, 9), source=COMPLAINTS, kind="0101", north=150)  # not a market one
    assert s.firings == []
    s.send(local(2026, 5, 31, 18), source=COMPLAINTS, kind="0601", north=150)
    assert [f.subject for f in s.firings] == [SCHOOL]


# --- threshold and duration -----------------------------------------------------------------


def test_a_threshold_fires_on_the_reading_beyond_it():
    definition = {
        "signals": {"kinds": ["noise_db"]},
        "condition": {"type": "threshold", "at_least": 70},
        "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 50},
        "action": {"type": "event", "category": "0201"},
    }
    s = Stream(engine(definition))
    s.send(local(2026, 5, 1, 12), value=69.9)
    assert s.firings == []
    s.send(local(2026, 5, 1, 12, 1), value=70)
    assert len(s.firings) == 1 and s.firings[0].value == 70


def test_an_expiring_filing_fires_when_three_days_are_left():
    definition = {
        "signals": {"kinds": ["filing_expiry"]},
        "condition": {"type": "threshold", "at_most": 3},
        "scope": {"type": "own_target", "target_kinds": ["construction_site"]},
        "action": {"type": "event", "category": "0201"},
    }
    s = Stream(engine(definition))
    for left in (5, 4):
        s.send(local(2026, 5, 1, 8), value=left, kind="filing_expiry", target=SITE)
    assert s.firings == []
    s.send(local(2026, 5, 2, 8), value=3, kind="filing_expiry", target=SITE)
    s.send(local(2026, 5, 2, 8), value=1, kind="filing_expiry", target=SCHOOL)  # not a site
    assert [f.subject for f in s.firings] == [SITE]


def duration_rule(**changes):
    definition = {
        "signals": {"kinds": ["noise_db"]},
        "condition": {"type": "duration", "at_least": 55, "minutes": 10},
        "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 100},
        "time_of_day": {"from": "22:00", "to": "06:00"},
        "action": {"type": "inspection", "scenario": "S"},
    }
    definition.update(changes)
    return definition


def readings(s, start, values, *, every=60, device="N-1"):
    for i, value in enumerate(values):
        s.send(start + dt.timedelta(seconds=every * i), value=value, device=device)


def test_noise_above_55_for_ten_minutes_at_night_fires():
    s = Stream(engine(duration_rule()))
    readings(s, local(2026, 5, 1, 23, 50), [56] * 10)  # 23:50 … 23:59: nine minutes
    assert s.firings == []
    readings(s, local(2026, 5, 2, 0, 0), [58])  # ten minutes, across midnight
    assert len(s.firings) == 1
    firing = s.firings[0]
    assert firing.signal_count == 11 and firing.value == 58


def test_one_quiet_reading_or_a_silence_breaks_the_run():
    s = Stream(engine(duration_rule()))
    readings(s, local(2026, 5, 1, 23, 0), [60] * 6 + [54] + [60] * 6)
    assert s.firings == []
    readings(s, local(2026, 5, 2, 1, 0), [60] * 6)
    readings(s, local(2026, 5, 2, 1, 11), [60] * 6)  # six minutes of silence in between
    assert s.firings == []


def test_readings_of_two_devices_make_separate_runs():
    s = Stream(engine(duration_rule()))
    start = local(2026, 5, 1, 23, 0)
    for minute in range(11):
        at = start + dt.timedelta(minutes=minute)
        s.send(at, value=60, device="A")
        s.send(at, value=40, device="B")
    assert len(s.firings) == 1


def test_daytime_noise_does_not_count_toward_a_night_rule():
    s = Stream(engine(duration_rule()))
    readings(s, local(2026, 5, 1, 6, 0), [80] * 20)
    readings(s, local(2026, 5, 1, 21, 55), [80] * 6)  # till 22:00 only
    assert s.firings == []


# --- filings, points and repeated warnings -----------------------------------------------------


class Filings:
    def __init__(self, covered):
        self.covered = covered
        self.revision = 1

    def valid_at(self, target_id, moment):
        return 99 if (target_id, moment.date()) in self.covered else None


@pytest.mark.parametrize(("mode", "fires_on"), [("require", [2]), ("forbid", [1])])
def test_the_filing_condition_picks_nights_with_or_without_a_filing(mode, fires_on):
    covered = {(SITE, dt.date(2026, 5, 2))}
    s = Stream(engine(duration_rule(filing=mode), filings=Filings(covered)))
    for day in (1, 2):
        readings(s, local(2026, 5, day, 23, 0), [60] * 11)
    assert [f.first_at.astimezone(local(2026, 1, 1).tzinfo).day for f in s.firings] == fires_on


def test_a_fixed_point_rule_watches_its_radius_around_the_point():
    lon, lat = offset(LON, LAT, east_m=1000)
    definition = {
        "signals": {"kinds": ["noise_db"]},
        "condition": {"type": "threshold", "at_least": 60},
        "scope": {"type": "near_point", "lon": lon, "lat": lat, "radius_m": 300},
        "action": {"type": "event", "category": "0201"},
    }
    s = Stream(engine(definition))
    s.send(local(2026, 5, 1, 12), value=65, east=1000 - 301)
    assert s.firings == []
    s.send(local(2026, 5, 1, 12), value=65, east=1000 - 299)
    assert [f.subject for f in s.firings] == [POINT_SUBJECT]
    assert s.firings[0].target_id is None and s.firings[0].subject_key == "point"


def test_the_third_warning_at_a_site_in_thirty_days_escalates():
    definition = {
        "signals": {},
        "condition": {"type": "repeated", "at_least": 3, "rules": [5, 6]},
        "window": {"days": 30},
        "scope": {"type": "own_target"},
        "action": {"type": "event", "category": "0201", "priority": "urgent", "level": "county"},
    }
    s = Stream(engine(definition, sources=(WARNINGS,), rule_id=9))

    def warning(day, rule):
        s.send(local(2026, 5, day, 23), source=WARNINGS, kind="warning", device=f"rule:{rule}",
               target=SITE)  # fmt: skip

    warning(1, 5)
    warning(3, 7)  # a rule it does not count
    warning(10, 6)
    assert s.firings == []
    warning(31, 5)  # thirty days after the first
    assert len(s.firings) == 1 and s.firings[0].subject == SITE


def test_distance_agrees_with_the_offsets_used_to_place_points():
    lon, lat = offset(LON, LAT, east_m=120, north_m=-160)
    assert distance_m(LON, LAT, lon, lat) == pytest.approx(200, abs=0.05)
