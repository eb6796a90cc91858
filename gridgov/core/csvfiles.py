"""Reading the tables people keep: CSV files (divisions, holidays, categories, routing rules)
and Excel workbooks (the power-item catalogue, and any ledger kept in Excel).

One shape for all of them: a fixed header; each record parsed on its own into a row or a list
of problems; then checks across rows; every problem reported at once, by line (row) and column.
`read_rows` accepts nothing unless the whole file is right; `parse_records` hands back the good
rows beside the problems, for importers that may skip bad rows when the person asks.

A table is read as a stream of records, and bounded: a small file must not take the worker's
memory or hours (a 572 KB workbook can unzip to gigabytes). A workbook's zip entries are
checked before it is parsed — their stated sizes, and that each inflates to no more than it
states; rows, cells and cell lengths are counted while reading; at most MAX_PROBLEMS problems
are kept, with a count of the others. The bounds are parameters (`Limits`): the ledger import
reads a village's million residents, other imports stay with the defaults.

Workbooks are read with python-calamine (Rust): ten times faster than openpyxl, which matters
for ledgers of a million rows.
"""

import csv
import datetime
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Limits:
    """The bounds of one table read. `Limits.default()` reads the module's bounds when called
    (so that a test may lower them); an import of big files passes its own."""

    unzipped_bytes: int
    rows: int
    cells: int
    columns: int = MAX_COLUMNS
    cell_length: int = MAX_CELL_LENGTH

    @classmethod
    def default(cls, **changes) -> "Limits":
        return cls(
            unzipped_bytes=changes.get("unzipped_bytes", MAX_UNZIPPED_BYTES),
            rows=changes.get("rows", MAX_ROWS),
            cells=changes.get("cells", MAX_CELLS),
            columns=changes.get("columns", MAX_COLUMNS),
            cell_length=changes.get("cell_length", MAX_CELL_LENGTH),
        )


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
    problems = Problems()
    numbered = list(iter_parsed(records, header, parse_record, problems, where=where))
    if check is not None:
        across = check([row for _number, row in numbered])
        problems.extend(across)
        refused = {p.get(where) for p in across}
        numbered = [(number, row) for number, row in numbered if number not in refused]
    return [row for _number, row in numbered], problems.as_list(where)


def iter_parsed(
    records: Records,
    header: list[str],
    parse_record: Callable[[int, list[str]], tuple],
    problems: "Problems",
    *,
    where: str = "line",
) -> Iterator[tuple[int, object]]:
    """(number, row) of each record that parses, as they are read; the problems of the others
    go to `problems`. For an import of a million rows, which cannot keep them all: a wrong
    header refuses the whole file before any row is read."""
    records = iter(records)
    first = next(records, None)
    if first is None or [h.strip() for h in first[1]] != header:
        raise InvalidInput(
            _("The first line must be the header %(header)s.") % {"header": ",".join(header)}
        )
    for number, record in records:
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        if len(cells) != len(header):
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
        row, row_problems = parse_record(number, cells)
        if row_problems:
            problems.extend(row_problems)
        if row is not None:
            yield number, row


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


def csv_records(text: str, limits: Limits | None = None) -> Iterator[tuple[int, list[str]]]:
    """The records of CSV text, numbered from 1 (the header)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        records = enumerate(reader, start=1)
        for line, record in bounded(records, _("line %(n)d"), limits):
            yield line, [_unguarded(cell) for cell in record]
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
        raise InvalidInput(_("The file is not readable CSV: %(e)s") % {"e": exc}) from None


def bounded(records, where: str, limits: Limits | None = None):
    """Records as they come, refused as soon as the table is larger than `limits` (rows,
    cells, columns, characters a cell). `where` names a record's place ("row %(n)d")."""
    limits = limits or Limits.default()
    cells = 0
    for number, record in records:
        if number > limits.rows:
            raise _too_many_rows(limits)
        cells += len(record)
        if cells > limits.cells or len(record) > limits.columns:
            raise InvalidInput(
                _("The file has more than %(n)d cells or %(c)d columns; split it.")
                % {"n": limits.cells, "c": limits.columns}
            )
        if record and max(map(len, record)) > limits.cell_length:
            raise InvalidInput(
                _("%(where)s has a cell longer than %(n)d characters.")
                % {"where": where % {"n": number}, "n": limits.cell_length}
            )
        yield number, record


def _too_many_rows(limits: Limits) -> InvalidInput:
    return InvalidInput(_("The file has more than %(n)d rows; split it.") % {"n": limits.rows})


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


def xlsx_records(data: bytes, limits: Limits | None = None) -> Iterator[tuple[int, list[str]]]:
    """The rows of a workbook's first sheet as text, numbered as the sheet numbers them.

    Cells read as people see them: whole numbers without ".0", dates as YYYY-MM-DD. Empty
    cells at the end of a row are dropped and short rows filled up to the header's width, as
    a spreadsheet does not store trailing blanks."""
    limits = limits or Limits.default()
    sheet = _first_sheet(data, limits)
    yield from _sheet_records(sheet, limits)


