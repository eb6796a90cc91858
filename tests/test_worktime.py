import io
import time as clock
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gridgov.core.errors import NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.settings.base import env_clock_time
from gridgov.worktime import calendar
from gridgov.worktime.actions import do_set_calendar_days
from gridgov.worktime.calendar import (
    WorkCalendar,
    add_working_hours,
    is_working_day,
    warning_time,
    working_hours_between,
)
from gridgov.worktime.holidays import HOLIDAYS_CN, DayRow, read_calendar_csv
from gridgov.worktime.models import CalendarDay
from tests.conftest import client_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fresh_calendar():
    """Each test sees the calendar of its own transaction, not one cached by another test."""
    calendar.clear_cache()
    yield
    calendar.clear_cache()


# A calendar without the database, built from the shipped file, for the property tests.
SHIPPED = WorkCalendar(
    {r.date: r.is_working_day for r in read_calendar_csv(HOLIDAYS_CN.read_text("utf-8"))},
    opens=time(8, 30),
    closes=time(17, 30),
    tz=SHANGHAI,
)


def reference_add(cal: WorkCalendar, start: datetime, hours: int) -> datetime:
    """Whole hours, stepped one minute at a time: slow, obviously right."""
    moment, left = start.astimezone(SHANGHAI), hours * 60
    while True:
        local = moment.time()
        working = cal.is_working_day(moment.date()) and time(8, 30) <= local < time(17, 30)
        if left == 0 and working:
            return moment
        if working:
            left -= 1
            if left == 0:
                return moment + timedelta(minutes=1)
        moment += timedelta(minutes=1)


# --- The shipped schedule -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_loads_the_state_council_schedule_for_2025_and_2026():
    assert CalendarDay.objects.count() == 72
    assert not is_working_day(date(2025, 1, 1))
    assert not is_working_day(date(2025, 10, 8))  # 国庆节、中秋节, a Wednesday
    assert is_working_day(date(2025, 9, 28))  # a Sunday worked in exchange
    assert not is_working_day(date(2026, 2, 23))  # 春节, a Monday
    assert is_working_day(date(2026, 2, 28))  # a Saturday worked in exchange
    made_up = CalendarDay.objects.filter(is_working_day=True).values_list("date", flat=True)
    assert sorted(made_up) == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]


def test_the_shipped_file_makes_up_only_weekend_days():
    rows = read_calendar_csv(HOLIDAYS_CN.read_text("utf-8"))
    assert all(r.date.weekday() >= 5 for r in rows if r.is_working_day)
    assert all(r.name for r in rows)


# --- Adding working hours -----------------------------------------------------------------


@pytest.mark.django_db
def test_an_ordinary_weekday_is_a_working_day_and_a_weekend_is_not():
    assert is_working_day(date(2025, 3, 7))  # Friday
    assert not is_working_day(date(2025, 3, 8))  # Saturday
    assert not is_working_day(date(2025, 3, 9))  # Sunday


@pytest.mark.django_db
def test_a_limit_running_over_a_weekend_skips_it():
    assert add_working_hours(at(2025, 3, 7, 16, 30), 2) == at(2025, 3, 10, 9, 30)


@pytest.mark.django_db
def test_a_limit_running_over_a_holiday_skips_it():
    # 清明节 2025: Friday 4 April to Sunday 6 April.
    assert add_working_hours(at(2025, 4, 3, 16, 30), 2) == at(2025, 4, 7, 9, 30)


@pytest.mark.django_db
def test_a_make_up_saturday_is_counted_as_a_working_day():
    # Saturday 8 February 2025 was worked in exchange for the Spring Festival.
    assert add_working_hours(at(2025, 2, 7, 16, 30), 2) == at(2025, 2, 8, 9, 30)


@pytest.mark.django_db
def test_a_start_outside_working_hours_counts_from_the_next_opening():
    assert add_working_hours(at(2025, 3, 10, 7, 0), 1) == at(2025, 3, 10, 9, 30)
    assert add_working_hours(at(2025, 3, 10, 18, 0), 1) == at(2025, 3, 11, 9, 30)
    assert add_working_hours(at(2025, 3, 8, 11, 0), 1) == at(2025, 3, 10, 9, 30)  # Saturday


@pytest.mark.django_db
def test_a_start_given_in_utc_is_counted_in_local_time():
    start = at(2025, 3, 10, 16, 0).astimezone(ZoneInfo("UTC"))
    due = add_working_hours(start, 3)
    assert due == at(2025, 3, 11, 10, 0)
    assert due.tzinfo is not None


@pytest.mark.django_db
def test_a_limit_crossing_the_spring_festival_waits_for_the_holiday_to_end():
    # 2026: make-up Saturday 14 February, holiday 15–23 February, back on Tuesday the 24th.
    start = at(2026, 2, 13, 9, 30)  # Friday: 8 hours left that day
    assert add_working_hours(start, 8 + 9 + 9 + 1) == at(2026, 2, 25, 9, 30)
    assert add_working_hours(start, 8 + 9) == at(2026, 2, 14, 17, 30)
    assert add_working_hours(start, 8 + 9 + 0.5) == at(2026, 2, 24, 9, 0)


