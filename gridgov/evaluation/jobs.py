"""The monthly evaluation job: at the start of a month, every active set's previous month is
evaluated as a draft (once: a month already evaluated is left for people to re-run or
publish)."""

from django.utils import timezone
from django_tasks import task

from gridgov.core.dates import Period

from .actions import do_evaluate_month
from .models import Evaluation, IndicatorSet


def evaluate_last_month(*, today=None) -> dict:
    today = today or timezone.localdate()
    month = Period.month(today).previous()
    done = {}
    for indicator_set in IndicatorSet.objects.filter(is_active=True).select_related("area"):
        if Evaluation.objects.filter(indicator_set=indicator_set, month=month.first).exists():
            continue
        if not indicator_set.indicators.exists():
            continue
        evaluation = do_evaluate_month(indicator_set, month, actor=None)
        done[indicator_set.code] = evaluation.scores.count()
    return done


@task()
def evaluate_months() -> dict:
    return evaluate_last_month()
