"""The questions a canvass's visit asks of each person (`Canvass.form`), checked when saved,
and one person's answers checked against them.

A form is a list of fields: {"key", "label", "type", "choices", "default", "required"}, of
type choice, text, date, bool or photo. Every field has a default, and the defaults say "at
home, all well": a person whose answers are omitted gets them, so the common visit is one tap
for the whole household and a person who differs needs a tap or three.
"""

import datetime as dt
import re

from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput, field_problem

TYPES = ("choice", "text", "date", "bool", "photo")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_FIELDS = 30
MAX_CHOICES = 20
MAX_TEXT = 500

# 在家/外出/在外地, test status and date, contacts, back from elsewhere, needs, free text.
DEFAULT_FORM = [
    {"key": "whereabouts", "label": "去向", "type": "choice",
     "choices": ["在家", "外出", "在外地"], "default": "在家", "required": True},
    {"key": "test_status", "label": "检测情况", "type": "choice",
     "choices": ["阴性", "未检测", "阳性", "隔离中"], "default": "阴性", "required": True},
    {"key": "test_date", "label": "检测日期", "type": "date", "default": "", "required": False},
    {"key": "contact", "label": "密接情况", "type": "choice",
     "choices": ["无", "密接", "次密接"], "default": "无", "required": True},
    {"key": "returned", "label": "外地返回", "type": "bool", "default": False, "required": False},
    {"key": "needs", "label": "需求", "type": "text", "default": "", "required": False},
    {"key": "note", "label": "备注", "type": "text", "default": "", "required": False},
]  # fmt: skip


def check_form(form) -> list[dict]:
    """The form as stored (defaults filled in), or InvalidInput with every problem by field."""
    if not isinstance(form, list) or not 0 < len(form) <= MAX_FIELDS:
        raise InvalidInput(
            _("The visit form is a list of 1 to %(n)d fields.") % {"n": MAX_FIELDS},
            details=[field_problem("form", _("Give the form as a list of fields."))],
        )
    problems, keys, checked = [], set(), []
    for index, field in enumerate(form):
        where = f"form[{index}]"
        if not isinstance(field, dict):
            problems.append(field_problem(where, _("A field is an object.")))
            continue
        checked.append(_check_field(field, where, keys, problems))
    if problems:
        raise InvalidInput(_("The visit form is not valid."), details=problems)
    return checked


def _check_field(field: dict, where: str, keys: set, problems: list) -> dict:
    key, kind = field.get("key"), field.get("type")
    label = str(field.get("label") or "").strip()
    if not isinstance(key, str) or not KEY.match(key):
        problems.append(field_problem(f"{where}.key", _("A key is lowercase letters, digits, _.")))
    elif key in keys:
        problems.append(field_problem(f"{where}.key", _("The key appears twice.")))
    keys.add(key)
    if not label or len(label) > 40:
        problems.append(field_problem(f"{where}.label", _("A label of 1 to 40 characters.")))
    if kind not in TYPES:
        problems.append(
            field_problem(f"{where}.type", _("One of: %(types)s.") % {"types": ", ".join(TYPES)})
        )
        return field
    out = {"key": key, "label": label, "type": kind, "required": bool(field.get("required"))}
    if kind == "choice":
        choices = field.get("choices")
        if (
            not isinstance(choices, list)
            or not 0 < len(choices) <= MAX_CHOICES
            or not all(isinstance(c, str) and c.strip() for c in choices)
            or len(set(choices)) != len(choices)
        ):
            problems.append(
                field_problem(f"{where}.choices", _("A list of distinct, non-empty choices."))
            )
            return out
        out["choices"] = choices
    default = field.get("default", _empty(kind))
    try:
        out["default"] = _value(out, default)
    except ValueError as error:
        problems.append(field_problem(f"{where}.default", str(error)))
    return out


def _empty(kind: str):
    return False if kind == "bool" else ""


def _value(field: dict, value):
    """One answer in its stored form, or ValueError with the reason."""
    kind = field["type"]
    if kind == "choice":
        if value not in ("", None) and value not in field["choices"]:
            raise ValueError(_("Not one of the choices."))
        return value or ""
    if kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(_("Yes or no (true/false)."))
        return value
    if kind == "date":
        if value in ("", None):
            return ""
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == "photo":  # the number of one of the visit's photos, or none
        if value in ("", None):
            return ""
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(_("The number of one of the visit's photos."))
        return value
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ValueError(_("Text of at most %(n)d characters.") % {"n": MAX_TEXT})
    return value.strip()


def defaults(form: list[dict]) -> dict:
    """The answers of a person nothing was said about: at home, all well."""
    return {field["key"]: field.get("default", _empty(field["type"])) for field in form}


def answers_for(form: list[dict], given, *, where: str, photos: int = 0) -> dict:
    """One person's answers: the defaults, with what was given checked and put over them.
    InvalidInput names `where.<key>` for each problem."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise InvalidInput(
            _("The answers are not valid."),
            details=[field_problem(where, _("Answers are an object of key: value."))],
        )
    by_key = {field["key"]: field for field in form}
    values, problems = defaults(form), []
    for key, value in given.items():
        field = by_key.get(key)
        if field is None:
            problems.append(field_problem(f"{where}.{key}", _("The form has no such question.")))
            continue
        try:
            values[key] = _value(field, value)
        except ValueError as error:
            problems.append(field_problem(f"{where}.{key}", str(error)))
            continue
        if field["type"] == "photo" and values[key] != "" and values[key] >= photos:
            problems.append(field_problem(f"{where}.{key}", _("No such photo in this visit.")))
    for field in form:
        if field["required"] and values[field["key"]] in ("", None):
            problems.append(field_problem(f"{where}.{field['key']}", _("This is required.")))
    if problems:
        raise InvalidInput(_("The answers are not valid."), details=problems)
    return values
