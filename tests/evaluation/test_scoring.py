"""The scoring rules and the ranking, as pure functions."""

import pytest

from gridgov.core.errors import InvalidInput
from gridgov.evaluation.choices import Direction, ScoringRule
from gridgov.evaluation.scoring import Rule, check_rule, ranks, value_of, weighted_total


def test_a_linear_rule_scores_the_floor_0_the_target_100_and_straight_between():
    rule = check_rule(ScoringRule.LINEAR, Direction.HIGHER, 60, 100, "")
    assert [rule.points(v) for v in (50, 60, 80, 100, 120)] == [0, 0, 50, 100, 100]


def test_a_lower_is_better_linear_rule_runs_from_a_higher_floor_down_to_the_target():
    rule = check_rule(ScoringRule.LINEAR, Direction.LOWER, 20, 0, "")
    assert [rule.points(v) for v in (0, 5, 20, 40)] == [100, 75, 0, 0]


def test_thresholds_give_the_points_of_the_best_bound_reached():
    higher = check_rule(ScoringRule.THRESHOLDS, Direction.HIGHER, None, None, "95:100, 90:80,80:60")
    assert [higher.points(v) for v in (99, 95, 92, 80, 79.9)] == [100, 100, 80, 60, 0]
    lower = check_rule(ScoringRule.THRESHOLDS, Direction.LOWER, None, None, "5:100,10:70")
    assert [lower.points(v) for v in (0, 5, 7, 11)] == [100, 100, 70, 0]


def test_no_data_scores_nothing_rather_than_zero():
    assert Rule(ScoringRule.LINEAR, Direction.HIGHER, 0, 100).points(None) is None
    assert value_of(0, 0, is_rate=True) is None
    assert value_of(3, 4, is_rate=True) == 75.0


@pytest.mark.parametrize(
    ("kind", "direction", "floor", "target", "thresholds"),
    [
        (ScoringRule.LINEAR, Direction.HIGHER, 100, 60, ""),
        (ScoringRule.LINEAR, Direction.LOWER, 0, 20, ""),
        (ScoringRule.LINEAR, Direction.HIGHER, None, 100, ""),
        (ScoringRule.THRESHOLDS, Direction.HIGHER, None, None, ""),
        (ScoringRule.THRESHOLDS, Direction.HIGHER, None, None, "95-100"),
        (ScoringRule.THRESHOLDS, Direction.HIGHER, None, None, "95:120"),
        ("stars", Direction.HIGHER, 0, 1, ""),
        (ScoringRule.LINEAR, "sideways", 0, 1, ""),
    ],
)
def test_a_rule_its_fields_do_not_describe_is_refused(kind, direction, floor, target, thresholds):
    with pytest.raises(InvalidInput):
        check_rule(kind, direction, floor, target, thresholds)


def test_the_total_weighs_only_the_indicators_with_data():
    total, contributions = weighted_total([(40, 60), (None, 30), (50, 40)])
    assert total == 44.0
    assert contributions == [24.0, None, 20.0]
    assert weighted_total([(None, 10)]) == (None, [None])


def test_ties_share_a_rank_and_the_next_rank_is_skipped():
    assert ranks([90, 95, 90, None, 80]) == [2, 1, 2, None, 4]
