"""The only write paths of the evaluation: indicator sets and their indicators, a month
evaluated (a draft, replaced when run again) and published (frozen for good).

`actor` is a user (who needs MANAGE_EVALUATION and the set's area in their scope), or None /
a label for the system (the monthly job, the demo).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.dates import Period
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted, field_problem
from gridgov.core.registry import indicator_sources
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of

from .choices import SOURCE_UNIT_KIND, EvaluationStatus
from .models import Correction, Evaluation, Indicator, IndicatorSet, Score
from .scoring import check_rule, format_thresholds, ranks, value_of, weighted_total
from .units import units_of


def _is_person(actor) -> bool:
    return actor is not None and not isinstance(actor, str)


def check_manager(actor, area) -> None:
    """A person may manage a set only of an area inside their own, with the capability."""
    if not _is_person(actor):
        return
    if not scope_of(actor).covers_region(area):
        raise NotFound()
    if not has_capability(actor, Capability.MANAGE_EVALUATION):
        raise NotPermitted()


# --- Indicator sets ---------------------------------------------------------------------------


def _refuse(field: str, message) -> InvalidInput:
    return InvalidInput(message, details=[field_problem(field, message)])


def check_indicator(indicator: Indicator) -> None:
    """InvalidInput (naming the field) when the indicator cannot be scored: an unknown source,
    one that does not measure the set's units, a weight not above 0, a rule its fields do not
    describe."""
    source = indicator_sources().get(indicator.source)
    if source is None:
        raise _refuse(
            "source", _("No indicator source is called “%(key)s”.") % {"key": indicator.source}
        )
    kind = SOURCE_UNIT_KIND[indicator.indicator_set.unit_kind]
    if kind not in source.unit_kinds:
        raise _refuse(
            "source",
            _("The source “%(key)s” does not measure these units.") % {"key": indicator.source},
        )
    if indicator.weight is None or indicator.weight <= 0:
        raise _refuse("weight", _("The weight must be above 0."))
    try:
        rule = check_rule(
            indicator.rule,
            indicator.direction,
            indicator.floor,
            indicator.target,
            indicator.thresholds,
        )
    except InvalidInput as error:
        raise _refuse("rule", error.message) from None
    if rule.thresholds:
        indicator.thresholds = format_thresholds(rule.thresholds)


def do_save_indicator_set(indicator_set: IndicatorSet, *, actor) -> IndicatorSet:
    check_manager(actor, indicator_set.area)
    with transaction.atomic():
        created = indicator_set.pk is None
        indicator_set.save()
        audit.record(
            "evaluation.set_created" if created else "evaluation.set_changed",
            actor=actor,
            target=indicator_set,
            summary=indicator_set.name,
        )
    return indicator_set


def do_save_indicator(indicator: Indicator, *, actor) -> Indicator:
    check_manager(actor, indicator.indicator_set.area)
    check_indicator(indicator)
    with transaction.atomic():
        indicator.save()
        audit.record(
            "evaluation.indicator_saved",
            actor=actor,
            target=indicator,
            summary=f"{indicator.indicator_set.code} {indicator.code}",
        )
    return indicator


def do_delete_indicator(indicator: Indicator, *, actor) -> None:
    check_manager(actor, indicator.indicator_set.area)
    with transaction.atomic():
        audit.record(
            "evaluation.indicator_deleted",
            actor=actor,
            target=indicator,
            summary=f"{indicator.indicator_set.code} {indicator.code}",
        )
        indicator.delete()


def do_save_indicators(indicator_set: IndicatorSet, rows: list[Indicator], *, actor) -> dict:
    """An imported list: each indicator added or changed by its code (the others stay)."""
    check_manager(actor, indicator_set.area)
    stored = {i.code: i for i in indicator_set.indicators.all()}
    created = updated = 0
    with transaction.atomic():
        for row in rows:
            existing = stored.get(row.code)
            if existing is not None:
                row.pk = existing.pk
                updated += 1
            else:
                created += 1
            row.indicator_set = indicator_set
            row.save()
        audit.record(
            "evaluation.indicators_imported",
            actor=actor,
            target=indicator_set,
            summary=f"{created} added, {updated} changed",
        )
    return {"created": created, "updated": updated}


# --- A month evaluated -----------------------------------------------------------------------


@dataclass(frozen=True)
class Weighed:
    """An indicator as a month weighs it: kept with the evaluation."""

    code: str
    name: str
    source: str
    weight: float
    direction: str
    rule: str
    is_rate: bool
    scorer: object

    def snapshot(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "source": self.source,
            "weight": self.weight,
            "direction": self.direction,
            "rule": self.rule,
            "is_rate": self.is_rate,
        }


def _weighed(indicator_set: IndicatorSet) -> list[Weighed]:
    indicators = list(indicator_set.indicators.all())
    if not indicators:
        raise InvalidInput(_("The indicator set has no indicators."))
    weighed = []
    for indicator in indicators:
        indicator.indicator_set = indicator_set
        check_indicator(indicator)
        rule = check_rule(
            indicator.rule,
            indicator.direction,
            indicator.floor,
            indicator.target,
            indicator.thresholds,
        )
        source = indicator_sources()[indicator.source]
        weighed.append(
            Weighed(
                indicator.code,
                indicator.name,
                indicator.source,
                float(indicator.weight),
                indicator.direction,
                rule.describe(),
                source.is_rate,
                rule,
            )
        )
    return weighed


def measure_all(sources: set[str], unit_kind: str, period: Period, unit_ids: list[int]) -> dict:
    """{source key: {unit id: (numerator, denominator)}}: one call of each source."""
    kind = SOURCE_UNIT_KIND[unit_kind]
    measured = {}
    for key in sorted(sources):
        source = indicator_sources()[key]
        if len(source.unit_kinds) > 1:
            measured[key] = source.measure(period, unit_ids, unit_kind=kind)
        else:
            measured[key] = source.measure(period, unit_ids)
    return measured


def _score_rows(weighed, units, measured, previous) -> list[Score]:
    scores = []
    for unit in units:
        measures, pairs = [], []
        for w in weighed:
            numerator, denominator = measured[w.source].get(unit.pk, (0, 0 if w.is_rate else None))
            value = value_of(numerator, denominator, is_rate=w.is_rate)
            points = w.scorer.points(value)
            pairs.append((points, w.weight))
            measures.append(
                {"code": w.code, "numerator": numerator, "denominator": denominator,
                 "value": value, "points": points, "weight": w.weight}
            )  # fmt: skip
        total, contributions = weighted_total(pairs)
        for measure, contribution in zip(measures, contributions, strict=True):
            measure["contribution"] = contribution
        before = previous.get(unit.pk)
        scores.append(
            Score(unit_id=unit.pk, unit_code=unit.code, unit_name=unit.name, total=total,
                  previous_total=before and before[0], previous_rank=before and before[1],
                  measures=measures)
        )  # fmt: skip
    for score, rank in zip(scores, ranks([s.total for s in scores]), strict=True):
        score.rank = rank
    return scores


def _corrections(published: Evaluation, units) -> list[Correction]:
    """The published month measured again: a row for every measure that came out different."""
    period = Period.parse(published.period_text)
    stored = {s.unit_id: s for s in published.scores.all()}
    sources = {i["source"] for i in published.indicators}
    measured = measure_all(sources, published.indicator_set.unit_kind, period, list(stored))
    names = {i["code"]: i for i in published.indicators}
    corrections = []
    for unit_id, score in stored.items():
        for measure in score.measures:
            indicator = names[measure["code"]]
            was = [measure["numerator"], measure["denominator"]]
            blank = [0, 0 if indicator["is_rate"] else None]
            now = list(measured[indicator["source"]].get(unit_id, blank))
            if now != was:
                corrections.append(
                    Correction(of_month=published.month, unit_id=unit_id,
                               unit_name=score.unit_name, indicator_code=indicator["code"],
                               indicator_name=indicator["name"], published=was, recomputed=now)
                )  # fmt: skip
    return corrections


def _previous(indicator_set: IndicatorSet, period: Period) -> Evaluation | None:
    month = period.previous().first
    return Evaluation.objects.filter(indicator_set=indicator_set, month=month).first()


def do_evaluate_month(indicator_set: IndicatorSet, month: Period, *, actor) -> Evaluation:
    """Every unit's measures, points, total and rank for the month, stored as a draft (a draft
    of the month already there is replaced); the previous month's published measures are
    taken again and what changed since is recorded as corrections of this month."""
    if month.text != Period.month(month.first).text:
        raise InvalidInput(_("An evaluation covers one calendar month."))
    check_manager(actor, indicator_set.area)
    with transaction.atomic():
        # One evaluation of a set at a time: a second run waits, then replaces the first.
        indicator_set = IndicatorSet.objects.select_for_update().get(pk=indicator_set.pk)
        evaluation = Evaluation.objects.filter(
            indicator_set=indicator_set, month=month.first
        ).first()
        if evaluation is not None and evaluation.is_published:
            raise Conflict(_("The month is published; it no longer changes."))
        weighed = _weighed(indicator_set)
        units = units_of(indicator_set)
        measured = measure_all(
            {w.source for w in weighed}, indicator_set.unit_kind, month, [u.pk for u in units]
        )
        previous = _previous(indicator_set, month)
        before = {}
        if previous is not None:
            before = {s.unit_id: (s.total, s.rank) for s in previous.scores.all()}
        scores = _score_rows(weighed, units, measured, before)
        corrections = []
        if previous is not None and previous.is_published:
            corrections = _corrections(previous, units)
        if evaluation is None:
            evaluation = Evaluation(indicator_set=indicator_set, month=month.first)
        else:
            evaluation.scores.all().delete()
            evaluation.corrections.all().delete()
        evaluation.status = EvaluationStatus.DRAFT
        evaluation.computed_at = timezone.now()
        evaluation.indicators = [w.snapshot() for w in weighed]
        evaluation.save()
        for row in (*scores, *corrections):
            row.evaluation = evaluation
        Score.objects.bulk_create(scores)
        Correction.objects.bulk_create(corrections)
        audit.record(
            "evaluation.evaluated",
            actor=actor,
            target=evaluation,
            summary=f"{indicator_set.code} {month}: {len(scores)} units",
        )
    return evaluation


def do_publish_evaluation(evaluation: Evaluation, *, actor) -> Evaluation:
    """Freeze a month: from now on it is never computed again (refused with 409)."""
    check_manager(actor, evaluation.indicator_set.area)
    with transaction.atomic():
        # The set's row first, as an evaluation takes it: every write to a set's months waits
        # its turn in one order (no deadlock with a run of the same month).
        indicator_set = IndicatorSet.objects.select_for_update().get(pk=evaluation.indicator_set_id)
        evaluation = Evaluation.objects.get(pk=evaluation.pk)
        evaluation.indicator_set = indicator_set
        if evaluation.is_published:
            raise Conflict(_("The month is already published."))
        evaluation.status = EvaluationStatus.PUBLISHED
        evaluation.published_at = timezone.now()
        evaluation.published_by = actor if _is_person(actor) else None
        evaluation.save(update_fields=["status", "published_at", "published_by"])
        audit.record(
            "evaluation.published",
            actor=actor,
            target=evaluation,
            summary=f"{evaluation.indicator_set.code} {evaluation.period_text}",
        )
    return evaluation
