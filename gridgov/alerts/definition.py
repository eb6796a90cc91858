"""What a warning rule says, as JSON, and the typed parser that checks it.

A definition reads:

    {
      "signals": {"sources": ["complaints"], "kinds": ["0201"]},
      "condition": {"type": "count", "at_least": 3},
      "window": {"days": 7},
      "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 200},
      "time_of_day": {"from": "22:00", "to": "06:00"},
      "filing": "ignore",
      "action": {"type": "inspection", "scenario": "YJZF"}
    }

- signals: the source codes and signal kinds it listens to (either may be empty: any); a kind
  ending in "*" matches every kind it begins (e.g. "06*" for all market complaints).
- condition: `count` (at_least signals in the window), `threshold` (a value at_least or at_most
  a limit), `duration` (the limit passed continuously for `minutes`, readings at most
  `max_gap_minutes` apart, per device), `repeated` (at_least warnings of the named `rules` —
  any other rule when empty — at one target in the window).
- window: {"minutes": n}, {"days": n} or {"calendar": "day" | "week" | "month"}.
- scope: `near_targets` (targets of the kinds within radius_m of the signal), `near_point`
  (within radius_m of lon/lat), `own_target` (the target the signal names).
- time_of_day: local hours during which signals count; may cross midnight.
- filing: `ignore`, `require` (only while a valid night-construction filing covers the
  target), `forbid` (only while none does).
- action: `inspection` of a scenario (by code), or `event` of a category (by code) with a
  priority, optionally handed to the county's command centre (`"level": "county"`).

`parse` returns a `Definition` or raises InvalidInput listing every problem with its field.
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput
from gridgov.events.choices import Priority
from gridgov.inspections.choices import TargetKind

from .choices import ActionType, ConditionType, FilingCondition, ScopeType

MAX_WINDOW_DAYS = 366
MAX_RADIUS_M = 5000
MAX_COUNT = 10_000
CALENDAR_UNITS = ("day", "week", "month")
KIND_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,32}\*?")
TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
SECTIONS = ("signals", "condition", "window", "scope", "time_of_day", "filing", "action")


@dataclass(frozen=True)
class Definition:
    sources: tuple[str, ...]
    kinds: tuple[str, ...]
    condition: str
    at_least: float | None  # a count (count, repeated) or a value (threshold, duration)
    at_most: float | None  # a value (threshold, duration)
    minutes: int | None  # duration: how long the limit must be passed
    max_gap_minutes: int  # duration: longer silences break the run
    rules: tuple[int, ...]  # repeated: whose warnings count
    window_seconds: int | None  # a sliding window
    window_calendar: str | None  # or a calendar day, week or month
    scope: str
    target_kinds: tuple[str, ...]
    radius_m: float | None
    point: tuple[float, float] | None
    night: tuple[int, int] | None  # minutes of the day, [from, to)
    filing: str
    action: str
    scenario: str
    category: str
    priority: str
    to_county: bool

    @property
    def counts(self) -> bool:
        return self.condition in (ConditionType.COUNT, ConditionType.REPEATED)

    def passes(self, value) -> bool:
        """Whether a value passes the threshold (threshold and duration conditions)."""
        if value is None:
            return False
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.at_most is not None and value > self.at_most)


class _Problems:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})


def _section(raw: dict, name: str, problems: _Problems, required=True) -> dict:
    value = raw.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        problems.add(name, _("Give this part as an object."))
        return {}
    return value


def _number(value, field, problems, *, low, high, integer=False):
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(field, _("Give a number."))
        return None
    if not math.isfinite(value) or not low <= value <= high:
        problems.add(
            field, _("Give a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
        return None
    if integer and value != int(value):
        problems.add(field, _("Give a whole number."))
        return None
    return int(value) if integer else float(value)


def _codes(value, field, problems, pattern=KIND_PATTERN) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.add(field, _("Give a list of codes."))
        return ()
    bad = [v for v in value if not pattern.fullmatch(v)]
    if bad:
        problems.add(field, _("Not a valid code: %(code)s.") % {"code": ", ".join(bad[:3])})
    if len(value) > 50:
        problems.add(field, _("At most 50 codes."))
    return tuple(dict.fromkeys(value))


def _clock(value, field, problems) -> int | None:
    match = TIME_PATTERN.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        problems.add(field, _("Give a time of day as HH:MM, e.g. 22:00."))
        return None
    return int(match[1]) * 60 + int(match[2])


def _signals(raw, condition: str, problems):
    # A repeated-warnings rule listens to the warnings' own signals, and names no others.
    section = _section(raw, "signals", problems, required=condition != ConditionType.REPEATED)
    sources = _codes(
        section.get("sources"), "signals.sources", problems, re.compile(r"[-\w]{1,32}")
    )
    kinds = _codes(section.get("kinds"), "signals.kinds", problems)
    return sources, kinds


def _condition(raw, problems) -> dict:
    section = _section(raw, "condition", problems)
    kind = section.get("type")
    out = {"condition": kind, "at_least": None, "at_most": None, "minutes": None,
           "max_gap_minutes": 5, "rules": ()}  # fmt: skip
    if kind not in ConditionType.values:
        problems.add("condition.type", _("Use count, threshold, duration or repeated."))
        return out
    if kind in (ConditionType.COUNT, ConditionType.REPEATED):
        out["at_least"] = _number(
            section.get("at_least"), "condition.at_least", problems,
            low=1, high=MAX_COUNT, integer=True,
        )  # fmt: skip
    else:
        for bound in ("at_least", "at_most"):
            if section.get(bound) is not None:
                out[bound] = _number(
                    section[bound], f"condition.{bound}", problems, low=-1e9, high=1e9
                )
        if section.get("at_least") is None and section.get("at_most") is None:
            problems.add("condition.at_least", _("Give the limit: at_least or at_most."))
    if kind == ConditionType.DURATION:
        out["minutes"] = _number(
            section.get("minutes"), "condition.minutes", problems, low=1, high=24 * 60,
            integer=True,
        )  # fmt: skip
        if section.get("max_gap_minutes") is not None:
            out["max_gap_minutes"] = _number(
                section["max_gap_minutes"], "condition.max_gap_minutes", problems,
                low=1, high=120, integer=True,
            ) or 5  # fmt: skip
    if kind == ConditionType.REPEATED:
        rules = section.get("rules") or []
        if not isinstance(rules, list) or not all(
            isinstance(r, int) and not isinstance(r, bool) and r > 0 for r in rules
        ):
            problems.add("condition.rules", _("Give the rules as a list of their numbers."))
            rules = []
        out["rules"] = tuple(rules)
    return out


def _window(raw, condition: str, problems) -> tuple[int | None, str | None]:
    needed = condition in (ConditionType.COUNT, ConditionType.REPEATED)
    section = _section(raw, "window", problems, required=needed)
    if not section:
        return None, None
    given = [k for k in ("minutes", "days", "calendar") if section.get(k) is not None]
    if len(given) != 1:
        problems.add("window", _("Give the window as minutes, days or a calendar period."))
        return None, None
    if given[0] == "calendar":
        if section["calendar"] not in CALENDAR_UNITS:
            problems.add("window.calendar", _("Use day, week or month."))
            return None, None
        return None, section["calendar"]
    high = MAX_WINDOW_DAYS * (1440 if given[0] == "minutes" else 1)
    n = _number(section[given[0]], f"window.{given[0]}", problems, low=1, high=high, integer=True)
    if n is None:
        return None, None
    return n * (60 if given[0] == "minutes" else 86400), None


def _scope(raw, condition: str, problems) -> dict:
    section = _section(raw, "scope", problems, required=condition != ConditionType.REPEATED)
    kind = section.get("type")
    out = {"scope": kind, "target_kinds": (), "radius_m": None, "point": None}
    if condition == ConditionType.REPEATED:
        kind = out["scope"] = kind or ScopeType.OWN_TARGET
        if kind != ScopeType.OWN_TARGET:
            problems.add("scope.type", _("Repeated warnings are counted at their own target."))
    if kind not in ScopeType.values:
        problems.add("scope.type", _("Use near_targets, near_point or own_target."))
        return out
    kinds = section.get("target_kinds") or []
    if not isinstance(kinds, list) or not set(kinds) <= set(TargetKind.values):
        problems.add("scope.target_kinds", _("Unknown kind of target."))
        kinds = []
    out["target_kinds"] = tuple(dict.fromkeys(kinds))
    if kind == ScopeType.NEAR_TARGETS and not kinds:
        problems.add("scope.target_kinds", _("Pick the kinds of target."))
    if kind in (ScopeType.NEAR_TARGETS, ScopeType.NEAR_POINT):
        out["radius_m"] = _number(
            section.get("radius_m"), "scope.radius_m", problems, low=1, high=MAX_RADIUS_M
        )
    if kind == ScopeType.NEAR_POINT:
        lon = _number(section.get("lon"), "scope.lon", problems, low=-180, high=180)
        lat = _number(section.get("lat"), "scope.lat", problems, low=-90, high=90)
        out["point"] = (lon, lat) if lon is not None and lat is not None else None
    return out


def _time_of_day(raw, problems) -> tuple[int, int] | None:
    section = _section(raw, "time_of_day", problems, required=False)
    if not section:
        return None
    start = _clock(section.get("from"), "time_of_day.from", problems)
    end = _clock(section.get("to"), "time_of_day.to", problems)
    if start is not None and start == end:
        problems.add("time_of_day.to", _("The hours must not start and end at the same time."))
    return (start, end) if start is not None and end is not None else None


def _action(raw, problems) -> dict:
    section = _section(raw, "action", problems)
    kind = section.get("type")
    out = {"action": kind, "scenario": "", "category": "", "priority": Priority.NORMAL,
           "to_county": False}  # fmt: skip
    if kind == ActionType.INSPECTION:
        code = section.get("scenario")
        if not isinstance(code, str) or not 0 < len(code) <= 32:
            problems.add("action.scenario", _("Give the scenario's code."))
        else:
            out["scenario"] = code
    elif kind == ActionType.EVENT:
        code = section.get("category")
        if not isinstance(code, str) or not 0 < len(code) <= 16:
            problems.add("action.category", _("Give the event category's code."))
        else:
            out["category"] = code
        priority = section.get("priority", Priority.NORMAL)
        if priority not in Priority.values:
            problems.add("action.priority", _("Unknown priority."))
        else:
            out["priority"] = priority
        level = section.get("level", "town")
        if level not in ("town", "county"):
            problems.add("action.level", _("Use town or county."))
        out["to_county"] = level == "county"
    else:
        problems.add("action.type", _("Use inspection or event."))
    return out


def parse(raw) -> Definition:
    """Check a definition as a whole and return it typed; InvalidInput lists every problem."""
    problems = _Problems()
    if not isinstance(raw, dict):
        raise InvalidInput(
            _("The rule is not valid."),
            details=[{"field": "definition", "message": _("Give the rule as a JSON object.")}],
        )
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        problems.add(unknown[0], _("Unknown part of a rule: %(name)s.") % {"name": unknown[0]})
    condition = _condition(raw, problems)
    sources, kinds = _signals(raw, condition["condition"], problems)
    window_seconds, window_calendar = _window(raw, condition["condition"], problems)
    scope = _scope(raw, condition["condition"], problems)
    night = _time_of_day(raw, problems)
    filing = raw.get("filing", FilingCondition.IGNORE)
    if filing not in FilingCondition.values:
        problems.add("filing", _("Use ignore, require or forbid."))
    elif filing != FilingCondition.IGNORE and scope["scope"] == ScopeType.NEAR_POINT:
        problems.add("filing", _("A filing is checked at a target; this rule watches a point."))
    action = _action(raw, problems)
    if action["action"] == ActionType.INSPECTION and scope["scope"] == ScopeType.NEAR_POINT:
        problems.add("action.type", _("An inspection visits a target; this rule watches a point."))
    if condition["condition"] == ConditionType.REPEATED:
        sources = ()  # the warnings' own signals; see engine.WARNING_SOURCE
        kinds = ()
    elif not sources and not kinds:
        problems.add("signals", _("Name the sources or the kinds of signal the rule listens to."))
    if problems.items:
        raise InvalidInput(_("The rule is not valid."), details=problems.items)
    return Definition(
        sources=sources,
        kinds=kinds,
        window_seconds=window_seconds,
        window_calendar=window_calendar,
        night=night,
        filing=filing,
        **condition,
        **scope,
        **action,
    )


def in_hours(night: tuple[int, int] | None, minute_of_day: int) -> bool:
    """Whether a local minute of the day lies in [from, to), which may cross midnight."""
    if night is None:
        return True
    start, end = night
    if start < end:
        return start <= minute_of_day < end
    return minute_of_day >= start or minute_of_day < end
