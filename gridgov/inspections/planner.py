"""The "综合查一次" planner: departments' pending inspections of one target become joint visits.

Pure: plain data in, plain data out, no database. A *need* is one department's wish to check
some items of one target between two dates. A *visit* goes to one target on one day, covers
needs of that target (from one or several departments) whose windows contain the day, and takes
exactly one officer of each department among its needs. Each officer makes at most `capacity`
visits a day; each target takes at most its cap of visits in the period.

How (`plan`):
  1. Needs that can never be planned are set aside with a reason: an id given twice, a window
     with no working day inside the period, a department without officers.
  2. Per target, greedy interval stabbing (windows sorted by their end) splits the needs into
     the fewest groups whose windows share a day. That count, limited by the target's cap, is
     the lower bound on visits (`lower_bound`). When the cap is smaller than the number of
     groups, the groups covering the most needs are kept.
  3. The kept groups of all targets are placed earliest deadline first, each on the earliest
     day of its common window where every department it needs still has a free officer (with
     one department, deadline order plus earliest free day books the most visits possible; the
     groups with the least room choose first). A group that fits nowhere whole is split rather
     than dropped: the day where the departments still free cover most of its needs gets them.
  4. Every need still left (dropped by a cap, or by a split) gets a second chance, again
     earliest deadline first: it joins a visit of its target on a day of its window (free when
     its department is already there), or opens a new visit if the cap allows. What is left
     then is reported as `target_cap` (a new visit would have fitted the officers but not the
     cap) or `no_capacity` (its department is fully booked on every day of its window).
  5. Merging must never plan fewer needs than planning each need alone. The greedy steps above
     do not prove it when officers are scarce, so when the merged plan falls short of what the
     unmerged one could possibly reach, the unmerged plan is computed too; if it plans more, its
     visits to the same target on the same day are combined and step 4 runs on what it left.

Everything is sorted on ids and dates, never on input order or hashes: the same request gives
the same plan, whatever the order of its needs and officers.
"""

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Reason(StrEnum):
    """Why a need is not in the plan (values are stable: they are stored with plans)."""

    EMPTY_WINDOW = "empty_window"  # no working day of the period inside its window
    NO_OFFICERS = "no_officers"  # its department has no officer with any capacity
    TARGET_CAP = "target_cap"  # its target already has as many visits as it may
    NO_CAPACITY = "no_capacity"  # its department's officers are fully booked in its window
    DUPLICATE = "duplicate"  # the same need id was given more than once


@dataclass(frozen=True)
class Need:
    """One department's pending inspection of one target."""

    id: int
    target: int
    department: int
    items: tuple[int, ...]
    earliest: date
    latest: date  # inclusive


@dataclass(frozen=True)
class Officer:
    id: int
    department: int
    capacity: int  # visits a day


@dataclass(frozen=True)
class PlanRequest:
    start: date
    end: date  # inclusive
    needs: Sequence[Need]
    officers: Sequence[Officer]
    target_caps: Mapping[int, int]  # visits still allowed per target; absent = no cap
    merge: bool = True  # False: every need is its own visit (the baseline)
    days_off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Visit:
    target: int
    day: date
    needs: tuple[int, ...]  # ascending ids
    officers: tuple[int, ...]  # one per department of its needs, in ascending department order


@dataclass(frozen=True)
class Unplanned:
    need: int
    reason: str  # a Reason value


@dataclass
class Plan:
    visits: list[Visit]
    unplanned: list[Unplanned]
    lower_bound: int
    merged: bool
    plannable: int = 0  # needs not excluded by their own data (duplicate, window, department)

    @property
    def visits_without_merging(self) -> int:
        """The needs planned, each visited alone: one visit per need. (Needs left unplanned
        take no visit either way, so that visits_without_merging − visits = visits_saved.)"""
        return self.planned_needs

    @property
    def planned_needs(self) -> int:
        return sum(len(v.needs) for v in self.visits)

    @property
    def visits_saved(self) -> int:
        """Doors not knocked on twice: planned needs minus the visits covering them."""
        return self.planned_needs - len(self.visits)

    @property
    def ratio(self) -> float:
        """Visits over the lower bound; below 1 only when officers' capacity left needs out."""
        if self.lower_bound == 0:
            return 1.0 if not self.visits else float("inf")
        return len(self.visits) / self.lower_bound


