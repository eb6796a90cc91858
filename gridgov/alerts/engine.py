"""The evaluator: rule versions over a stream of signals, in arrival (id) order.

One piece of code serves both the background worker, which feeds it the signals that arrived
since its cursor and writes a warning for each firing, and the dry run, which feeds it a past
period and only lists the firings. Everything here is in memory and free of the ORM in the hot
loop: rules are indexed by (source, kind), targets are bucketed in square cells as wide as a
rule's radius (so a radius query looks at 3 × 3 cells), and each (rule, target) keeps its
sliding window as a deque of (time, signal id).

After a rule fires for a subject its window starts empty again, whether or not the firing
became a warning (an open warning for the same target and rule suppresses it): the worker and
the dry run therefore keep identical state from the same signals.
"""

import bisect
import math
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone

from .choices import ConditionType, FilingCondition, ScopeType
from .definition import Definition

# The built-in source of the signals each warning leaves behind for `repeated` rules.
WARNING_SOURCE = "warnings"
WARNING_KIND = "warning"
POINT_SUBJECT = -1  # the subject of a near_point rule: its one fixed place
METRES_PER_DEGREE = 111_195.0  # on the mean Earth sphere (R = 6,371,008.8 m)
PRUNE_EVERY = 100_000  # signals
CALENDAR_SLACK = {"day": 86400, "week": 7 * 86400, "month": 31 * 86400}
# The columns the evaluator reads, in this order.
SIGNAL_COLUMNS = (
    "id", "source_id", "kind", "value", "observed_at", "lon", "lat", "device", "target_id",
)  # fmt: skip


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Metres between two nearby points (equirectangular: exact to a few centimetres over the
    few kilometres rules look at)."""
    dx = (lon1 - lon2) * math.cos(math.radians((lat1 + lat2) / 2)) * METRES_PER_DEGREE
    dy = (lat1 - lat2) * METRES_PER_DEGREE
    return math.hypot(dx, dy)


# --- Targets --------------------------------------------------------------------------------


@dataclass
class Targets:
    """The active inspection targets: id → (kind, lon, lat, region ids by level)."""

    rows: dict[int, tuple]

    LEVELS = ("city", "county", "town", "village", "grid", "microgrid")

    @classmethod
    def load(cls) -> "Targets":
        from gridgov.inspections.models import InspectionTarget

        columns = ("id", "kind", "lon", "lat", *(f"{level}_id" for level in cls.LEVELS))
        rows = InspectionTarget.objects.filter(is_active=True).values_list(*columns)
        return cls({row[0]: row[1:] for row in rows.iterator(chunk_size=5000)})

    def within(self, target_id: int, region) -> bool:
        row = self.rows.get(target_id)
        if row is None:
            return False
        return row[3 + self.LEVELS.index(region.level)] == region.pk

    def point_of(self, target_id: int) -> tuple[float, float] | None:
        row = self.rows.get(target_id)
        return (row[1], row[2]) if row else None


class CellIndex:
    """Targets of some kinds in one region, bucketed in cells at least `radius` wide, to find
    those within `radius` metres of a point by looking at 3 × 3 cells."""

    def __init__(self, targets: Targets, kinds: tuple[str, ...], radius: float, region):
        self.radius = radius
        chosen = [
            (tid, row[1], row[2])
            for tid, row in targets.rows.items()
            if row[0] in kinds and (region is None or targets.within(tid, region))
        ]
        highest = max((abs(lat) for _t, _lon, lat in chosen), default=0.0)
        # A degree of longitude is shortest at the highest latitude: size the cells there.
        self.dlat = radius / METRES_PER_DEGREE
        self.dlon = radius / (METRES_PER_DEGREE * max(math.cos(math.radians(highest + 0.1)), 0.01))
        # Each cell lists the targets of its 3 × 3 neighbourhood: one lookup per point.
        self.cells: dict[tuple[int, int], list] = {}
        for tid, lon, lat in chosen:
            cx, cy = math.floor(lon / self.dlon), math.floor(lat / self.dlat)
            for x in (cx - 1, cx, cx + 1):
                for y in (cy - 1, cy, cy + 1):
                    self.cells.setdefault((x, y), []).append((tid, lon, lat))
        self._last = (None, ())

    def near(self, signal_id, lon, lat) -> tuple[int, ...]:
        """Targets within the radius of the point; the last answer is kept, since every rule
        sharing this index asks about the same signal in turn."""
        if self._last[0] == signal_id:
            return self._last[1]
        found = ()
        if lon is not None and lat is not None:
            candidates = self.cells.get((math.floor(lon / self.dlon), math.floor(lat / self.dlat)))
            if candidates:
                # Degrees scaled to metres at the signal's latitude (see distance_m).
                kx = math.cos(math.radians(lat)) * METRES_PER_DEGREE
                ky, r2 = METRES_PER_DEGREE, self.radius * self.radius
                found = tuple(
                    tid
                    for tid, tlon, tlat in candidates
                    if ((lon - tlon) * kx) ** 2 + ((lat - tlat) * ky) ** 2 <= r2
                )
        self._last = (signal_id, found)
        return found


# --- Rules ----------------------------------------------------------------------------------


@dataclass
class Firing:
    """A rule's condition met for one subject: what the worker turns into a warning."""

    rule: "CompiledRule"
    subject: int  # a target id, or POINT_SUBJECT
    signal_ids: list[int]
    signal_count: int
    first_at: datetime
    last_at: datetime
    value: float | None
    through: int = 0  # the id of the signal that completed it
    state_key: str = ""  # what its window belongs to (the subject, and device for durations)

    @property
    def target_id(self) -> int | None:
        return None if self.subject == POINT_SUBJECT else self.subject

    @property
    def subject_key(self) -> str:
        return "point" if self.subject == POINT_SUBJECT else f"target:{self.subject}"


