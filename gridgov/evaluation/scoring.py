"""From a measure to points and from points to a ranking: pure functions, no queries.

A rate is shown in percent (0–100); a count as it is. A unit with no denominator for an
indicator has no data for it: that indicator is left out of the unit's total, whose weights
are then those of the indicators it was measured on (a town with no closed event is neither
rewarded nor punished for its on-time rate).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput

from .choices import Direction, ScoringRule


@dataclass(frozen=True)
class Rule:
    """How one indicator's value becomes 0–100 points."""

    kind: str
    direction: str
    floor: float | None = None
    target: float | None = None
    thresholds: tuple[tuple[float, float], ...] = ()

    def points(self, value: float | None) -> float | None:
        if value is None:
            return None
        if self.kind == ScoringRule.THRESHOLDS:
            return self._by_thresholds(value)
        return self._linear(value)

    def _linear(self, value: float) -> float:
        span = self.target - self.floor
        share = (value - self.floor) / span
        return round(100 * min(1.0, max(0.0, share)), 2)

    def _by_thresholds(self, value: float) -> float:
        higher = self.direction == Direction.HIGHER
        reached = [
            points
            for bound, points in self.thresholds
            if (value >= bound if higher else value <= bound)
        ]
        return max(reached, default=0.0)

    def describe(self) -> str:
        if self.kind == ScoringRule.THRESHOLDS:
            return format_thresholds(self.thresholds)
        return f"{self.floor:g} → {self.target:g}"


def parse_thresholds(text: str) -> tuple[tuple[float, float], ...]:
    """ "95:100, 90:80" as ((95, 100), (90, 80)); InvalidInput when it is not that."""
    pairs = []
    for part in (p.strip() for p in (text or "").replace("，", ",").split(",")):
        if not part:
            continue
        bound, sep, points = part.partition(":")
        try:
            pair = (float(bound), float(points))
        except ValueError:
            pair = None
        if not sep or pair is None or not 0 <= pair[1] <= 100:
            raise InvalidInput(
                _("Thresholds are written “95:100,90:80”: a bound and its points (0–100).")
            )
        pairs.append(pair)
    if not pairs:
        raise InvalidInput(_("A thresholds rule needs at least one threshold."))
    return tuple(pairs)


def format_thresholds(pairs) -> str:
    return ",".join(f"{bound:g}:{points:g}" for bound, points in pairs)


def check_rule(kind: str, direction: str, floor, target, thresholds: str) -> Rule:
    """The rule an indicator's fields describe, or InvalidInput saying what is wrong."""
    if direction not in Direction.values:
        raise InvalidInput(_("The direction is “higher” or “lower”."))
    if kind == ScoringRule.THRESHOLDS:
        return Rule(kind, direction, thresholds=parse_thresholds(thresholds))
    if kind != ScoringRule.LINEAR:
        raise InvalidInput(_("The scoring rule is “linear” or “thresholds”."))
    if floor is None or target is None:
        raise InvalidInput(_("A linear rule needs a floor and a target."))
    if direction == Direction.HIGHER and not floor < target:
        raise InvalidInput(_("When higher is better, the floor must be below the target."))
    if direction == Direction.LOWER and not floor > target:
        raise InvalidInput(_("When lower is better, the floor must be above the target."))
    return Rule(kind, direction, floor=floor, target=target)


def value_of(numerator, denominator, *, is_rate: bool) -> float | None:
    """A measure as the indicator reads it: a rate in percent, a count as it is."""
    if not is_rate:
        return None if numerator is None else float(numerator)
    if not denominator:
        return None
    return round(100 * numerator / denominator, 2)


def weighted_total(points_and_weights) -> tuple[float | None, list[float | None]]:
    """The total of (points, weight) pairs over those with points, and each pair's contribution
    (points × weight ÷ the weights that counted)."""
    counted = sum(w for p, w in points_and_weights if p is not None)
    if not counted:
        return None, [None for _pair in points_and_weights]
    contributions = [
        None if p is None else round(p * w / counted, 2) for p, w in points_and_weights
    ]
    return round(sum(c for c in contributions if c is not None), 2), contributions


def ranks(totals: list[float | None]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) of totals, best first; None stays unranked."""
    ordered = sorted((t for t in totals if t is not None), reverse=True)
    first = {}
    for place, total in enumerate(ordered, start=1):
        first.setdefault(total, place)
    return [None if t is None else first[t] for t in totals]
