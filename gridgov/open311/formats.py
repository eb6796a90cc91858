"""GeoReport v2 answers in JSON or XML, and its error shape, in one place."""

import json
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from django.http import HttpResponse
from django.utils.translation import gettext as _

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# Characters XML 1.0 cannot carry at all (ElementTree writes them as they are, and the
# document is then not well-formed): control characters but tab and line breaks, lone
# surrogates, U+FFFE and U+FFFF. A title or an echoed parameter may hold them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """An error as GeoReport v2 reports it: an HTTP status, a code and a description."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status, self.description = status, description


def respond(fmt: str, body, *, root: str, item: str, status: int = 200) -> HttpResponse:
    """`body` is a list of dicts (or one dict, for discovery): JSON as is, XML as
    <root><item>…</item>…</root> with the spec's element names."""
    if fmt == "json":
        text = json.dumps(body, ensure_ascii=False, default=str)
    else:
        element = Element(root)
        for row in body if isinstance(body, list) else [body]:
            _fill(SubElement(element, item) if item else element, row)
        text = '<?xml version="1.0" encoding="utf-8"?>' + tostring(element, "unicode")
    return HttpResponse(text, status=status, content_type=FORMATS[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    body = [{"code": status, "description": description}]
    return respond(
        fmt if fmt in FORMATS else "json", body, root="errors", item="error", status=status
    )


def _fill(element: Element, value) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _fill(SubElement(element, key), inner)
    elif isinstance(value, list):
        # Lists are wrapped by their parent's name in the singular: <values><value>…
        singular = element.tag[:-1] if element.tag.endswith("s") else "item"
        for inner in value:
            _fill(SubElement(element, singular), inner)
    elif value is None:
        element.text = ""
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = NOT_XML.sub("", str(value))


def unknown_format() -> HttpResponse:
    return error("json", 404, _("Formats are json and xml."))
