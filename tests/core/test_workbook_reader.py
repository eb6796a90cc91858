"""The workbook reader (python-calamine): cells as people see them, bounds that an import of
big ledgers may raise, and workbooks that lie about their size refused before they are parsed."""

import datetime
import io
import zipfile

import pytest
from openpyxl import Workbook

from gridgov.core import csvfiles
from gridgov.core.csvfiles import Limits, file_records, xlsx_records
from gridgov.core.errors import InvalidInput

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows, *, start="A1") -> bytes:
    book = Workbook()
    sheet = book.active
    first = sheet[start]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            sheet.cell(row=first.row + r, column=first.column + c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_cells_read_as_the_sheet_shows_them():
    data = workbook(
        [
            ["编号", "日期", "数", "时刻", "是否"],
            [330402.0, datetime.date(2024, 3, 1), 1.5, datetime.time(8, 30), True],
            [" 嘉兴 ", datetime.datetime(2024, 3, 1, 9, 15), 7, None, False],
        ]
    )
    assert list(xlsx_records(data)) == [
        (1, ["编号", "日期", "数", "时刻", "是否"]),
        (2, ["330402", "2024-03-01", "1.5", "08:30:00", "true"]),
        (3, ["嘉兴", "2024-03-01 09:15:00", "7", "", "false"]),
    ]


def test_empty_columns_before_the_table_are_kept_as_the_sheet_shows_them():
    records = list(xlsx_records(workbook([["a", "b"], ["1", "2"]], start="B2")))
    assert records == [(1, []), (2, ["", "a", "b"]), (3, ["", "1", "2"])]


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese():
    with pytest.raises(InvalidInput) as refusal:
        list(file_records(b"not a zip at all", "ledger.xlsx"))
    assert str(refusal.value.message) == "文件不是 Excel 工作簿（.xlsx）。"


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InvalidInput):
        list(xlsx_records(out.getvalue()))


def test_a_workbook_whose_sheet_inflates_past_its_stated_size_is_refused(english):
    data = workbook([["a"], *([str(n)] for n in range(2_000))])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as z:
        for entry in source.infolist():
            z.writestr(entry, source.read(entry), compress_type=zipfile.ZIP_DEFLATED)
        z.getinfo(SHEET).file_size = 100  # the central directory understates the sheet
    with pytest.raises(InvalidInput) as refusal:
        list(xlsx_records(out.getvalue()))
    assert str(refusal.value.message) == "The file is not an Excel workbook (.xlsx)."


def test_the_bounds_are_parameters_with_the_modules_values_as_defaults(english):
    data = workbook([["a"], *([str(n)] for n in range(300))])
    with pytest.raises(InvalidInput, match="more than 100 rows"):
        list(xlsx_records(data, Limits.default(rows=100)))
    assert len(list(xlsx_records(data, Limits.default(rows=1_000)))) == 301
    with pytest.raises(InvalidInput, match="unzips to more than 0 MB"):
        list(xlsx_records(data, Limits.default(unzipped_bytes=1_000)))


def test_the_default_bounds_follow_the_module(monkeypatch, english):
    monkeypatch.setattr(csvfiles, "MAX_ROWS", 10)
    with pytest.raises(InvalidInput, match="more than 10 rows"):
        list(csvfiles.csv_records("a\n" * 20))
