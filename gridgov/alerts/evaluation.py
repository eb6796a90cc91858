"""Running the evaluator: incrementally in the worker, and over the past for a dry run.

The worker keeps one engine per process between tasks. Each batch runs in one transaction
holding the cursor's row lock: it reads the signals after the cursor, feeds them, raises the
warnings, leaves the warnings' own signals and moves the cursor — all committed together, so a
crash replays the batch rather than losing or doubling it. An engine whose position is not the
cursor's (another worker went on, or the process just started), or built from rules, targets
or filings that have changed since, is rebuilt first: its windows are refilled by replaying
the recent signals up to the cursor, without raising anything, skipping for each window the
signals its last firing used up (`RuleState`) — so it goes on as if it had never stopped.
"""

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from gridgov.core.errors import InvalidInput
from gridgov.inspections.models import InspectionTarget

from . import actions
from .choices import OPEN_WARNING_STATES
from .definition import parse
from .engine import SIGNAL_COLUMNS, WARNING_SOURCE, CompiledRule, Engine, Firing, Targets
from .models import Cursor, EarlyWarning, Rule, RuleState, Signal, SignalSource

logger = logging.getLogger(__name__)

SIGNALS_CURSOR = "signals"
BATCH = 5000
# A worker rebuilds at least this often, to pick up edits it cannot see cheaply (a target
# moved or deactivated).
MAX_ENGINE_AGE = 300.0
FILINGS_CHECK_SECONDS = 30.0


def compile_rule(rule: Rule, version, source_pks: dict[str, int]) -> CompiledRule:
    d = parse(version.definition)
    if d.condition == "repeated":
        sources = {source_pks[WARNING_SOURCE]}
    else:
        sources = {source_pks[code] for code in d.sources if code in source_pks}
        if d.sources and not sources:
            sources = {-1}  # its sources are gone: it listens to nothing
    return CompiledRule(
        rule_id=rule.pk,
        version_id=version.pk,
        name=rule.name,
        region=rule.jurisdiction,
        definition=d,
        sources=sources,
    )


def active_rules(source_pks) -> list[CompiledRule]:
    compiled = []
    rules = Rule.objects.filter(is_active=True, current__isnull=False).select_related(
        "current", "jurisdiction"
    )
    for rule in rules.order_by("pk"):
        try:
            compiled.append(compile_rule(rule, rule.current, source_pks))
        except InvalidInput:  # saved before a check was added: skipped, never a crash
            logger.warning("warning rule %s has an invalid definition; skipped", rule.pk)
    return compiled


def source_pks() -> dict[str, int]:
    return dict(SignalSource.objects.filter(is_active=True).values_list("code", "pk"))


def load_filings():
    """The night-construction filings index, where that app is installed."""
    try:
        from gridgov.filings.selectors import FilingIndex
    except ImportError:
        return None
    return FilingIndex.load()


def needs_filings(rules) -> bool:
    return any(r.filing != "ignore" for r in rules)


def revision() -> tuple:
    rules = Cursor.objects.filter(name=actions.RULES_REVISION).values_list("position", flat=True)
    targets = InspectionTarget.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (rules.first() or 0, targets["n"], targets["last"])


# --- The worker's engine --------------------------------------------------------------------


@dataclass
class Cached:
    engine: Engine | None = None
    built_at: float = 0.0
    filings_checked_at: float = 0.0


_CACHE = Cached()


def forget_engine() -> None:
    _CACHE.engine = None


def _build(position: int) -> Engine:
    rules = active_rules(source_pks())
    filings = load_filings() if needs_filings(rules) else None
    engine = Engine.build(rules, Targets.load(), filings)
    engine.revision = revision()
    _replay(engine, position)
    engine.position = position
    _CACHE.engine, _CACHE.built_at = engine, time.monotonic()
    _CACHE.filings_checked_at = time.monotonic()
    return engine


def _replay(engine: Engine, position: int) -> None:
    """Refill the windows from the recent signals up to `position`, raising nothing."""
    horizon = engine.horizon()
    if not horizon or not position:
        return
    # The newest observation among the signals fed (an index answers it). Not the newest of
    # all: a backlog after the cursor may reach hours ahead, and measured from there the
    # windows would lose signals they still hold.
    latest = Signal.objects.filter(pk__lte=position).aggregate(t=Max("observed_at"))["t"]
    if latest is None:
        return
    # Twice each window: a subject's window is measured back from its own newest signal,
    # which may be older than the newest of all. Each source as far back as the rules that
    # listen to it need (a month of warnings, but only minutes of noise readings).
    reference = min(latest, timezone.now())
    reach: dict = {}
    for rule in engine.rules:
        for source in rule.sources or (None,):
            reach[source] = max(reach.get(source, 0), 2 * rule.horizon())
    if None in reach:  # a rule listening to every source
        recent = Q(observed_at__gte=reference - timedelta(seconds=reach.pop(None)))
    else:
        recent = Q(pk__in=[])
    for source, seconds in reach.items():
        recent |= Q(source_id=source, observed_at__gte=reference - timedelta(seconds=seconds))
    skip = {
        (rule_id, key): through
        for rule_id, key, through in RuleState.objects.filter(
            rule__in=[r.rule_id for r in engine.rules]
        ).values_list("rule_id", "key", "fired_through")
    }
    signals = Signal.objects.filter(recent, pk__lte=position)
    for rows in _batches(signals):
        engine.process(rows, lambda firing: None, skip)