# A plannable need inside the planner: (id, target, department, first day, last day), days as
# offsets from the request's start. Tuples, because 100,000 of them are sorted several times.
ID, TARGET, DEPT, FIRST, LAST = range(5)


def plan(request: PlanRequest) -> Plan:
    """The joint visits for `request`, and every need that could not be planned, with why."""
    prepared = _Prepared(request)
    state = _plan_groups(prepared, merge=request.merge)
    if request.merge and state.planned < _unmerged_ceiling(prepared):
        baseline = _plan_groups(prepared, merge=False)
        if baseline.planned > state.planned:
            state = _combined(baseline, prepared)
    return Plan(
        visits=state.visits_out(request.start),
        unplanned=sorted(prepared.rejected + state.unplanned, key=lambda u: u.need),
        lower_bound=prepared.lower_bound(),
        merged=request.merge,
        plannable=len(prepared.needs),
    )


def lower_bound(request: PlanRequest) -> int:
    """Σ over targets of min(cap, fewest days that cover all its plannable needs' windows).

    With officers to spare, `plan` reaches it exactly; when officers are short it may plan
    fewer visits (it then also plans fewer needs)."""
    return _Prepared(request).lower_bound()


# --- Input ----------------------------------------------------------------------------------


class _Prepared:
    """The request in day offsets: the calendar, the plannable needs, officers per department."""

    def __init__(self, request: PlanRequest):
        self.days = max((request.end - request.start).days + 1, 0)
        off = {(d - request.start).days for d in request.days_off}
        self.working = [d not in off for d in range(self.days)]
        self.working_mask = sum(1 << d for d in range(self.days) if self.working[d])
        # The last working day on or before each day: where greedy stabbing puts its point.
        self.last_working = []
        last = -1
        for d in range(self.days):
            last = d if self.working[d] else last
            self.last_working.append(last)
        self.officers = _officers_by_department(request.officers)
        self.caps = {t: max(c, 0) for t, c in request.target_caps.items()}
        self.rejected: list[Unplanned] = []
        self.needs = self._plannable(request)
        self._groups: dict[int, list[list[tuple]]] | None = None

    def _plannable(self, request: PlanRequest) -> list[tuple]:
        # Which of two needs with one id is meant cannot be told: neither is planned.
        counts = Counter(need.id for need in request.needs)
        repeated = sorted(i for i, n in counts.items() if n > 1)
        self.rejected.extend(Unplanned(i, Reason.DUPLICATE) for i in repeated)
        needs = []
        for need in request.needs:
            if counts[need.id] > 1:
                continue
            first = max((need.earliest - request.start).days, 0)
            last = min((need.latest - request.start).days, self.days - 1)
            if need.earliest > need.latest or not self.window(first, last):
                self.rejected.append(Unplanned(need.id, Reason.EMPTY_WINDOW))
            elif need.department not in self.officers:
                self.rejected.append(Unplanned(need.id, Reason.NO_OFFICERS))
            else:
                needs.append((need.id, need.target, need.department, first, last))
        return needs

    def window(self, first: int, last: int) -> int:
        """The working days from `first` to `last` as a bit mask (bit d = day offset d)."""
        if first > last:
            return 0
        return ((1 << (last + 1)) - (1 << first)) & self.working_mask

    def cap(self, target: int) -> int | None:
        return self.caps.get(target)

    def groups_by_target(self) -> dict[int, list[list[tuple]]]:
        """Per target, the fewest groups of needs whose windows share a working day."""
        if self._groups is None:
            by_target = defaultdict(list)
            for need in self.needs:
                by_target[need[TARGET]].append(need)
            self._groups = {t: self._stab(needs) for t, needs in sorted(by_target.items())}
        return self._groups

    def _stab(self, needs: list[tuple]) -> list[list[tuple]]:
        # Greedy stabbing: the need that ends first fixes a point at the last working day of its
        # window; every need starting by then contains it (it ends no earlier). Optimal.
        groups: list[list[tuple]] = []
        point = -1
        for need in sorted(needs, key=lambda n: (n[LAST], n[FIRST], n[ID])):
            if groups and need[FIRST] <= point:
                groups[-1].append(need)
            else:
                point = self.last_working[need[LAST]]
                groups.append([need])
        return groups

    def lower_bound(self) -> int:
        total = 0
        for target, groups in self.groups_by_target().items():
            cap = self.cap(target)
            total += len(groups) if cap is None else min(cap, len(groups))
        return total


