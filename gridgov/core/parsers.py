"""JSON with a bound on nesting: every JSON body the application reads goes through here.

Python's decoder recurses once per level, so a 2 KB body of a thousand "[" exhausts the
interpreter's recursion limit (RecursionError: a 500 on any JSON endpoint, anonymous ones too).
The depth is measured first, without recursion, and a body deeper than
GRIDGOV_JSON_MAX_DEPTH is refused like any other malformed body.
"""

import json
import re
from itertools import accumulate

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils.json import strict_constant

# A string literal, escapes included (the unrolled form: linear, whatever the string holds).
STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooDeep(ValueError):
    """A JSON document nested deeper than allowed (a ValueError, as other malformed JSON)."""

    def __init__(self, limit: int):
        super().__init__(_("The JSON is nested more than %(max)d levels deep.") % {"max": limit})


def too_deep(raw: bytes | str, limit: int) -> bool:
    """Whether the arrays and objects of `raw` nest deeper than `limit` (brackets inside
    strings not counted). Linear, and without recursion."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    brackets = STRING.sub(b"", data).translate(None, NOT_A_BRACKET)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False  # too few openings to go that deep: no need to walk them
    return max(accumulate(STEP[b] for b in brackets)) > limit


def loads(raw: bytes | str, **kwargs):
    """json.loads, refusing (TooDeep, a ValueError) documents nested deeper than
    GRIDGOV_JSON_MAX_DEPTH."""
    limit = settings.GRIDGOV_JSON_MAX_DEPTH
    if too_deep(raw, limit):
        raise TooDeep(limit)
    return json.loads(raw, **kwargs)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth bound: a too deep body is a 400 (ParseError)."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(encoding)
            constant = strict_constant if self.strict else None
            return loads(text, parse_constant=constant)
        except ValueError as exc:  # UnicodeDecodeError and TooDeep are ValueErrors too
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from None