@pytest.mark.django_db
def test_zero_hours_is_the_start_moved_to_the_next_working_moment():
    assert add_working_hours(at(2025, 3, 10, 10, 15), 0) == at(2025, 3, 10, 10, 15)
    assert add_working_hours(at(2025, 3, 10, 17, 30), 0) == at(2025, 3, 11, 8, 30)
    assert add_working_hours(at(2025, 1, 29, 12, 0), 0) == at(2025, 2, 5, 8, 30)  # 春节


@pytest.mark.django_db
def test_a_limit_that_runs_out_at_closing_time_ends_at_closing_time():
    assert add_working_hours(at(2025, 3, 10, 8, 30), 9) == at(2025, 3, 10, 17, 30)


@pytest.mark.django_db
def test_negative_hours_and_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(at(2025, 3, 10, 9), -1)
    with pytest.raises(ValueError):
        add_working_hours(datetime(2025, 3, 10, 9), 1)


@pytest.mark.django_db
def test_thirty_working_days_across_national_day_are_counted_by_whole_days():
    start = at(2025, 9, 1, 8, 30)
    due = add_working_hours(start, 30 * 9)
    days, day = 0, date(2025, 9, 1)
    while True:
        days += is_working_day(day)
        if days == 30:
            break
        day += timedelta(days=1)
    # Including the make-up Sunday 28 September and Saturday 11 October.
    assert day == date(2025, 10, 16)
    assert due == at(2025, 10, 16, 17, 30)
    begun = clock.perf_counter()
    for _ in range(1000):
        add_working_hours(start, 30 * 9)
    assert clock.perf_counter() - begun < 1.0


def test_whole_hours_match_a_minute_by_minute_count():
    start = at(2026, 2, 12, 15, 10)
    for hours in (0, 1, 3, 9, 20, 40):
        assert SHIPPED.add_working_hours(start, hours) == reference_add(SHIPPED, start, hours)


# --- Working hours between two moments ----------------------------------------------------


@pytest.mark.django_db
def test_working_hours_between_counts_only_working_time():
    assert working_hours_between(at(2025, 3, 7, 16, 30), at(2025, 3, 10, 9, 30)) == 2
    assert working_hours_between(at(2025, 3, 10, 9), at(2025, 3, 10, 9)) == 0
    assert working_hours_between(at(2025, 3, 10, 12), at(2025, 3, 10, 9)) == 0
    assert working_hours_between(at(2025, 9, 30, 17, 0), at(2025, 10, 9, 9, 0)) == 1