def _officers_by_department(officers: Sequence[Officer]) -> dict[int, list[tuple[int, int]]]:
    """(id, capacity) of the officers who can make a visit, per department, by id."""
    ids = [o.id for o in officers]
    if len(set(ids)) != len(ids):
        raise ValueError("an officer id appears more than once")
    by_department = defaultdict(list)
    for officer in sorted(officers, key=lambda o: o.id):
        if officer.capacity > 0:
            by_department[officer.department].append((officer.id, officer.capacity))
    return dict(by_department)


def _unmerged_ceiling(prepared: _Prepared) -> int:
    """The most needs the unmerged plan could plan: one per visit, so at most the cap each."""
    counts: dict[int, int] = defaultdict(int)
    for need in prepared.needs:
        counts[need[TARGET]] += 1
    total = 0
    for target, count in counts.items():
        cap = prepared.cap(target)
        total += count if cap is None else min(cap, count)
    return total


# --- Officers' days -------------------------------------------------------------------------


class _Officers:
    """Free visits per (department, day), and which officer takes the next one.

    Officers of a department are interchangeable for the plan, so only the department's free
    count per day matters; a bit mask per department of the days with a free officer lets a
    group find a day where all its departments are free with a few integer ANDs."""

    def __init__(self, prepared: _Prepared):
        self.roster = prepared.officers
        self.free_days = {dept: prepared.working_mask for dept in self.roster}
        self.free = {
            dept: [sum(c for _, c in officers)] * prepared.days
            for dept, officers in self.roster.items()
        }
        # Visits go to a department's officers in id order, each up to its capacity.
        self.turn = {dept: [0] * prepared.days for dept in self.roster}
        self.used = {dept: [0] * prepared.days for dept in self.roster}

    def is_free(self, dept: int, day: int) -> bool:
        return bool(self.free_days[dept] >> day & 1)

    def take(self, dept: int, day: int) -> int:
        """Book one visit of `dept` on `day` (which must be free); the officer who makes it."""
        turn, used = self.turn[dept], self.used[dept]
        officer, capacity = self.roster[dept][turn[day]]
        used[day] += 1
        if used[day] == capacity:
            turn[day] += 1
            used[day] = 0
        free = self.free[dept]
        free[day] -= 1
        if free[day] == 0:
            self.free_days[dept] &= ~(1 << day)
        return officer


# --- Planning -------------------------------------------------------------------------------


class _Visit:
    __slots__ = ("day", "needs", "officers", "target")

    def __init__(self, target: int, day: int):
        self.target = target
        self.day = day
        self.needs: list[int] = []
        self.officers: dict[int, int] = {}  # department → officer


