"""The areas' indicator sources, as the registry lists them, and supervision's rate against
the findings it counts."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core.dates import Period
from gridgov.core.registry import indicator_sources
from gridgov.regions.models import Region
from gridgov.supervision.evaluation import measure
from gridgov.supervision.models import Finding

pytestmark = pytest.mark.django_db


def test_the_events_and_supervision_declare_their_rates_for_towns_and_departments():
    sources = indicator_sources()
    for key in (
        "events.accepted_in_time",
        "events.handled_on_time",
        "events.closed",
        "events.rework",
        "events.verified_on_time",
        "supervision.rectified_on_time",
    ):
        assert set(sources[key].unit_kinds) == {"region", "department"}, key


def test_findings_rectified_on_time_count_as_the_findings_say(django_assert_num_queries):
    today = timezone.localdate()
    year = Period.between(today - dt.timedelta(days=365), today)
    start, end = year.bounds()
    findings = Finding.objects.filter(found_at__gte=start, found_at__lt=end, deadline__isnull=False)
    findings = findings.exclude(status="dismissed").exclude(town__isnull=True)
    expected: dict = {}
    for f in findings:
        n, d = expected.get(f.town_id, (0, 0))
        on_time = f.rectified_at is not None and timezone.localdate(f.rectified_at) <= f.deadline
        expected[f.town_id] = (n + on_time, d + 1)
    assert expected, "the demo has assigned findings"
    towns = list(Region.objects.filter(level="town").values_list("pk", flat=True))
    with django_assert_num_queries(2):
        assert measure(year, towns) == expected
    departments = {f.department_id for f in findings if f.department_id}
    by_unit = measure(year, departments, unit_kind="department")
    assert set(by_unit) == departments
