"""Writing tables people open in Excel: .xlsx workbooks, and CSV in UTF-8 with the byte-order
mark Excel needs to show Chinese. What core.csvfiles reads, this writes."""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .csvfiles import FORMULA_GUARD, FORMULA_STARTS

XLSX = "xlsx"
CSV = "csv"
CONTENT_TYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)


def write_table(fmt: str, header: Sequence[str], rows: Iterable[Sequence], *, title="") -> bytes:
    if fmt == XLSX:
        return write_xlsx(header, rows, title=title)
    if fmt == CSV:
        return write_csv(header, rows)
    raise ValueError(f"Unknown table format {fmt!r}.")


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], *, title="") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])

    def cell(value):
        written = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl takes a text starting with "=" for a formula; a cell of ours never is one.
            written.data_type = "s"
        elif isinstance(value, datetime.date):
            written.number_format = "yyyy-mm-dd"
        return written

    sheet.append([cell(h) for h in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_guarded(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _guarded(value) -> str:
    """A cell's text, with a leading apostrophe where a spreadsheet would otherwise run it as a
    formula (CSV injection)."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return FORMULA_GUARD + text if text.startswith(FORMULA_STARTS) else text


def table_response(
    fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title=""
) -> HttpResponse:
    """A download of the table; `filename` without its extension (Chinese is fine)."""
    response = HttpResponse(
        write_table(fmt, header, rows, title=title), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response
