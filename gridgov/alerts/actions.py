"""Every write to early warnings: signal sources, the signal intake, rules and their versions,
and warnings — raised by the worker with their follow-up inspection or event, then handled,
closed or dismissed through the closed-loop engine.

Each action checks its input first and changes nothing when it refuses.
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import (
    Conflict,
    GridGovError,
    InvalidInput,
    NotFound,
    NotPermitted,
    field_problem,
    stored_id,
)
from gridgov.core.numbers import next_number
from gridgov.core.registry import publish
from gridgov.events.actions import ReportData, do_escalate_event, do_report_event
from gridgov.events.choices import EventSource
from gridgov.events.routing import active_category
from gridgov.inspections.actions import InspectionData, do_create_inspection
from gridgov.inspections.choices import Trigger
from gridgov.inspections.models import InspectionTarget, Scenario
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of
from gridgov.regions.choices import CRS, RegionLevel
from gridgov.regions.crs import wgs84_point
from gridgov.regions.locate import locate_point

from .choices import (
    OPEN_WARNING_STATES,
    ActionType,
    ConditionType,
    ScopeType,
    SourceKind,
    WarningStatus,
)
from .definition import Definition, parse
from .engine import WARNING_KIND, WARNING_SOURCE, Firing
from .models import Cursor, EarlyWarning, Rule, RuleVersion, Signal, SignalSource
from .selectors import units_for
from .workflow import WARNING_WORKFLOW

# The worker's name on timelines and in the audit log.
ACTOR = "system:alerts"
MAX_BATCH = 5000
MAX_PAYLOAD_BYTES = 4096
MAX_PROVENANCE = 50  # signal ids kept on a warning; signal_count says how many there were
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_AGE = timedelta(days=366)
INTAKE_LOCK = "intake"
RULES_REVISION = "rules"
CATEGORY_PATTERN = re.compile(r"[0-9A-Za-z]{1,16}\*?")


def _require(actor, capability: str) -> None:
    """Staff need the capability; the worker, commands and the demo act under a label."""
    if isinstance(actor, str):
        return
    if actor is None or not has_capability(actor, capability):
        raise NotPermitted()


def manages(actor, jurisdiction) -> bool:
    """Whether `actor` may write rules of `jurisdiction` (a county or the city): their scope
    covers it, so a county's administrators keep to their county and a city's rules are for
    the city's. The worker, commands and the demo act under a label and are not bound."""
    if isinstance(actor, str):
        return True
    return jurisdiction is not None and scope_of(actor).covers_region(jurisdiction)


def manages_sources(actor) -> bool:
    """Signal sources have no place of their own: every county's rules read them, so only
    administrators of the whole city (or above) define and change them."""
    if isinstance(actor, str):
        return True
    scope = scope_of(actor)
    return scope.everything or scope.region_level == RegionLevel.CITY


def _require_sources(actor) -> None:
    _require(actor, Capability.MANAGE_WARNING_RULES)
    if not manages_sources(actor):
        raise NotPermitted(
            _("Signal sources serve every county's rules: the city's administrators keep them.")
        )


def _require_jurisdiction(actor, jurisdiction) -> None:
    """The rule is to count in `jurisdiction`: refused when that lies outside the actor's area
    (an unknown or wrong-level region is left to check_rule's field problem)."""
    if jurisdiction is not None and not manages(actor, jurisdiction):
        raise NotPermitted(_("You may only write rules of your own area."))


def lock(name: str) -> Cursor:
    """Take (creating it the first time) the row lock of a cursor, until the transaction ends.
    On SQLite the IMMEDIATE transaction already holds the database's one write lock."""
    Cursor.objects.get_or_create(name=name)
    return Cursor.objects.select_for_update().get(name=name)


def bump(name: str) -> None:
    """Tell the worker that what it was built from has changed."""
    cursor = lock(name)
    cursor.position += 1
    cursor.save(update_fields=["position", "updated_at"])


# --- Signal sources -------------------------------------------------------------------------


