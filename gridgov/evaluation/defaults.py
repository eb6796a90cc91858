"""The default indicator set: GB/T 30428.4's rates of the closed loop, weighed as command
centres commonly weigh them (weights add up to 100)."""

from decimal import Decimal

from .actions import do_save_indicator, do_save_indicator_set
from .choices import Direction, ScoringRule
from .models import Indicator, IndicatorSet

# code, name, source, weight, direction, rule, floor, target, thresholds
GBT_30428_4 = (
    ("JSSL", "及时受理率", "events.accepted_in_time", 20, Direction.HIGHER, ScoringRule.LINEAR,
     80, 100, ""),
    ("AQCZ", "按期处置率", "events.handled_on_time", 30, Direction.HIGHER, ScoringRule.LINEAR,
     60, 100, ""),
    ("JAL", "结案率", "events.closed", 25, Direction.HIGHER, ScoringRule.LINEAR, 60, 100, ""),
    ("FGL", "返工率", "events.rework", 10, Direction.LOWER, ScoringRule.LINEAR, 20, 0, ""),
    ("ASHC", "按时核查率", "events.verified_on_time", 15, Direction.HIGHER,
     ScoringRule.THRESHOLDS, None, None, "95:100,90:80,80:60,0:40"),
)  # fmt: skip


def create_default_set(code: str, name: str, area, unit_kind: str, *, actor) -> IndicatorSet:
    indicator_set = do_save_indicator_set(
        IndicatorSet(code=code, name=name, area=area, unit_kind=unit_kind), actor=actor
    )
    for order, row in enumerate(GBT_30428_4):
        code_, name_, source, weight, direction, rule, floor, target, thresholds = row
        do_save_indicator(
            Indicator(
                indicator_set=indicator_set, code=code_, name=name_, source=source,
                weight=Decimal(weight), direction=direction, rule=rule, floor=floor,
                target=target, thresholds=thresholds, sort_order=order,
            ),
            actor=actor,
        )  # fmt: skip
    return indicator_set