def _moment(t: float) -> datetime:
    return datetime.fromtimestamp(t, UTC)


class CompiledRule:
    """One rule version, ready to be fed signals, with its state per subject."""

    def __init__(self, *, rule_id, version_id, name, region, definition: Definition, sources):
        self.rule_id, self.version_id, self.name, self.region = rule_id, version_id, name, region
        self.d = definition
        self.sources = sources  # source pks, empty: any
        self.night = definition.night
        self.filing = definition.filing
        self.window = definition.window_seconds
        self.calendar = definition.window_calendar
        self.n = int(definition.at_least) if definition.counts else 0
        self.exact_kinds = {k for k in definition.kinds if not k.endswith("*")}
        self.kind_prefixes = tuple(k[:-1] for k in definition.kinds if k.endswith("*"))
        self.devices: set[str] | None = None  # repeated: the rules whose warnings count
        self.excluded_device: str | None = None
        if definition.condition == ConditionType.REPEATED:
            if definition.rules:
                self.devices = {f"rule:{r}" for r in definition.rules}
            self.excluded_device = f"rule:{rule_id}"
        self.index: CellIndex | None = None
        self.targets: Targets | None = None
        self.state: dict = {}
        # Durations: how many runs each device has going (a quiet reading matters only then).
        self.running: dict = {}
        if definition.scope == ScopeType.NEAR_POINT:
            plon, plat = definition.point
            self._point = (plon, plat, math.cos(math.radians(plat)) * METRES_PER_DEGREE,
                           definition.radius_m**2)  # fmt: skip

    def wants(self, value, device) -> bool:
        """Whether a signal can change anything for this rule, before its places are looked
        up: most readings are below a threshold and extend no run."""
        condition = self.d.condition
        if condition == ConditionType.THRESHOLD:
            return self.d.passes(value)
        if condition == ConditionType.DURATION:
            return device in self.running or self.d.passes(value)
        if self.devices is not None and device not in self.devices:
            return False
        return self.excluded_device is None or device != self.excluded_device

    def matches(self, source_pk: int, kind: str) -> bool:
        if self.sources and source_pk not in self.sources:
            return False
        if not self.exact_kinds and not self.kind_prefixes:
            return True
        return kind in self.exact_kinds or kind.startswith(self.kind_prefixes or ("\0",))

    def subjects(self, signal_id, lon, lat, target_id) -> tuple[int, ...]:
        scope = self.d.scope
        if scope == ScopeType.NEAR_TARGETS:
            return self.index.near(signal_id, lon, lat)
        if scope == ScopeType.OWN_TARGET:
            if target_id is None or not self.targets.within(target_id, self.region):
                return ()
            kinds = self.d.target_kinds
            if kinds and self.targets.rows[target_id][0] not in kinds:
                return ()
            return (target_id,)
        if lon is None or lat is None:
            return ()
        plon, plat, kx, r2 = self._point
        dx, dy = (lon - plon) * kx, (lat - plat) * METRES_PER_DEGREE
        return (POINT_SUBJECT,) if dx * dx + dy * dy <= r2 else ()

    def state_key(self, subject, device) -> str:
        if self.d.condition == ConditionType.DURATION:
            return f"{subject}|{device or ''}"
        return str(subject)

    def horizon(self) -> int:
        """How far back, in seconds, a window may reach (for a restarted worker's replay)."""
        if self.calendar:
            return CALENDAR_SLACK[self.calendar]
        if self.d.condition == ConditionType.DURATION:
            return (self.d.minutes + self.d.max_gap_minutes) * 60
        return self.window or 0

    def prune(self, now_t: float) -> None:
        """Forget subjects whose window holds nothing recent any more."""
        keep = self.horizon() + 60
        stale = [key for key, s in self.state.items() if _newest(s) < now_t - keep]
        for key in stale:
            if self.d.condition == ConditionType.DURATION:
                self._end_run(key)
            else:
                del self.state[key]

    # --- Feeding ---------------------------------------------------------------------------

    def feed(self, subject, signal_id, t, value, device, observed) -> Firing | None:
        condition = self.d.condition
        if condition == ConditionType.THRESHOLD:
            if not self.d.passes(value):
                return None
            return Firing(self, subject, [signal_id], 1, _moment(t), _moment(t), value)
        if condition == ConditionType.DURATION:
            return self._feed_duration(subject, signal_id, t, value, device)
        if self.calendar:
            return self._feed_calendar(subject, signal_id, t, observed)
        return self._feed_window(subject, signal_id, t)

    def _fire_from(self, subject, entries) -> Firing:
        ids = [sid for _t, sid in entries]
        return Firing(
            self, subject, ids, len(ids), _moment(entries[0][0]), _moment(entries[-1][0]), None
        )

    def _feed_window(self, subject, signal_id, t) -> Firing | None:
        entries = self.state.get(subject)
        if entries is None:
            entries = self.state[subject] = deque()
        if not entries or t >= entries[-1][0]:
            entries.append((t, signal_id))
        elif t < entries[-1][0] - self.window:
            return None  # late, and already outside the window
        else:
            entries.insert(bisect.bisect_right(entries, (t, signal_id)), (t, signal_id))
        oldest = entries[-1][0] - self.window
        while entries[0][0] < oldest:
            entries.popleft()
        if len(entries) >= self.n:
            firing = self._fire_from(subject, entries)
            entries.clear()
            return firing
        return None

    def _feed_calendar(self, subject, signal_id, t, observed) -> Firing | None:
        period = _period(self.calendar, timezone.localtime(observed))
        state = self.state.get(subject)
        if state is None or state[0] < period:
            state = self.state[subject] = (period, [])
        elif state[0] > period:
            return None  # late, from a period already over
        entries = state[1]
        bisect.insort(entries, (t, signal_id))
        if len(entries) >= self.n:
            firing = self._fire_from(subject, entries)
            entries.clear()
            return firing
        return None

    def _feed_duration(self, subject, signal_id, t, value, device) -> Firing | None:
        key = (subject, device)
        run = self.state.get(key)
        if not self.d.passes(value):
            if run is not None and t >= run[1]:
                self._end_run(key)
            return None
        if run is not None and t < run[1]:
            return None  # late: the run has moved on
        if run is None or t - run[1] > self.d.max_gap_minutes * 60:
            if run is None:
                self.running[device] = self.running.get(device, 0) + 1
            run = self.state[key] = [t, t, [signal_id], value]
        else:
            run[1] = t
            run[2].append(signal_id)
            run[3] = max(run[3], value)
        if t - run[0] >= self.d.minutes * 60:
            self._end_run(key)
            return Firing(self, subject, run[2], len(run[2]), _moment(run[0]), _moment(t), run[3])
        return None

    def _end_run(self, key) -> None:
        del self.state[key]
        device = key[1]
        left = self.running.get(device, 0) - 1
        if left > 0:
            self.running[device] = left
        else:
            self.running.pop(device, None)


