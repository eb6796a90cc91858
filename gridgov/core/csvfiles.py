"""Reading the CSV files people keep (divisions, holidays, categories, routing rules).

One shape for all of them: a fixed header; each record parsed on its own into a row or a list
of problems; then checks across rows; every problem reported at once, by line and column, and
nothing accepted unless the whole file is right.
"""

import csv
import io
from collections.abc import Callable

from django.utils.translation import gettext as _

from .errors import InvalidInput


def problem(line: int | None, column: str, reason: str) -> dict:
    """One problem of a file, as importers report them (see core.jobs.problem_location)."""
    return {"line": line, "column": column, "reason": reason}


def read_rows(
    text: str,
    header: list[str],
    parse_record: Callable[[int, list[str]], tuple],
    *,
    refused: str,
    check: Callable[[list], list[dict]] | None = None,
) -> list:
    """Rows of a whole file, or InvalidInput(refused) listing every problem.

    parse_record(line, cells) returns (row, problems) — row None when the record is refused;
    check(rows) returns the problems found across rows (duplicates, references)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    found = next(reader, None)
    if found is None or [h.strip() for h in found] != header:
        raise InvalidInput(
            _("The first line must be the header %(header)s.") % {"header": ",".join(header)}
        )
    rows, problems = [], []
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                problem(
                    line,
                    "",
                    _("expected %(expected)d columns, found %(n)d")
                    % {"expected": len(header), "n": len(record)},
                )
            )
            continue
        row, row_problems = parse_record(line, [cell.strip() for cell in record])
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
    if check is not None:
        problems.extend(check(rows))
    if problems:
        raise InvalidInput(refused, details=problems)
    return rows