moments = st.datetimes(
    min_value=datetime(2024, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(SHANGHAI)
)


@hypothesis_settings(max_examples=300, deadline=None)
@given(start=moments, hours=st.floats(min_value=0, max_value=400, allow_nan=False))
def test_working_hours_between_undoes_add_working_hours(start, hours):
    due = SHIPPED.add_working_hours(start, hours)
    assert due >= start
    assert SHIPPED.working_hours_between(start, due) == pytest.approx(hours, abs=1e-6)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    start=moments,
    first=st.floats(min_value=0, max_value=100, allow_nan=False),
    second=st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_adding_hours_in_two_steps_lands_where_adding_them_at_once_does(start, first, second):
    stepwise = SHIPPED.add_working_hours(SHIPPED.add_working_hours(start, first), second)
    at_once = SHIPPED.add_working_hours(start, first + second)
    assert abs(stepwise - at_once) <= timedelta(milliseconds=1) or (
        # Ending exactly at closing time: the second step starts at the next opening.
        SHIPPED.working_hours_between(min(stepwise, at_once), max(stepwise, at_once)) < 1e-6
    )


# --- The yellow moment --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_warning_comes_when_eighty_percent_of_the_working_time_has_run():
    start = at(2026, 2, 13, 9, 30)
    deadline = add_working_hours(start, 10)  # Friday 8 h, then 2 h on the make-up Saturday
    assert deadline == at(2026, 2, 14, 10, 30)
    assert warning_time(start, deadline) == at(2026, 2, 13, 17, 30)  # 8 of 10 hours
    assert warning_time(start, deadline, fraction=0.5) == at(2026, 2, 13, 14, 30)


# --- Settings -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_working_window_follows_the_settings(settings):
    settings.GRIDGOV_WORKDAY_START = time(9, 0)
    settings.GRIDGOV_WORKDAY_END = time(12, 0)
    assert add_working_hours(at(2025, 3, 10, 8, 0), 4) == at(2025, 3, 11, 10, 0)


def test_a_malformed_working_hour_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("GRIDGOV_WORKDAY_START", "8.30")
    with pytest.raises(ImproperlyConfigured, match="GRIDGOV_WORKDAY_START"):
        env_clock_time("GRIDGOV_WORKDAY_START", "08:30")
    monkeypatch.setenv("GRIDGOV_WORKDAY_START", "24:00")
    with pytest.raises(ImproperlyConfigured):
        env_clock_time("GRIDGOV_WORKDAY_START", "08:30")
    monkeypatch.setenv("GRIDGOV_WORKDAY_START", "9:05")
    assert env_clock_time("GRIDGOV_WORKDAY_START", "08:30") == time(9, 5)


# --- Writing the calendar -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_calendar_day_takes_effect_at_once_and_is_audited():
    start = at(2027, 1, 1, 9, 0)  # a Friday beyond the shipped schedule
    assert add_working_hours(start, 1) == at(2027, 1, 1, 10, 0)
    summary = do_set_calendar_days(
        [DayRow(date(2027, 1, 1), False, "元旦")], actor="test", source="国办发明电"
    )
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    assert add_working_hours(start, 1) == at(2027, 1, 4, 9, 30)
    entry = AuditEntry.objects.filter(action="worktime.set_calendar_days").first()
    assert entry.actor_label == "test"
    assert entry.changes["dates"] == ["2027-01-01"]
    assert entry.changes["source"] == "国办发明电"


@pytest.mark.django_db
def test_setting_the_same_days_again_changes_nothing():
    rows = [DayRow(date(2027, 1, 1), False, "元旦")]
    do_set_calendar_days(rows, actor="test")
    before = list(CalendarDay.objects.values_list("date", "updated_at"))
    summary = do_set_calendar_days(rows, actor="test")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert list(CalendarDay.objects.values_list("date", "updated_at")) == before


@pytest.mark.django_db
def test_other_processes_see_a_change_at_their_next_stamp_check(monkeypatch):
    assert is_working_day(date(2027, 1, 1))
    # Another process writes: this one's copy was not cleared.
    CalendarDay.objects.create(date=date(2027, 1, 1), is_working_day=False, name="元旦")
    assert is_working_day(date(2027, 1, 1))  # still within REFRESH_SECONDS
    monkeypatch.setattr(calendar, "REFRESH_SECONDS", 0.0)
    assert not is_working_day(date(2027, 1, 1))
    CalendarDay.objects.filter(date=date(2027, 1, 1)).update(
        is_working_day=True, updated_at=timezone.now() + timedelta(seconds=1)
    )
    assert is_working_day(date(2027, 1, 1))


@pytest.mark.django_db
def test_only_the_platform_operators_may_change_the_calendar(gridworker_a):
    with pytest.raises(NotPermitted):
        do_set_calendar_days([DayRow(date(2027, 1, 1), False, "元旦")], actor=gridworker_a)
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()


# --- The import command -------------------------------------------------------------------


@pytest.mark.django_db
def test_importing_the_shipped_file_again_changes_nothing_but_is_audited():
    before = AuditEntry.objects.filter(action="worktime.set_calendar_days").count()
    out = io.StringIO()
    call_command("import_holidays", str(HOLIDAYS_CN), stdout=out)
    assert "新建 0 天，更新 0 天，72 天未变" in out.getvalue()
    entries = AuditEntry.objects.filter(action="worktime.set_calendar_days")
    assert entries.count() == before + 1
    assert entries.first().actor_label == "command:import_holidays"


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_a_bad_holiday_file_is_refused_by_line_and_nothing_is_written(tmp_path):
    path = tmp_path / "holidays.csv"
    path.write_text(
        "date,is_working_day,name\n"
        "2027-01-01,false,元旦\n"
        "2027-02-30,false,春节\n"
        "2027-02-06,maybe,春节调休上班\n"
        "2027-01-01,false,元旦\n"
        "2027-05-01,false\n"
        "2027-06-01,false,\n",
        encoding="utf-8",
    )
    rows_before = list(CalendarDay.objects.values_list("date", "is_working_day", "name"))
    audits_before = AuditEntry.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("import_holidays", str(path), stdout=io.StringIO())
    message = str(refused.value)
    assert "nothing was imported" in message
    assert "line: 3; column: date" in message
    assert "line: 4; column: is_working_day" in message
    assert "line: 5; column: date; reason: 2027-01-01 already appears on line 2" in message
    assert "line: 6; column: ; reason: expected 3 columns, found 2" in message
    assert "line: 7; column: name" in message
    assert list(CalendarDay.objects.values_list("date", "is_working_day", "name")) == rows_before
    assert AuditEntry.objects.count() == audits_before


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_a_file_without_the_header_or_that_is_missing_is_refused(tmp_path):
    path = tmp_path / "holidays.csv"
    path.write_text("2027-01-01,false,元旦\n", encoding="utf-8")
    with pytest.raises(CommandError, match="date,is_working_day,name"):
        call_command("import_holidays", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_holidays", str(tmp_path / "missing.csv"), stdout=io.StringIO())


# --- Admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_lists_the_calendar_but_cannot_change_it(admin_user):
    client = client_for(admin_user)
    assert client.get("/admin/worktime/calendarday/").status_code == 200
    day = CalendarDay.objects.get(date=date(2026, 2, 14))
    assert client.post(f"/admin/worktime/calendarday/{day.pk}/delete/").status_code == 403
    assert client.get("/admin/worktime/calendarday/add/").status_code == 403