@dataclass
class SourceData:
    code: str
    name: str
    kind: str
    metric: str = ""
    unit: str = ""
    min_value: float | None = None
    max_value: float | None = None
    event_categories: tuple[str, ...] = ()
    is_active: bool = True


def _check_source(data: SourceData) -> None:
    problems = []
    code = (data.code or "").strip()
    if not code or len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
        problems.append(field_problem("code", _("A code of letters, digits, - or _ (at most 32).")))
    if not (data.name or "").strip() or len(data.name) > 64:
        problems.append(field_problem("name", _("A name of at most 64 characters is required.")))
    if data.kind not in SourceKind.values or data.kind == SourceKind.WARNING:
        problems.append(field_problem("kind", _("Unknown kind of source.")))
    if len(data.metric or "") > 32 or len(data.unit or "") > 16:
        problems.append(field_problem("metric", _("The signal kind or unit is too long.")))
    low, high = data.min_value, data.max_value
    for name, value in (("min_value", low), ("max_value", high)):
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value)):
            problems.append(field_problem(name, _("Give a number.")))
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        problems.append(field_problem("max_value", _("The highest value is below the lowest.")))
    categories = list(data.event_categories or ())
    if data.kind == SourceKind.COMPLAINT and not categories:
        problems.append(field_problem("event_categories", _("Pick the event categories.")))
    if not all(isinstance(c, str) and CATEGORY_PATTERN.fullmatch(c) for c in categories):
        problems.append(
            field_problem(
                "event_categories",
                _("Not a valid code: %(code)s.")
                % {"code": ", ".join(str(c) for c in categories[:3])},
            )
        )
    if problems:
        raise InvalidInput(_("The signal source is not complete."), details=problems)


def do_create_source(data: SourceData, *, actor, builtin: bool = False) -> SignalSource:
    _require_sources(actor)
    _check_source(data)
    with transaction.atomic():
        if SignalSource.objects.filter(code=data.code.strip()).exists():
            raise Conflict(_("A signal source with this code exists already."))
        source = SignalSource.objects.create(
            code=data.code.strip(),
            name=data.name.strip(),
            kind=data.kind,
            metric=(data.metric or "").strip(),
            unit=(data.unit or "").strip(),
            min_value=data.min_value,
            max_value=data.max_value,
            event_categories=list(dict.fromkeys(data.event_categories or ())),
            is_builtin=builtin,
            is_active=data.is_active,
        )
        audit.record("alerts.create_source", actor=actor, target=source, summary=source.name)
        bump(RULES_REVISION)
    return source


def do_update_source(source: SignalSource, data: SourceData, *, actor) -> SignalSource:
    _require_sources(actor)
    _check_source(SourceData(**{**data.__dict__, "code": source.code, "kind": source.kind}))
    with transaction.atomic():
        fields = ("name", "metric", "unit", "min_value", "max_value", "is_active")
        for name in fields:
            setattr(source, name, getattr(data, name))
        source.event_categories = list(dict.fromkeys(data.event_categories or ()))
        source.save(update_fields=[*fields, "event_categories"])
        audit.record("alerts.update_source", actor=actor, target=source, summary=source.name)
        bump(RULES_REVISION)
    return source


# --- Signal intake --------------------------------------------------------------------------


class _Rows:
    """The sources, targets and ids a batch refers to, each looked up once."""

    def __init__(self, rows: list):
        rows = [r for r in rows if isinstance(r, dict)]
        codes = {r.get("source") for r in rows if isinstance(r.get("source"), str)}
        self.sources = {
            s.code: s for s in SignalSource.objects.filter(code__in=codes, is_active=True)
        }
        target_ids = {
            r["target"]
            for r in rows
            if isinstance(r.get("target"), int) and stored_id(r["target"]) is not None
        }
        self.targets = dict(
            InspectionTarget.objects.filter(pk__in=target_ids).values_list("pk", "is_active")
        )


