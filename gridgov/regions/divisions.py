"""Reading the official division file (统计用区划代码): code,name,level,parent_code."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.core.csvfiles import problem, read_rows

from .choices import DIVISION_LEVELS, RegionLevel, parent_level

HEADER = ["code", "name", "level", "parent_code"]
# What any region code may look like (division codes, and the codes of grids the command
# centre draws), and how long a name may be: the limits of the Region table.
REGION_CODE = re.compile(r"^[0-9A-Za-z]{2,32}$")
MAX_NAME_LENGTH = 100
JIAXING_DIVISIONS = Path(__file__).resolve().parent.parent.parent / "data" / "jiaxing-divisions.csv"


@dataclass(frozen=True)
class DivisionRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str | None


def read_division_csv(text: str) -> list[DivisionRow]:
    """Parse and check a whole file; every problem is reported at once, by line and column."""
    return read_rows(
        text,
        HEADER,
        _parse_record,
        check=_check_tree,
        refused=_("The division file has errors; nothing was imported."),
    )


def _parse_record(line: int, record: list[str]):
    code, name, level, parent_code = record
    problems = []
    if not REGION_CODE.match(code):
        problems.append(problem(line, "code", _("not a division code: %(v)r") % {"v": code}))
    if not name or len(name) > MAX_NAME_LENGTH:
        problems.append(problem(line, "name", _("a name of 1 to 100 characters is required")))
    if level not in DIVISION_LEVELS:
        problems.append(
            problem(
                line,
                "level",
                _("%(v)r is not one of %(levels)s")
                % {"v": level, "levels": ", ".join(DIVISION_LEVELS)},
            )
        )
    if problems:
        return None, problems
    return DivisionRow(line, code, name, level, parent_code or None), []


def _check_tree(rows: list[DivisionRow]) -> list[dict]:
    """Unique codes; each parent present in the file at the level just above."""
    problems, by_code = [], {}
    for row in rows:
        if row.code in by_code:
            problems.append(
                problem(
                    row.line,
                    "code",
                    _("code %(code)s already appears on line %(other)d")
                    % {"code": row.code, "other": by_code[row.code].line},
                )
            )
        else:
            by_code[row.code] = row
    for row in rows:
        expected_parent_level = parent_level(row.level)
        if expected_parent_level is None:
            if row.parent_code:
                problems.append(
                    problem(row.line, "parent_code", _("a city has no parent in this file"))
                )
            continue
        parent = by_code.get(row.parent_code or "")
        if parent is None:
            problems.append(
                problem(
                    row.line,
                    "parent_code",
                    _("parent %(code)r is not in the file") % {"code": row.parent_code},
                )
            )
        elif parent.level != expected_parent_level:
            problems.append(
                problem(
                    row.line,
                    "parent_code",
                    _("the parent of a %(level)s must be a %(expected)s, not a %(actual)s")
                    % {
                        "level": RegionLevel(row.level).label,
                        "expected": RegionLevel(expected_parent_level).label,
                        "actual": RegionLevel(parent.level).label,
                    },
                )
            )
    return problems