def _newest(state) -> float:
    if isinstance(state, deque):
        return state[-1][0] if state else 0.0
    if isinstance(state, tuple):  # calendar: (period, entries)
        return state[1][-1][0] if state[1] else 0.0
    return state[1]  # duration run: [start, last, ids, max]


def _period(unit: str, local: datetime) -> int:
    if unit == "day":
        return local.toordinal()
    if unit == "week":
        return (local.toordinal() - 1) // 7  # weeks from Monday
    return local.year * 12 + local.month


# --- The engine -----------------------------------------------------------------------------

THRESHOLD_MODE, DURATION_MODE, OTHER_MODE = 0, 1, 2


def _entry(rule: CompiledRule) -> tuple:
    d = rule.d
    start, end = rule.night if rule.night is not None else (-1, -1)
    mode = {ConditionType.THRESHOLD: THRESHOLD_MODE, ConditionType.DURATION: DURATION_MODE}
    low = d.at_least if d.at_least is not None and not d.counts else -math.inf
    high = d.at_most if d.at_most is not None else math.inf
    return (rule, start, end, mode.get(d.condition, OTHER_MODE), low, high)


class NoFilings:
    """Stands in for the filings index where none is needed (rules that ignore filings)."""

    revision = None

    def valid_at(self, target_id, moment):
        return None