def _number_or_none(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError
    return float(value)


def _moment(value, now) -> datetime:
    moment = parse_datetime(value) if isinstance(value, str) and len(value) <= 40 else None
    if moment is None:
        raise ValueError
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _signal_row(index: int, row, known: _Rows, now) -> tuple[dict | None, dict | None]:
    """(the row ready to insert, None) or (None, why it was refused): every problem of the
    row in `problems`, the first one also as `field` and `reason`."""
    if not isinstance(row, dict):
        return None, _refusal(index, [field_problem("", _("Each signal is a JSON object."))])
    problems: list[dict] = []

    def refuse(field_name, reason):
        problems.append(field_problem(field_name, reason))

    code = row.get("source")
    source = known.sources.get(code) if isinstance(code, str) else None
    if source is None or source.kind == SourceKind.WARNING:
        refuse("source", _("Unknown or inactive signal source."))
        source = None
    external = row.get("id")
    if isinstance(external, int) and not isinstance(external, bool):
        external = str(external)
    if not isinstance(external, str) or not 0 < len(external.strip()) <= 64:
        refuse("id", _("Give the signal's id at its source (at most 64 characters)."))
    kind = row.get("kind") or (source.metric if source else "")
    if source is not None and (not isinstance(kind, str) or not 0 < len(kind) <= 32):
        refuse("kind", _("Give the kind of signal (at most 32 characters)."))
    value, unit = _checked_value(row, source, refuse)
    try:
        observed = _moment(row.get("observed_at"), now)
        if observed > now + FUTURE_TOLERANCE or observed < now - MAX_AGE:
            refuse("observed_at", _("The time is in the future or more than a year ago."))
    except (ValueError, OverflowError):
        refuse("observed_at", _("Give the time as ISO 8601, e.g. 2026-05-01T22:15:00+08:00."))
        observed = None
    lon, lat, target = _checked_place(row, known, refuse)
    device = row.get("device") or ""
    if not isinstance(device, str) or len(device) > 64 or device.startswith("rule:"):
        refuse("device", _("The device id is not valid (at most 64 characters)."))
    payload = row.get("payload") or {}
    if not isinstance(payload, dict) or len(json.dumps(payload)) > MAX_PAYLOAD_BYTES:
        refuse("payload", _("The payload is an object of at most 4 KB."))
    if problems:
        return None, _refusal(index, problems)
    return {
        "source_id": source.pk, "external_id": external.strip(), "kind": kind, "value": value,
        "unit": unit, "observed_at": observed, "lon": lon, "lat": lat, "device": device,
        "target_id": target, "payload": payload,
    }, None  # fmt: skip


def _refusal(index: int, problems: list[dict]) -> dict:
    first = problems[0]
    return {"index": index, "field": first["field"], "reason": first["message"],
            "problems": problems}  # fmt: skip


def _checked_value(row, source, refuse) -> tuple[float | None, str]:
    """The reading and its unit, against the source's range and unit (when it is known)."""
    try:
        value = _number_or_none(row.get("value"))
    except ValueError:
        refuse("value", _("The value is not a number."))
        value = None
    else:
        if source is not None and value is None and source.kind == SourceKind.SENSOR:
            refuse("value", _("A reading needs a value."))
        if (
            source is not None
            and value is not None
            and (
                (source.min_value is not None and value < source.min_value)
                or (source.max_value is not None and value > source.max_value)
            )
        ):
            refuse("value", _("The value is outside the source's range."))
    unit = row.get("unit") or (source.unit if source else "")
    if source is not None and (not isinstance(unit, str) or (source.unit and unit != source.unit)):
        refuse("unit", _("This source's unit is %(unit)s.") % {"unit": source.unit})
    return value, unit


def _checked_place(row, known: _Rows, refuse) -> tuple[float | None, float | None, int | None]:
    """Where: a point in any CRS, a known target, or both."""
    lon = lat = None
    try:
        lon, lat = _number_or_none(row.get("lon")), _number_or_none(row.get("lat"))
        crs = row.get("crs") or CRS.WGS84
        if (lon is None) != (lat is None) or crs not in CRS.values:
            raise ValueError
        if lon is not None:
            lon, lat = wgs84_point(lon, lat, crs)
    except (TypeError, ValueError):
        refuse("location", _("The location is not a valid point."))
        lon = lat = None
        bad_point = True
    else:
        bad_point = False
    target = row.get("target")
    if isinstance(target, bool) or not isinstance(target, int | None):
        refuse("target", _("Give the target's number."))
        target = None
    elif target is not None and known.targets.get(target) is not True:
        refuse("target", _("Unknown or inactive target."))
    elif lon is None and target is None and not bad_point:
        refuse("location", _("Give a location or a target."))
    return lon, lat, target


SIGNAL_INSERT_COLUMNS = (
    "source_id", "external_id", "kind", "value", "unit", "observed_at", "lon", "lat", "device",
    "target_id", "payload", "received_at",
)  # fmt: skip


def insert_signals(rows: list[dict], now) -> int:
    """Insert checked rows with one executemany, skipping those already there (the caller
    holds the intake lock). Returns how many were new."""
    if not rows:
        return 0
    ops = connection.ops
    table = Signal._meta.db_table
    columns = ", ".join(SIGNAL_INSERT_COLUMNS)
    marks = ", ".join(["%s"] * len(SIGNAL_INSERT_COLUMNS))
    received = ops.adapt_datetimefield_value(now)
    values = [
        (
            r["source_id"], r["external_id"], r["kind"], r["value"], r["unit"],
            ops.adapt_datetimefield_value(r["observed_at"]), r["lon"], r["lat"], r["device"],
            r["target_id"], json.dumps(r["payload"], ensure_ascii=False), received,
        )
        for r in rows
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "  # noqa: S608 - our own names
            "ON CONFLICT (source_id, external_id) DO NOTHING",
            values,
        )
        # Both drivers add up the rows of every statement; skipped duplicates count 0.
        return max(cursor.rowcount, 0)


def do_feed_signals(rows: list, *, actor) -> dict:
    """Take in a batch of signals. Rows already known (by source and id, in this batch or
    before) are duplicates; bad rows are refused with their index, field and reason; the rest
    are kept. Evaluation is queued once the batch is committed."""
    _require(actor, Capability.FEED_SIGNALS)
    if not isinstance(rows, list) or not rows:
        raise InvalidInput(_("Send a signal object or a list of them."))
    if len(rows) > MAX_BATCH:
        raise InvalidInput(
            _("At most %(n)d signals in one request.") % {"n": MAX_BATCH},
            details=[field_problem("signals", _("Split the batch."))],
        )
    now = timezone.now()
    known = _Rows(rows)
    checked, rejected, duplicates, seen = [], [], [], set()
    for index, row in enumerate(rows):
        good, refusal = _signal_row(index, row, known, now)
        if refusal is not None:
            rejected.append(refusal)
            continue
        key = (good["source_id"], good["external_id"])
        if key in seen:
            duplicates.append({"index": index, "id": good["external_id"]})
            continue
        seen.add(key)
        checked.append((index, good))
    with transaction.atomic():
        lock(INTAKE_LOCK)
        existing = _existing(checked)
        fresh = []
        for index, good in checked:
            if (good["source_id"], good["external_id"]) in existing:
                duplicates.append({"index": index, "id": good["external_id"]})
            else:
                fresh.append(good)
        accepted = insert_signals(fresh, now)
        audit.record(
            "alerts.feed_signals",
            actor=actor,
            summary=f"{accepted} accepted, {len(duplicates)} duplicates, {len(rejected)} refused",
            changes={
                "accepted": accepted,
                "duplicates": len(duplicates),
                "rejected": len(rejected),
            },
        )
        if accepted:
            transaction.on_commit(_evaluate_soon)
    duplicates.sort(key=lambda d: d["index"])
    return {"accepted": accepted, "duplicates": duplicates, "rejected": rejected}


def _existing(checked) -> set:
    by_source: dict[int, list[str]] = {}
    for _index, good in checked:
        by_source.setdefault(good["source_id"], []).append(good["external_id"])
    found = set()
    for source_id, ids in by_source.items():
        for start in range(0, len(ids), 900):  # SQLite's limit on parameters
            found.update(
                Signal.objects.filter(
                    source_id=source_id, external_id__in=ids[start : start + 900]
                ).values_list("source_id", "external_id")
            )
    return found


def _evaluate_soon() -> None:
    from .jobs import enqueue_evaluation

    enqueue_evaluation()


# --- Rules ----------------------------------------------------------------------------------


@dataclass
class RuleData:
    name: str
    jurisdiction: object  # a Region: the county or city whose targets and signals count
    definition: dict
    description: str = ""
    is_active: bool = True
    note: str = ""  # what this version changes


def check_rule(data: RuleData, *, rule: Rule | None = None, actor="system") -> Definition:
    """Every problem with a rule, the definition's and the names it refers to, at once."""
    problems = []
    name = (data.name or "").strip()
    if not name or len(name) > 100:
        problems.append(field_problem("name", _("A name of at most 100 characters is required.")))
    region = data.jurisdiction
    if region is None or region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
        problems.append(field_problem("jurisdiction", _("Pick a city or a county.")))
    if len(data.note or "") > 255:
        problems.append(field_problem("note", _("The note is longer than 255 characters.")))
    try:
        definition = parse(data.definition)
    except InvalidInput as error:
        problems.extend(error.details)
        definition = None
    if definition is not None:
        problems.extend(_check_references(definition, rule, actor))
    if problems:
        raise InvalidInput(_("The rule is not valid."), details=problems)
    return definition


def _check_references(d: Definition, rule: Rule | None, actor) -> list[dict]:
    problems = []
    known = set(SignalSource.objects.filter(code__in=d.sources).values_list("code", flat=True))
    missing = [code for code in d.sources if code not in known]
    if missing:
        problems.append(
            field_problem("signals.sources", _("Unknown source: %(code)s.") % {"code": missing[0]})
        )
    if d.action == ActionType.INSPECTION:
        scenario = Scenario.objects.filter(code=d.scenario, is_active=True).first()
        if scenario is None:
            problems.append(
                field_problem("action.scenario", _("No scenario in use has this code."))
            )
        elif d.scope == ScopeType.NEAR_TARGETS and not set(d.target_kinds) <= set(
            scenario.target_kinds
        ):
            problems.append(
                field_problem(
                    "scope.target_kinds",
                    _("The scenario does not inspect every kind of target the rule watches."),
                )
            )
    if d.action == ActionType.EVENT and active_category(d.category) is None:
        problems.append(field_problem("action.category", _("No category in use has this code.")))
    if d.condition == ConditionType.REPEATED and d.rules:
        # Only rules the writer manages: another county's rules are not theirs to build on.
        found = {
            other.pk
            for other in Rule.objects.filter(pk__in=d.rules).select_related("jurisdiction")
            if manages(actor, other.jurisdiction)
        }
        if set(d.rules) - found or (rule is not None and rule.pk in d.rules):
            problems.append(field_problem("condition.rules", _("Name other, existing rules.")))
    return problems


def do_create_rule(data: RuleData, *, actor) -> Rule:
    _require(actor, Capability.MANAGE_WARNING_RULES)
    _require_jurisdiction(actor, data.jurisdiction)
    check_rule(data, actor=actor)
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        now = timezone.now()
        rule = Rule.objects.create(
            name=data.name.strip(),
            description=(data.description or "").strip(),
            jurisdiction=data.jurisdiction,
            is_active=data.is_active,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
        rule.current = RuleVersion.objects.create(
            rule=rule, number=1, definition=data.definition, note=data.note or "",
            created_by=user, created_at=now,
        )  # fmt: skip
        rule.save(update_fields=["current"])
        audit.record(
            "alerts.create_rule", actor=actor, target=rule, summary=rule.name,
            changes={"version": 1, "definition": data.definition},
        )  # fmt: skip
        bump(RULES_REVISION)
    return rule


def do_update_rule(pk, data: RuleData, *, actor, expected_version: int | None = None) -> Rule:
    """Edit a rule. A changed definition becomes a new version; the old ones stay as they were,
    with the warnings they raised."""
    _require(actor, Capability.MANAGE_WARNING_RULES)
    with transaction.atomic():
        rule = (
            Rule.objects.select_for_update(of=("self",))
            .select_related("current")
            .filter(pk=pk)
            .first()
        )
        if rule is None or not manages(actor, rule.jurisdiction):
            raise NotFound(_("No such warning rule."))  # never say that it is elsewhere
        _require_jurisdiction(actor, data.jurisdiction)
        check_rule(data, rule=rule, actor=actor)
        if expected_version is not None and rule.current.number != expected_version:
            raise Conflict()
        now = timezone.now()
        changed = data.definition != rule.current.definition
        if changed:
            rule.current = RuleVersion.objects.create(
                rule=rule, number=rule.current.number + 1, definition=data.definition,
                note=data.note or "", created_by=actor if getattr(actor, "pk", None) else None,
                created_at=now,
            )  # fmt: skip
        rule.name, rule.description = data.name.strip(), (data.description or "").strip()
        rule.jurisdiction, rule.is_active, rule.updated_at = data.jurisdiction, data.is_active, now
        rule.save(
            update_fields=["current", "name", "description", "jurisdiction", "is_active",
                           "updated_at"]
        )  # fmt: skip
        audit.record(
            "alerts.update_rule", actor=actor, target=rule, summary=rule.name,
            changes={"version": rule.current.number, "new_version": changed,
                     "is_active": rule.is_active},
        )  # fmt: skip
        bump(RULES_REVISION)
    return rule


# --- Warnings -------------------------------------------------------------------------------


def _summary(firing: Firing, target) -> str:
    where = target.name if target is not None else _("the watched place")
    text = _("%(rule)s at %(where)s: %(n)d signals from %(first)s to %(last)s") % {
        "rule": firing.rule.name,
        "where": where,
        "n": firing.signal_count,
        "first": timezone.localtime(firing.first_at).strftime("%m-%d %H:%M"),
        "last": timezone.localtime(firing.last_at).strftime("%m-%d %H:%M"),
    }
    if firing.value is not None:
        text += _(", highest %(value)s") % {"value": f"{firing.value:g}"}
    return text[:255]


def _place(warning: EarlyWarning, firing: Firing, target) -> None:
    if target is not None:
        warning.lon, warning.lat = target.lon, target.lat
        warning.place_in(target)
        return
    warning.lon, warning.lat = firing.rule.d.point
    microgrid = locate_point(warning.lon, warning.lat)
    warning.place_in(microgrid if microgrid is not None else firing.rule.region)


def open_warning_exists(rule_id: int, subject: str) -> bool:
    return EarlyWarning.objects.filter(
        rule_id=rule_id, subject=subject, status__in=OPEN_WARNING_STATES
    ).exists()


def do_raise_warning(firing: Firing, *, actor=ACTOR) -> EarlyWarning | None:
    """Raise a warning for a firing, then create its inspection or event. None when a warning
    of the same rule for the same subject is still open. What it writes (its summary, the
    event's title) is in the site's language, whoever's request or worker raises it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _raise_warning(firing, actor)


def _raise_warning(firing: Firing, actor) -> EarlyWarning | None:
    if open_warning_exists(firing.rule.rule_id, firing.subject_key):
        return None
    target = None
    if firing.target_id is not None:
        target = InspectionTarget.objects.filter(pk=firing.target_id).first()
    now = timezone.now()
    warning = EarlyWarning(
        rule_id=firing.rule.rule_id,
        rule_version_id=firing.rule.version_id,
        subject=firing.subject_key,
        target=target,
        summary=_summary(firing, target),
        signal_ids=firing.signal_ids[:MAX_PROVENANCE],
        signal_count=firing.signal_count,
        first_signal_at=firing.first_at,
        last_signal_at=firing.last_at,
        value=firing.value,
        action_type=firing.rule.d.action,
        fired_at=now,
    )
    _place(warning, firing, target)

    def number_and_follow_up(warning):
        warning.number = next_number("YJ", EarlyWarning, now)
        _follow_up(warning, firing, target, actor)

    try:
        with transaction.atomic():
            WARNING_WORKFLOW.start(
                warning, "raise", actor=actor, prepare=number_and_follow_up,
                data={"rule": firing.rule.rule_id, "version": firing.rule.version_id,
                      "signals": firing.signal_count},
            )  # fmt: skip
    except IntegrityError:  # another worker raised it a moment ago (and nothing it started stays)
        return None
    payload = {
        "title": warning.summary, "number": warning.number, "subject": warning.subject,
        "value": warning.value, "url": settings.GRIDGOV_SITE_URL + warning.get_absolute_url(),
    }  # fmt: skip
    publish("warning.raised", payload, warning.deepest_region_id)  # once the caller commits
    return warning


def _follow_up(warning: EarlyWarning, firing: Firing, target, actor) -> None:
    """Create the inspection task or event the rule asks for, or record why none could be —
    before the warning is written, in its transaction: the engine saves it with them."""
    d = firing.rule.d
    try:
        with transaction.atomic():
            if d.action == ActionType.INSPECTION:
                warning.inspection = _inspect(warning, d, target, actor)
            else:
                warning.event = _report(warning, d, actor)
    except GridGovError as error:
        reasons = [str(error.message)] + [str(p.get("message", "")) for p in error.details]
        warning.action_error = " ".join(r for r in reasons if r)[:500]


def _inspect(warning, d: Definition, target, actor):
    if target is None:
        raise InvalidInput(_("An inspection needs a target; this warning has none."))
    scenario = Scenario.objects.filter(code=d.scenario, is_active=True).first()
    if scenario is None:
        raise InvalidInput(_("The scenario %(code)s is not in use.") % {"code": d.scenario})
    return do_create_inspection(
        InspectionData(
            scenario=scenario,
            target=target,
            departments=units_for(scenario, target),
            trigger=Trigger.WARNING,
            trigger_ref=warning.number,
            note=warning.summary,
        ),
        actor=actor,
    )


def _report(warning, d: Definition, actor):
    event = do_report_event(
        ReportData(
            title=warning.summary[:100],
            category=d.category,
            lon=warning.lon,
            lat=warning.lat,
            description=warning.summary,
            address=warning.target.address if warning.target else "",
            priority=d.priority,
            source=EventSource.WARNING,
            extra={"warning": warning.number},
        ),
        actor=actor,
    )
    if d.to_county and event.command_region.level == RegionLevel.TOWN:
        event = do_escalate_event(
            event.pk, actor=actor, note=_("Repeated warnings: for the county's command centre.")
        )
    return event


def warning_signal(warning: EarlyWarning, source_id: int) -> dict:
    """The signal a warning leaves for the rules that count repeated warnings at a target."""
    return {
        "source_id": source_id, "external_id": warning.number, "kind": WARNING_KIND,
        "value": 1.0, "unit": "", "observed_at": warning.last_signal_at, "lon": warning.lon,
        "lat": warning.lat, "device": f"rule:{warning.rule_id}", "target_id": warning.target_id,
        "payload": {"rule_version": warning.rule_version_id},
    }  # fmt: skip


def warning_source_id() -> int:
    return SignalSource.objects.values_list("pk", flat=True).get(code=WARNING_SOURCE)


# The states a warning may be seen in, for the API's filter.
WARNING_STATUSES = WarningStatus.values
