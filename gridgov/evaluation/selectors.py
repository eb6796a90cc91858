"""Reads of the evaluation on behalf of a user, always through `scoped`: a set's rankings are
seen by the staff of its area and of the areas above it (anything else is 404)."""

from django.db.models import F
from django.utils.translation import gettext as _

from gridgov.core.dates import Period
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.org.scoping import scoped

from .models import Evaluation, IndicatorSet, Score


def month_of(text: str | None) -> Period:
    """The calendar month a URL names (2026-11); InvalidInput for anything else."""
    period = Period.parse(text)
    if period.text != Period.month(period.first).text:
        raise InvalidInput(_("Give a month: 2026-11."))
    return period


def sets_for(user):
    return scoped(IndicatorSet.objects.select_related("area"), user).defer("area__boundary")


def set_for(user, code: str) -> IndicatorSet:
    found = sets_for(user).filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def evaluations_of(indicator_set: IndicatorSet):
    return indicator_set.evaluations.order_by("-month")


def evaluation_for(user, code: str, month: Period) -> Evaluation:
    """The set's evaluation of the month; 404 when the set is out of sight or the month was
    never evaluated."""
    found = (
        scoped(Evaluation.objects.select_related("indicator_set"), user)
        .filter(indicator_set__code=code, month=month.first)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def ranking_of(evaluation: Evaluation):
    """Its scores, best first (unranked units last)."""
    return evaluation.scores.order_by(F("rank").asc(nulls_last=True), "unit_code")


def score_for(evaluation: Evaluation, unit_code: str) -> Score:
    found = evaluation.scores.filter(unit_code=unit_code).first()
    if found is None:
        raise NotFound()
    return found


def explained(evaluation: Evaluation, score: Score) -> list[dict]:
    """Each indicator of a unit's score: what was counted, the rate, the rule, points, weight
    and contribution — why it scored what it scored."""
    by_code = {m["code"]: m for m in score.measures}
    return [
        {**indicator, **by_code.get(indicator["code"], {})} for indicator in evaluation.indicators
    ]


def corrections_of(evaluation: Evaluation):
    return evaluation.corrections.all()