@dataclass
class Engine:
    rules: list[CompiledRule]
    targets: Targets
    filings: object = field(default_factory=NoFilings)
    position: int = 0  # the last signal id fed
    revision: tuple = ()  # what it was built from (rules, targets, filings)
    signals_seen: int = 0
    _route: dict = field(default_factory=dict)
    _unpruned: int = 0
    _offsets: dict = field(default_factory=dict)

    @classmethod
    def build(cls, rules: list[CompiledRule], targets: Targets, filings=None) -> "Engine":
        indexes = {}
        for rule in rules:
            rule.targets = targets
            if rule.d.scope == ScopeType.NEAR_TARGETS:
                key = (rule.d.target_kinds, rule.d.radius_m, rule.region.pk)
                if key not in indexes:
                    indexes[key] = CellIndex(targets, *key[:2], rule.region)
                rule.index = indexes[key]
        return cls(rules=rules, targets=targets, filings=filings or NoFilings())

    def rules_for(self, source_pk: int, kind: str) -> list[tuple]:
        """The rules a (source, kind) of signal concerns, each with what the hot loop checks
        first unpacked: (rule, hours from, hours to, mode, lowest, highest value)."""
        key = (source_pk, kind)
        found = self._route.get(key)
        if found is None:
            found = self._route[key] = [_entry(r) for r in self.rules if r.matches(source_pk, kind)]
        return found

    def horizon(self) -> int:
        return max((r.horizon() for r in self.rules), default=0)

    def process(self, rows, emit, skip: dict | None = None) -> int:
        """Feed signal rows (SIGNAL_COLUMNS) in id order; `emit(firing)` for each firing.
        skip: {(rule id, state key): signal id} — signals up to that id no longer count for
        that window (replaying after a restart). Returns how many signals were fed."""
        tz = timezone.get_current_timezone()
        route, rules_for, valid_at = self._route, self.rules_for, self.filings.valid_at
        offsets = self._offsets
        last_t = 0.0
        count = 0
        for sid, source_pk, kind, value, observed, lon, lat, device, target_id in rows:
            count += 1
            rules = route.get((source_pk, kind))
            if rules is None:
                rules = rules_for(source_pk, kind)
            if not rules:
                continue
            t = observed.timestamp()
            if t > last_t:
                last_t = t
            # The local minute of the day, from the zone's offset in that hour (looked up
            # once per hour of signals rather than converting each one).
            hour = int(t // 3600)
            offset = offsets.get(hour)
            if offset is None:
                offset = offsets[hour] = observed.astimezone(tz).utcoffset().total_seconds()
            minute = int((t + offset) // 60) % 1440
            device = device or None
            for rule, start, end, mode, low, high in rules:
                if start >= 0:  # definition.in_hours, inlined: it runs per signal and rule
                    if start < end:
                        if not start <= minute < end:
                            continue
                    elif end <= minute < start:
                        continue
                if mode == THRESHOLD_MODE:
                    if value is None or value < low or value > high:
                        continue
                elif mode == DURATION_MODE:
                    if device not in rule.running and (
                        value is None or value < low or value > high
                    ):
                        continue
                elif not rule.wants(value, device):
                    continue
                subjects = rule.subjects(sid, lon, lat, target_id)
                if not subjects:
                    continue
                for subject in subjects:
                    if rule.filing != FilingCondition.IGNORE:
                        covered = valid_at(subject, observed) is not None
                        if covered != (rule.filing == FilingCondition.REQUIRE):
                            continue
                    if (
                        skip is not None
                        and skip.get((rule.rule_id, rule.state_key(subject, device)), 0) >= sid
                    ):
                        continue  # used up by a firing before the restart
                    firing = rule.feed(subject, sid, t, value, device, observed)
                    if firing is not None:
                        firing.through = sid
                        firing.state_key = rule.state_key(subject, device)
                        emit(firing)
        if count:
            self.position = max(self.position, rows[-1][0])
            self.signals_seen += count
            self._unpruned += count
            # Now and then, not every batch: pruning walks every subject's state.
            if self._unpruned >= PRUNE_EVERY:
                self._unpruned = 0
                for rule in self.rules:
                    rule.prune(last_t)
        return count
