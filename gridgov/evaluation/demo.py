"""The demo's evaluations: the GB/T 30428.4 set for the towns of the demo county, last month
evaluated and published, this month evaluated as a draft (from the events step's year)."""

from django.utils import timezone

from gridgov.core.dates import Period
from gridgov.org.demo import SEED_COUNTY
from gridgov.regions.models import Region

from .actions import do_evaluate_month, do_publish_evaluation
from .choices import UnitKind
from .defaults import create_default_set
from .models import IndicatorSet

DEMO_SET = f"KH-{SEED_COUNTY}-ZJ"


def load_demo_evaluation(*, actor) -> int:
    """The months evaluated (0 when the county is missing or the set already there)."""
    county = Region.objects.filter(code=SEED_COUNTY).defer("boundary").first()
    if county is None or IndicatorSet.objects.filter(code=DEMO_SET).exists():
        return 0
    indicator_set = create_default_set(
        DEMO_SET, f"{county.name}镇街考核（GB/T 30428.4）", county, UnitKind.TOWNS, actor=actor
    )
    this_month = Period.month(timezone.localdate())
    last = do_evaluate_month(indicator_set, this_month.previous(), actor=actor)
    do_publish_evaluation(last, actor=actor)
    do_evaluate_month(indicator_set, this_month, actor=actor)
    return 2
