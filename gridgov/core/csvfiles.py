"""Reading the tables people keep: CSV files (divisions, holidays, categories, routing rules)
and Excel workbooks (the power-item catalogue, and any ledger kept in Excel).

One shape for all of them: a fixed header; each record parsed on its own into a row or a list
of problems; then checks across rows; every problem reported at once, by line (row) and column.
`read_rows` accepts nothing unless the whole file is right; `parse_records` hands back the good
rows beside the problems, for importers that may skip bad rows when the person asks.

A table is read as a stream of records, and bounded: a small file must not take the worker's
memory or hours (a 572 KB workbook can unzip to gigabytes). A workbook's zip entries are
checked before it is parsed; rows, cells and cell lengths are counted while reading; at most
MAX_PROBLEMS problems are kept, with a count of the others.
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

# Bounds of one table. Excel's own limit on a cell is 32,767 characters; the catalogues and
# ledgers read here have thousands of rows, not millions.
MAX_UNZIPPED_BYTES = 32 * 2**20  # all a workbook's parts together, as they unzip
MAX_ROWS = 100_000
MAX_CELLS = 2_000_000
MAX_COLUMNS = 256
MAX_CELL_LENGTH = 32_767
MAX_PROBLEMS = 1_000


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
    numbered, problems = [], Problems()
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
    return [row for _number, row in numbered], problems.as_list(where)


class Problems:
    """The first MAX_PROBLEMS problems of a file, and how many more there were: a file of a
    million bad rows is reported in a page, not a million lines."""

    def __init__(self):
        self.kept: list[dict] = []
        self.more = 0

    def append(self, item: dict) -> None:
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(item)
        else:
            self.more += 1

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def __bool__(self) -> bool:
        return bool(self.kept)

    def as_list(self, where: str = "line") -> list[dict]:
        if not self.more:
            return self.kept
        return [
            *self.kept,
            problem(
                None,
                "",
                _("and %(n)d more problems not listed") % {"n": self.more},
                where=where,
            ),
        ]


# --- Where records come from ---------------------------------------------------------------


def csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """The records of CSV text, numbered from 1 (the header)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        records = enumerate(reader, start=1)
        for line, record in bounded(records, _("line %(n)d")):
            yield line, [_unguarded(cell) for cell in record]
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
        raise InvalidInput(_("The file is not readable CSV: %(e)s") % {"e": exc}) from None


def bounded(records, where: str):
    """Records as they come, refused as soon as the table is larger than a table we read:
    MAX_ROWS rows, MAX_CELLS cells, MAX_COLUMNS columns, MAX_CELL_LENGTH characters a cell.
    `where` names a record's place ("row %(n)d")."""
    cells = 0
    for number, record in records:
        if number > MAX_ROWS:
            raise InvalidInput(_("The file has more than %(n)d rows; split it.") % {"n": MAX_ROWS})
        cells += len(record)
        if cells > MAX_CELLS or len(record) > MAX_COLUMNS:
            raise InvalidInput(
                _("The file has more than %(n)d cells or %(c)d columns; split it.")
                % {"n": MAX_CELLS, "c": MAX_COLUMNS}
            )
        for cell in record:
            if len(cell) > MAX_CELL_LENGTH:
                raise InvalidInput(
                    _("%(where)s has a cell longer than %(n)d characters.")
                    % {"where": where % {"n": number}, "n": MAX_CELL_LENGTH}
                )
        yield number, record


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

    check_unzipped_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.worksheets:
            raise InvalidInput(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # What the sheet says of its own size may lie (A1:XFD1048576): read what is there.
        sheet.reset_dimensions()
        width = None
        rows = enumerate(sheet.iter_rows(values_only=True), start=1)
        for number, cells in bounded(_trimmed(rows), _("row %(n)d")):
            if width is None:
                width = len(cells)
            cells += [""] * (width - len(cells))
            yield number, cells
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    finally:
        workbook.close()


def _trimmed(rows):
    """Rows as text, without the empty cells a row ends with (checked for length as they are
    read: a cell of 400 MB is refused before it is copied)."""
    for number, values in rows:
        end = len(values)
        while end and values[end - 1] in (None, ""):
            end -= 1
        if end > MAX_COLUMNS:
            yield number, list(values[:end])  # refused by bounded(), not converted
            continue
        cells = [cell_text(value) for value in values[:end]]
        while cells and not cells[-1]:  # a cell of spaces reads as empty too
            cells.pop()
        yield number, cells


def check_unzipped_size(data: bytes) -> None:
    """Refuse a workbook whose parts unzip to more than MAX_UNZIPPED_BYTES, before any is
    unzipped. (Python's zipfile never inflates an entry past its stated size.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    if total > MAX_UNZIPPED_BYTES:
        raise InvalidInput(
            _("The workbook unzips to more than %(mb)d MB; split it.")
            % {"mb": MAX_UNZIPPED_BYTES // 2**20}
        )


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
