"""The shared input checks: every problem collected by field, refused at once, nothing else."""

import datetime as dt

import pytest

from gridgov.core.checks import checked_text, past_day, refuse_if_any, text
from gridgov.core.errors import InvalidInput


def test_text_is_stripped_and_a_missing_or_long_value_is_a_problem_of_its_field(english):
    problems = []
    assert text("  王建国 ", "name", 10, problems) == "王建国"
    assert text("", "address", 10, problems) == ""
    assert text("x" * 11, "note", 10, problems) == "x" * 11
    assert text(None, "optional", 10, problems, required=False) == ""
    assert problems == [
        {"field": "address", "message": "This field is required."},
        {"field": "note", "message": "At most 10 characters."},
    ]


def test_a_label_makes_the_problem_a_sentence_of_its_own(english):
    problems = []
    text(" ", "reason", 200, problems, label="The reason")
    assert problems == [
        {"field": "reason", "message": "The reason is required, at most 200 characters."}
    ]


def test_refusing_tells_every_problem_and_nothing_is_refused_without_one():
    refuse_if_any("not complete", [])  # no problem: goes on
    with pytest.raises(InvalidInput) as refused:
        refuse_if_any(
            "not complete", [{"field": "a", "message": "x"}, {"field": "b", "message": "y"}]
        )
    assert [d["field"] for d in refused.value.details] == ["a", "b"]
    assert refused.value.status_code == 400


def test_checked_text_refuses_one_field_at_once_naming_it(english):
    assert checked_text(" ok ", "name", 5) == "ok"
    with pytest.raises(InvalidInput) as missing:
        checked_text("", "name", 5)
    assert missing.value.message == "name is required."
    with pytest.raises(InvalidInput) as long:
        checked_text("123456", "name", 5)
    assert long.value.details == [{"field": "name", "message": "At most 5 characters."}]


def test_past_day_takes_dates_and_iso_text_and_refuses_the_future_and_nonsense(english):
    problems = []
    today = dt.date.today()
    assert past_day("2020-02-29", "on", problems) == dt.date(2020, 2, 29)
    assert past_day(dt.date(2021, 1, 1), "on", problems) == dt.date(2021, 1, 1)
    assert past_day("", "on", problems, default=today) == today
    assert past_day("2020-02-30", "on", problems) is None
    assert past_day(today + dt.timedelta(days=2), "later", problems) is None
    assert problems == [
        {"field": "on", "message": "Not a date (YYYY-MM-DD)."},
        {"field": "later", "message": "The date is in the future."},
    ]
