"""A report's two files: the workbook (through `core.exports`) and the PDF (HTML rendered by
WeasyPrint, charts as inline SVG).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and, for Chinese, CJK
fonts (fonts-noto-cjk); `scripts/bootstrap-venv` installs them where it runs as root. Without
them a report fails with a message that says what to install, never with a PDF of empty boxes.
"""

import io
import re
import zlib

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from gridgov.core.errors import GridGovError
from gridgov.core.exports import write_workbook

from .charts import svg
from .figures import ReportData

SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"
CJK_FONT = re.compile(rb"CJK|Han[Ss]ans|Hei|Song|Ming|WenQuanYi|Kai", re.IGNORECASE)


class PdfUnavailable(GridGovError):
    status_code = 503
    code = "pdf_unavailable"


def workbook(title: str, data: ReportData) -> bytes:
    """One sheet of every figure, then a sheet per chart (its labels down, a column a series)."""
    sheets = [
        (
            _("Figures"),
            [_("Area"), _("Figure"), _("Value"), _("Unit")],
            [(r["tile"], r["label"], r["value"], r["unit"]) for r in data.figure_rows()],
        )
    ]
    names = {sheets[0][0]}
    for tile in data.tiles:
        for chart in tile.charts:
            name = _unique_sheet_name(f"{tile.label}-{chart.title}", names)
            header = [_("Label"), *(s.label for s in chart.series)]
            rows = [
                [label, *(s.values[i] if i < len(s.values) else None for s in chart.series)]
                for i, label in enumerate(chart.labels)
            ]
            sheets.append((name, header, rows))
    out = io.BytesIO()
    write_workbook(out, sheets)
    return out.getvalue()


def _unique_sheet_name(name: str, taken: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", name)[:28] or "Sheet"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[:25]}~{n}"
    taken.add(candidate)
    return candidate


def pdf(title: str, subtitle: str, data: ReportData) -> bytes:
    tiles = [
        {"label": t.label, "figures": t.figures, "charts": [svg(c) for c in t.charts]}
        for t in data.tiles
    ]
    html = render_to_string(
        "reports/report_pdf.html",
        {"title": title, "subtitle": subtitle, "tiles": tiles, "problems": data.problems},
    )
    try:
        from weasyprint import HTML
    except OSError as missing:  # Pango's shared libraries are not installed
        raise PdfUnavailable(
            _("PDF reports need Pango: install %(packages)s.") % {"packages": SYSTEM_PACKAGES}
        ) from missing
    document = HTML(string=html).write_pdf()
    if not any(CJK_FONT.search(name) for name in embedded_fonts(document)):
        raise PdfUnavailable(
            _("PDF reports need Chinese fonts: install %(packages)s.")
            % {"packages": SYSTEM_PACKAGES}
        )
    return document


def pdf_streams(document: bytes) -> list[bytes]:
    """The PDF's streams, inflated where they are compressed."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", document, re.S):
        try:
            found.append(zlib.decompress(stream))
        except zlib.error:
            found.append(stream)
    return found


def embedded_fonts(document: bytes) -> list[bytes]:
    """The names of the fonts a PDF embeds (WeasyPrint keeps them in object streams)."""
    text = document + b"".join(pdf_streams(document))
    return re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", text)


def text_mapped(document: bytes) -> str:
    """Every character the PDF's ToUnicode maps name: the text it can show (for checking
    that the Chinese is there)."""
    chars = []
    for stream in pdf_streams(document):
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
            for code in re.findall(rb"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block):
                chars.append(bytes.fromhex(code.decode()).decode("utf-16-be", "replace"))
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
            for lo, hi, start in re.findall(
                rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block
            ):
                first = int(start, 16)
                chars.extend(chr(first + i) for i in range(int(hi, 16) - int(lo, 16) + 1))
    return "".join(chars)
