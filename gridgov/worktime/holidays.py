"""Reading a holiday file: date,is_working_day,name — one row per exception to the normal week."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from gridgov.core.csvfiles import problem, read_rows

HEADER = ["date", "is_working_day", "name"]
MAX_NAME_LENGTH = 50
TRUE_WORDS = {"true", "1", "yes"}
FALSE_WORDS = {"false", "0", "no"}
# The State Council's schedule of public holidays and make-up working days (调休).
HOLIDAYS_CN = Path(__file__).resolve().parent.parent.parent / "data" / "holidays-cn.csv"


@dataclass(frozen=True)
class DayRow:
    date: date
    is_working_day: bool
    name: str
    line: int | None = None


def read_calendar_csv(text: str) -> list[DayRow]:
    """Parse and check a whole file; every problem is reported at once, by line and column."""
    return read_rows(
        text,
        HEADER,
        _parse_record,
        check=check_rows,
        refused=_("The holiday file has errors; nothing was imported."),
    )


def _parse_record(line: int, record: list[str]):
    raw_date, raw_flag, name = record
    problems = []
    try:
        day = parse_date(raw_date)
    except ValueError:
        day = None
    if day is None:
        problems.append(
            problem(line, "date", _("not a date (YYYY-MM-DD): %(v)r") % {"v": raw_date})
        )
    flag = raw_flag.lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        problems.append(
            problem(line, "is_working_day", _("%(v)r is not true or false") % {"v": raw_flag})
        )
    if problems:
        return None, problems
    return DayRow(day, flag in TRUE_WORDS, name, line), []


def check_rows(rows: list[DayRow]) -> list[dict]:
    """Names present and short enough; each date once."""
    problems, seen = [], {}
    for row in rows:
        if not row.name or len(row.name) > MAX_NAME_LENGTH:
            problems.append(
                problem(row.line, "name", _("a name of 1 to 50 characters is required"))
            )
        if row.date in seen:
            other = seen[row.date]
            reason = (
                _("%(date)s already appears on line %(other)d")
                % {"date": row.date.isoformat(), "other": other.line}
                if other.line is not None
                else _("%(date)s appears twice") % {"date": row.date.isoformat()}
            )
            problems.append(problem(row.line, "date", reason))
        else:
            seen[row.date] = row
    return problems