class _State:
    """A plan being built: visits, booked officers, visits each target may still take."""

    def __init__(self, prepared: _Prepared, merge: bool):
        self.prepared = prepared
        self.merge = merge
        self.officers = _Officers(prepared)
        self.visits: list[_Visit] = []
        self.by_target: dict[int, list[_Visit]] = defaultdict(list)
        self.visits_left = dict(prepared.caps)
        self.unplanned: list[Unplanned] = []
        self.planned = 0

    def can_open(self, target: int) -> bool:
        left = self.visits_left.get(target)
        return left is None or left > 0

    def open(self, target: int, day: int, needs: list[tuple]) -> None:
        visit = _Visit(target, day)
        self.visits.append(visit)
        self.by_target[target].append(visit)
        if target in self.visits_left:
            self.visits_left[target] -= 1
        for need in needs:
            self.join(visit, need)

    def join(self, visit: _Visit, need: tuple) -> None:
        dept = need[DEPT]
        if dept not in visit.officers:
            visit.officers[dept] = self.officers.take(dept, visit.day)
        visit.needs.append(need[ID])
        self.planned += 1

    def place(self, group: list[tuple], first: int, last: int) -> list[tuple]:
        """Put a group on the earliest day all its departments are free, or as much of it as
        fits on one day; return the needs left out."""
        days = self.prepared.window(first, last)
        for dept in {n[DEPT] for n in group}:
            days &= self.officers.free_days[dept]
        if days:
            self.open(group[0][TARGET], _lowest_bit(days), group)
            return []
        return self._place_part(group, first, last)

    def _place_part(self, group: list[tuple], first: int, last: int) -> list[tuple]:
        # Rare (only when officers run short), so a plain scan of the window's days will do.
        best_day, best = -1, []
        for day in _bits(self.prepared.window(first, last)):
            fits = [n for n in group if self.officers.is_free(n[DEPT], day)]
            if len(fits) > len(best):
                best_day, best = day, fits
        if not best:
            return group
        self.open(group[0][TARGET], best_day, best)
        chosen = {n[ID] for n in best}
        return [n for n in group if n[ID] not in chosen]

    def second_chance(self, need: tuple) -> None:
        """Join a visit of the need's target in its window, or open one; else say why not."""
        days = self.prepared.window(need[FIRST], need[LAST])
        dept, target = need[DEPT], need[TARGET]
        if self.merge:
            visits = [v for v in self.by_target.get(target, ()) if days >> v.day & 1]
            visits.sort(key=lambda v: v.day)
            # A visit that already brings an officer of this department costs nothing more.
            for visit in visits:
                if dept in visit.officers:
                    return self.join(visit, need)
            for visit in visits:
                if self.officers.is_free(dept, visit.day):
                    return self.join(visit, need)
        free = days & self.officers.free_days[dept]
        if free and self.can_open(target):
            return self.open(target, _lowest_bit(free), [need])
        reason = Reason.TARGET_CAP if free else Reason.NO_CAPACITY
        self.unplanned.append(Unplanned(need[ID], reason))

    def visits_out(self, start: date) -> list[Visit]:
        visits = [
            Visit(
                target=v.target,
                day=start + timedelta(days=v.day),
                needs=tuple(sorted(v.needs)),
                officers=tuple(v.officers[d] for d in sorted(v.officers)),
            )
            for v in self.visits
        ]
        visits.sort(key=lambda v: (v.day, v.target, v.needs))
        return visits


def _plan_groups(prepared: _Prepared, merge: bool) -> _State:
    state = _State(prepared, merge)
    kept, left = _keep_within_caps(prepared, merge)
    # Earliest deadline first: the groups with the least room choose their day first.
    for _, _, _, group, first, last in sorted(kept, key=lambda g: g[:3]):
        left.extend(state.place(group, first, last))
    for need in sorted(left, key=lambda n: (n[LAST], n[FIRST], n[ID])):
        state.second_chance(need)
    return state


def _keep_within_caps(prepared: _Prepared, merge: bool) -> tuple[list[tuple], list[tuple]]:
    """The groups to place, as (deadline, start, first id, needs, first day, last day), and the
    needs of the groups a cap leaves out (they get a second chance later)."""
    kept, left = [], []
    for target, stabbed in prepared.groups_by_target().items():
        groups = stabbed if merge else [[n] for g in stabbed for n in g]
        described = []
        for group in groups:
            first = max(n[FIRST] for n in group)
            last = min(n[LAST] for n in group)
            deadline = prepared.last_working[last]
            described.append((deadline, first, min(n[ID] for n in group), group, first, last))
        cap = prepared.cap(target)
        if cap is not None and cap < len(described):
            # Under a cap the visits that cover the most needs are worth it; then the urgent.
            described.sort(key=lambda g: (-len(g[3]), g[0], g[2]))
            for dropped in described[cap:]:
                left.extend(dropped[3])
            described = described[:cap]
        kept.extend(described)
    return kept, left


def _combined(baseline: _State, prepared: _Prepared) -> _State:
    """The unmerged plan with its visits to one target on one day made one, then the second
    chance for the needs it left: every need the baseline planned, in no more of its visits."""
    by_target_day: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    needs = {n[ID]: n for n in prepared.needs}
    for visit in baseline.visits:
        by_target_day[visit.target, visit.day].extend(needs[i] for i in visit.needs)
    state = _State(prepared, merge=True)
    # Each (department, day) now needs at most the officers the baseline booked: all fit.
    for (target, day), group in sorted(by_target_day.items()):
        state.open(target, day, sorted(group, key=lambda n: n[ID]))
    left = [needs[u.need] for u in baseline.unplanned]
    for need in sorted(left, key=lambda n: (n[LAST], n[FIRST], n[ID])):
        state.second_chance(need)
    return state


def _lowest_bit(mask: int) -> int:
    return (mask & -mask).bit_length() - 1


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