def _batches(queryset, size=BATCH):
    """Rows of SIGNAL_COLUMNS in id order, in batches of `size`, by keyset (id > last)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values_list(*SIGNAL_COLUMNS)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _current_engine(position: int) -> Engine:
    engine = _CACHE.engine
    stale = (
        engine is None
        or engine.position != position
        or time.monotonic() - _CACHE.built_at > MAX_ENGINE_AGE
        or engine.revision != revision()
    )
    if stale:
        return _build(position)
    if hasattr(engine.filings, "stale") and (
        time.monotonic() - _CACHE.filings_checked_at > FILINGS_CHECK_SECONDS
    ):
        if engine.filings.stale():
            engine.filings = load_filings()
        _CACHE.filings_checked_at = time.monotonic()
    return engine


class WarningWriter:
    """The worker's side of a firing: a warning, unless one is open for the same rule and
    subject; the warning's own signal is written with the batch, under the intake lock."""

    def __init__(self):
        self.open = set(
            EarlyWarning.objects.filter(status__in=OPEN_WARNING_STATES).values_list(
                "rule_id", "subject"
            )
        )
        self.raised: list[EarlyWarning] = []
        self.suppressed = 0

    def __call__(self, firing: Firing) -> None:
        RuleState.objects.update_or_create(
            rule_id=firing.rule.rule_id,
            key=firing.state_key,
            defaults={"fired_through": firing.through},
        )
        key = (firing.rule.rule_id, firing.subject_key)
        if key in self.open:
            self.suppressed += 1
            return
        warning = actions.do_raise_warning(firing)
        self.open.add(key)
        if warning is None:
            self.suppressed += 1
        else:
            self.raised.append(warning)

    def flush(self) -> None:
        if not self.raised:
            return
        actions.lock(actions.INTAKE_LOCK)
        source = actions.warning_source_id()
        rows = [actions.warning_signal(w, source) for w in self.raised]
        actions.insert_signals(rows, timezone.now())


def evaluate_new_signals(
    *, batch: int = BATCH, max_seconds: float = 50.0, max_batches: int | None = None
) -> dict:
    """Evaluate every signal after the cursor, batch by batch, until none is left (or the
    time or number of batches is up: the next task goes on)."""
    started = time.monotonic()
    seen = raised = suppressed = batches = 0
    Cursor.objects.get_or_create(name=SIGNALS_CURSOR)
    while time.monotonic() - started < max_seconds:
        if max_batches is not None and batches >= max_batches:
            break
        batches += 1
        try:
            with transaction.atomic():
                cursor = actions.lock(SIGNALS_CURSOR)
                engine = _current_engine(cursor.position)
                rows = list(
                    Signal.objects.filter(pk__gt=cursor.position)
                    .order_by("pk")
                    .values_list(*SIGNAL_COLUMNS)[:batch]
                )
                if not rows:
                    break
                writer = WarningWriter()
                engine.process(rows, writer)
                writer.flush()
                cursor.position = rows[-1][0]
                cursor.save(update_fields=["position", "updated_at"])
                engine.position = cursor.position
        except BaseException:
            forget_engine()  # its windows moved on with a batch that was rolled back
            raise
        seen += len(rows)
        raised += len(writer.raised)
        suppressed += writer.suppressed
    return {"signals": seen, "warnings": raised, "suppressed": suppressed}


# --- Dry run --------------------------------------------------------------------------------


@dataclass
class DryFiring:
    firing: Firing
    suppressed: bool  # an earlier firing's warning would still have been open


def dry_run(rule: Rule, version, start: datetime, end: datetime, *, limit: int = 500) -> dict:
    """What `version` of `rule` would have raised over the signals observed in [start, end),
    fed in arrival order to a fresh engine. Writes nothing. The warnings it would have raised
    are counted in full and listed up to `limit`."""
    pks = source_pks()
    compiled = compile_rule(rule, version, pks)
    filings = load_filings() if needs_filings([compiled]) else None
    engine = Engine.build([compiled], Targets.load(), filings)
    signals = Signal.objects.filter(observed_at__gte=start, observed_at__lt=end)
    if compiled.sources:
        signals = signals.filter(source_id__in=compiled.sources)
    if compiled.exact_kinds and not compiled.kind_prefixes:
        signals = signals.filter(kind__in=compiled.exact_kinds)
    opened: set = set()
    firings: list[DryFiring] = []
    counts = {"warnings": 0, "suppressed": 0}

    def emit(firing: Firing) -> None:
        suppressed = firing.subject_key in opened
        opened.add(firing.subject_key)
        counts["suppressed" if suppressed else "warnings"] += 1
        if len(firings) < limit:
            firings.append(DryFiring(firing, suppressed))

    started = time.monotonic()
    seen = 0
    for rows in _batches(signals):
        seen += engine.process(rows, emit)
    return {
        "signals": seen,
        "seconds": time.monotonic() - started,
        "firings": firings,
        **counts,
    }
