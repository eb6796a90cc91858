"""Spreadsheet bombs: a small workbook that unzips to gigabytes (millions of rows, or one
cell of hundreds of megabytes) is refused in seconds and a few megabytes, before it is parsed;
a table over the row, cell or cell-length bounds is refused as it is read; a file of many bad
rows reports the first MAX_PROBLEMS problems and a count of the others."""

import io
import resource
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from gridgov.core import csvfiles
from gridgov.core.errors import InvalidInput
from gridgov.powers.files import COLUMNS, read_power_item_file
from gridgov.regions.models import Region

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    # As Excel writes it: without it openpyxl scans the whole sheet once to size it (bounded
    # by MAX_UNZIPPED_BYTES, but slower than the 2 seconds measured here).
    '<dimension ref="A1:H2"/><sheetData>'
)
TAIL = "</sheetData></worksheet>"


def workbook_with_sheet(write_rows) -> bytes:
    """A real workbook whose first sheet's XML is written, streamed, by write_rows(out)."""
    book = Workbook()
    book.active.append(["x"])
    template = io.BytesIO()
    book.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for entry in source.infolist():
            if entry.filename != SHEET:
                z.writestr(entry, source.read(entry))
        with z.open(SHEET, "w") as sheet:
            sheet.write(HEAD.encode())
            write_rows(sheet)
            sheet.write(TAIL.encode())
    return out.getvalue()


def header_row() -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in COLUMNS)
    return f"<row>{cells}</row>".encode()


def million_rows(count):
    def write(sheet):
        sheet.write(header_row())
        chunk = b'<row><c t="inlineStr"><is><t>1</t></is></c></row>' * 10_000
        for _ in range(count // 10_000):
            sheet.write(chunk)

    return write


def one_huge_cell(megabytes):
    def write(sheet):
        sheet.write(header_row())
        sheet.write(b'<row><c t="inlineStr"><is><t>')
        block = b"a" * 2**20
        for _ in range(megabytes):
            sheet.write(block)
        sheet.write(b"</t></is></c></row>")

    return write


def refused_within_bounds(data: bytes, name="catalogue.xlsx") -> InvalidInput:
    """Read the file through the power catalogue's reader; the refusal, timed and measured."""
    county = Region.objects.get(code="330402")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(InvalidInput) as refusal:
            read_power_item_file(data, name, county)
        seconds = time.monotonic() - started
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert seconds < 2, seconds
    assert peak < 200 * 2**20, peak
    assert grown_kb < 200 * 1024, grown_kb
    return refusal.value


@pytest.mark.django_db
def test_a_workbook_of_four_million_rows_is_refused_within_2_seconds_and_200_mb(english):
    bomb = workbook_with_sheet(million_rows(4_000_000))
    assert len(bomb) < 1_000_000  # what the person uploads is small
    refusal = refused_within_bounds(bomb)
    assert "unzips to more than" in str(refusal.message)


@pytest.mark.django_db
def test_a_workbook_with_a_400_mb_cell_is_refused_within_2_seconds_and_200_mb(english):
    refusal = refused_within_bounds(workbook_with_sheet(one_huge_cell(400)))
    assert "unzips to more than" in str(refusal.message)


@pytest.mark.django_db
def test_rows_beyond_the_bound_are_refused_while_reading(monkeypatch, english):
    monkeypatch.setattr(csvfiles, "MAX_ROWS", 1_000)
    refusal = refused_within_bounds(workbook_with_sheet(million_rows(200_000)))
    assert "more than 1000 rows" in str(refusal.message)


@pytest.mark.django_db
def test_a_cell_longer_than_the_bound_is_refused_with_its_row(monkeypatch, english):
    monkeypatch.setattr(csvfiles, "MAX_CELL_LENGTH", 1000)
    refusal = refused_within_bounds(workbook_with_sheet(one_huge_cell(1)))
    assert str(refusal.message) == "row 2 has a cell longer than 1000 characters."


def test_a_csv_line_with_too_many_columns_is_refused(english):
    text = ",".join(["a"] * (csvfiles.MAX_COLUMNS + 1))
    with pytest.raises(InvalidInput, match="columns"):
        list(csvfiles.csv_records(text))


def test_a_file_of_many_bad_rows_reports_the_first_thousand_and_how_many_more(english):
    records = [(1, ["a"]), *((n, ["a", "b"]) for n in range(2, 1_502))]
    rows, problems = csvfiles.parse_records(records, ["a"], lambda n, cells: (cells, []))
    assert rows == [] and len(problems) == csvfiles.MAX_PROBLEMS + 1
    assert problems[0]["line"] == 2 and problems[999]["line"] == 1_001
    assert problems[-1]["reason"] == "and 500 more problems not listed"


def test_a_workbooks_rows_are_numbered_as_the_sheet_numbers_them():
    book = Workbook()
    sheet = book.active
    sheet["A3"], sheet["B3"] = COLUMNS[0], COLUMNS[1]
    sheet["A7"] = "X-1"
    out = io.BytesIO()
    book.save(out)
    records = list(csvfiles.xlsx_records(out.getvalue()))
    assert [number for number, _cells in records if any(_cells)] == [3, 7]
