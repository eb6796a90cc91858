"""Writing tables people open in Excel: .xlsx workbooks, and CSV in UTF-8 with the byte-order
mark Excel needs to show Chinese. What core.csvfiles reads, this writes."""

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
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
    out = io.BytesIO()
    write_workbook(out, [(title, header, rows)])
    return out.getvalue()


def write_workbook(out, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]]) -> None:
    """A workbook of one sheet per (title, header, rows), written to the file `out` as the
    rows come (openpyxl's write-only mode: a million rows never sit in memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])

        def cell(value, sheet=sheet):
            written = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl takes a text starting with "=" for a formula; ours never is one.
                written.data_type = "s"
            elif isinstance(value, datetime.date):
                written.number_format = "yyyy-mm-dd"
            return written

        sheet.append([cell(h) for h in header])
        for row in rows:
            sheet.append([cell(value) for value in row])
    workbook.save(out)


def write_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return b"".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence], *, lines=1000) -> Iterator[bytes]:
    """The CSV file in pieces of `lines` rows, byte-order mark first."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_guarded(value) for value in row])
        if number % lines == 0:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode("utf-8")


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


def streaming_table_response(
    fmt: str, filename: str, header: Sequence[str], rows: Iterable[Sequence], *, title="", more=()
):
    """A download of a table too big to build in memory (an area's residents): CSV streamed
    as the rows come; a workbook written to a temporary file as they come, then sent. `more`:
    further sheets of a workbook, (title, header, rows) each."""
    disposition = content_disposition_header(True, f"{filename}.{fmt}")
    if fmt == CSV:
        response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CONTENT_TYPES[fmt])
    elif fmt == XLSX:
        spooled = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
        write_workbook(spooled, [(title, header, rows), *more])
        spooled.seek(0)
        response = FileResponse(spooled, content_type=CONTENT_TYPES[fmt])
    else:
        raise ValueError(f"Unknown table format {fmt!r}.")
    response["Content-Disposition"] = disposition
    return response
