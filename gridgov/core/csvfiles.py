"""Reading the tables people keep: CSV files (divisions, holidays, categories, routing rules)
and Excel workbooks (the power-item catalogue, and any ledger kept in Excel).

One shape for all of them: a fixed header; each record parsed on its own into a row or a list
of problems; then checks across rows; every problem reported at once, by line (row) and column.
`read_rows` accepts nothing unless the whole file is right; `parse_records` hands back the good
rows beside the problems, for importers that may skip bad rows when the person asks.
"""

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

from .errors import InvalidInput

Records = Iterable[tuple[int, list[str]]]
# What the export writer puts before a cell that a spreadsheet would run as a formula
# (see core.exports); reading takes it off again, so an exported file imports as it was.
FORMULA_GUARD = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def problem(line: int | None, column: str, reason: str, *, where: str = "line") -> dict:
    """One problem of a file, as importers report them (see core.jobs.problem_location).

    `where` names the number: "line" for a CSV line, "row" for a spreadsheet's row."""
    return {where: line, "column": column, "reason": reason}


def read_rows(
    text: str,
    header: list[str],
    parse_record: Callable[[int, list[str]], tuple],
    *,
    refused: str,
    check: Callable[[list], list[dict]] | None = None,
) -> list:
    """Rows of a whole CSV file, or InvalidInput(refused) listing every problem.

    parse_record(line, cells) returns (row, problems) — row None when the record is refused;
    check(rows) returns the problems found across rows (duplicates, references)."""
    rows, problems = parse_records(csv_records(text), header, parse_record, check=check)
    if problems:
        raise InvalidInput(refused, details=problems)
    return rows


def parse_records(
    records: Records,
    header: list[str],
    parse_record: Callable[[int, list[str]], tuple],
    *,
    check: Callable[[list], list[dict]] | None = None,
    where: str = "line",
) -> tuple[list, list[dict]]:
    """The rows that passed and the problems of the others, from numbered records (the first
    one the header). A wrong header refuses the whole file.

    Rows that `check` finds a problem with (by the number under `where`) are left out too."""
    records = iter(records)
    first = next(records, None)
    if first is None or [h.strip() for h in first[1]] != header:
        raise InvalidInput(
            _("The first line must be the header %(header)s.") % {"header": ",".join(header)}
        )
    numbered, problems = [], []
    for number, record in records:
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            problems.append(
                problem(
                    number,
                    "",
                    _("expected %(expected)d columns, found %(n)d")
                    % {"expected": len(header), "n": len(record)},
                    where=where,
                )
            )
            continue
        row, row_problems = parse_record(number, [cell.strip() for cell in record])
        problems.extend(row_problems)
        if row is not None:
            numbered.append((number, row))
    if check is not None:
        across = check([row for _number, row in numbered])
        problems.extend(across)
        refused = {p.get(where) for p in across}
        numbered = [(number, row) for number, row in numbered if number not in refused]
    return [row for _number, row in numbered], problems


# --- Where records come from ---------------------------------------------------------------


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """The records of CSV text, numbered from 1 (the header)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for line, record in enumerate(reader, start=1):
        yield line, [_unguarded(cell) for cell in record]


def _unguarded(cell: str) -> str:
    if cell.startswith(FORMULA_GUARD) and cell[1:2] and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def decode_text(data: bytes) -> str:
    """Text of an uploaded CSV file: UTF-8 (with or without BOM), or GB18030 — what Excel on a
    Chinese Windows saves as "CSV"."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput(_("The file is neither UTF-8 nor GB18030 text."))


def xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The rows of a workbook's first sheet as text, numbered as the sheet numbers them.

    Cells read as people see them: whole numbers without ".0", dates as YYYY-MM-DD. Empty
    cells at the end of a row are dropped and short rows filled up to the header's width, as
    a spreadsheet does not store trailing blanks."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.worksheets:
            raise InvalidInput(_("The workbook has no sheet."))
        width = None
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for number, values in enumerate(rows, start=1):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            if width is None:
                width = len(cells)
            cells += [""] * (width - len(cells))
            yield number, cells
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    finally:
        workbook.close()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def file_records(data: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    """The records of an uploaded table: an Excel workbook if its name says .xlsx, CSV
    otherwise."""
    if name.lower().endswith(".xlsx"):
        return xlsx_records(data)
    return csv_records(decode_text(data))