def _first_sheet(data: bytes, limits: Limits):
    """The workbook's first sheet, parsed, after the workbook's size is checked."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_unzipped_size(data, limits.unzipped_bytes)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, OSError, ValueError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    with workbook:
        if not workbook.sheet_names:
            raise InvalidInput(_("The workbook has no sheet."))
        try:
            # The whole sheet is parsed here (its size bounded by the unzipped bytes).
            sheet = workbook.get_sheet_by_index(0)
        except (CalamineError, ValueError) as exc:
            raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    if sheet.end is not None and sheet.end[0] + 1 > limits.rows:
        raise _too_many_rows(limits)  # before a row is converted
    return sheet


def _sheet_records(sheet, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    # Rows come from the first row of the sheet, cells from the first used column: put back
    # the empty columns before it, as the sheet shows them.
    lead = [""] * (sheet.start[1] if sheet.start else 0)
    width = None
    rows = enumerate(sheet.iter_rows(), start=1)
    for number, cells in bounded(_trimmed(rows, lead, limits), _("row %(n)d"), limits):
        if width is None:
            width = len(cells)
        cells += [""] * (width - len(cells))
        yield number, cells


def _trimmed(rows, lead: list[str], limits: Limits):
    """Rows as text, without the empty cells a row ends with (checked for length as they are
    read: a cell over the bound is refused before it is copied)."""
    for number, values in rows:
        end = len(values)
        while end and values[end - 1] == "":
            end -= 1
        if not end:
            yield number, []
            continue
        if end + len(lead) > limits.columns:
            yield number, [*lead, *values[:end]]  # refused by bounded(), not converted
            continue
        # Most cells are text: stripped here, without a call each.
        cells = [*lead, *(v.strip() if v.__class__ is str else cell_text(v) for v in values[:end])]
        while cells and not cells[-1]:  # a cell of spaces reads as empty too
            cells.pop()
        yield number, cells


def check_unzipped_size(data: bytes, max_bytes: int | None = None) -> None:
    """Refuse a workbook whose parts unzip to more than `max_bytes` (MAX_UNZIPPED_BYTES)
    before any is parsed: by the sizes its entries state, then by inflating each, without
    keeping the output, to make sure none inflates past what it states (a reader does not
    stop there)."""
    max_bytes = MAX_UNZIPPED_BYTES if max_bytes is None else max_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    if sum(entry.file_size for entry in entries) > max_bytes:
        raise InvalidInput(
            _("The workbook unzips to more than %(mb)d MB; split it.") % {"mb": max_bytes // 2**20}
        )
    for entry in entries:
        if _inflated_size(data, entry) > entry.file_size:
            raise InvalidInput(_("The file is not an Excel workbook (.xlsx)."))


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip entry's local header: 30 bytes
_CHUNK = 1 << 20


def _inflated_size(data: bytes, entry: zipfile.ZipInfo) -> int:
    """How many bytes an entry really inflates to, stopping once it passes its stated size."""
    header = _LOCAL_HEADER.unpack_from(data, entry.header_offset)
    start = entry.header_offset + _LOCAL_HEADER.size + header[9] + header[10]
    compressed = memoryview(data)[start : start + entry.compress_size]
    if entry.compress_type == zipfile.ZIP_STORED:
        return len(compressed)
    if entry.compress_type != zipfile.ZIP_DEFLATED:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx)."))
    inflater, size = zlib.decompressobj(-15), 0
    try:
        for offset in range(0, len(compressed), _CHUNK):
            pending = compressed[offset : offset + _CHUNK]
            while pending and size <= entry.file_size:
                size += len(inflater.decompress(pending, _CHUNK))
                pending = inflater.unconsumed_tail
    except zlib.error as exc:
        raise InvalidInput(_("The file is not an Excel workbook (.xlsx).")) from exc
    return size


def cell_text(value) -> str:
    """A cell's value as the sheet shows it."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def file_records(
    data: bytes, name: str, limits: Limits | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The records of an uploaded table: an Excel workbook if its name says .xlsx, CSV
    otherwise."""
    if name.lower().endswith(".xlsx"):
        return xlsx_records(data, limits)
    return csv_records(decode_text(data), limits)


def file_table(
    data: bytes, name: str, limits: Limits | None = None
) -> tuple[int, Iterator[tuple[int, list[str]]]]:
    """How many records an uploaded table has (at most: blank lines count) and its records,
    for an import that shows its progress. A workbook is parsed here, once."""
    limits = limits or Limits.default()
    if name.lower().endswith(".xlsx"):
        sheet = _first_sheet(data, limits)
        return (sheet.end[0] + 1 if sheet.end else 0), _sheet_records(sheet, limits)
    text = decode_text(data)
    return text.count("\n") + 1, csv_records(text, limits)


_CELL_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def cell_day(text: str) -> datetime.date | None:
    """A day as people type it in a spreadsheet cell (2024-03-01, 2024/3/1, 2024年3月1日), or
    None when the cell holds no real day."""
    match = _CELL_DAY.match(text)
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
