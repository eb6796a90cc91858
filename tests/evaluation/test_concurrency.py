"""Two people evaluating the same month at once, or one publishing it meanwhile: one
evaluation, one score per unit, never a published month computed again."""

import pytest

from gridgov.core.errors import Conflict
from gridgov.evaluation.actions import do_evaluate_month, do_publish_evaluation
from gridgov.evaluation.models import Evaluation, Score
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, OTHER_TOWN
from tests.evaluation.conftest import COUNTY, MARCH, closed, make_town_set
from tests.threads import committed, in_threads, threads_on_a_database_file


@pytest.mark.django_db(transaction=True)
def test_parallel_runs_of_a_month_leave_one_evaluation_with_one_score_per_unit(
    _demo_snapshot, transactional_db, tmp_path
):
    with threads_on_a_database_file(tmp_path):

        def prepare():
            closed(DEMO_TOWN)
            closed(OTHER_TOWN)
            return make_town_set()

        town_set = committed(prepare)
        first = committed(lambda: do_evaluate_month(town_set, MARCH, actor="test"))

        def evaluate():
            return do_evaluate_month(town_set, MARCH, actor="test")

        def publish():
            return do_publish_evaluation(first, actor="test")

        results = in_threads(evaluate, evaluate, publish, evaluate)
        stored = committed(
            lambda: (
                list(Evaluation.objects.filter(indicator_set=town_set)),
                Score.objects.filter(evaluation__indicator_set=town_set).count(),
                Region.objects.filter(level="town", county__code=COUNTY).count(),
            )
        )
    evaluations, scores, towns = stored
    assert all(isinstance(r, Evaluation | Conflict) for r in results), results
    assert not isinstance(results[2], Conflict)  # publishing a draft always succeeds
    assert len(evaluations) == 1 and evaluations[0].is_published
    assert scores == towns
