"""Generous limits are counted in batches: fewer shared writes, the same limit."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core import ratelimit
from gridgov.core.models import RateCounter

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 5, 4, 10, 0, 30))


@pytest.fixture(autouse=True)
def fresh_batches(monkeypatch):
    monkeypatch.setattr(ratelimit, "_BATCHES", ratelimit._Batches())


def shared_count(bucket):
    return RateCounter.objects.get(bucket=bucket).count


def test_a_batched_limit_lets_exactly_the_limit_through_in_one_process():
    answers = [ratelimit.allow("t:a", limit=30, seconds=60, batch=5, now=NOW) for _ in range(40)]
    assert answers == [True] * 30 + [False] * 10
    assert shared_count("t:a") == 40


def test_far_from_the_limit_the_shared_count_is_written_once_a_batch(django_assert_num_queries):
    for _ in range(4):
        ratelimit.allow("t:b", limit=300, seconds=60, batch=10, now=NOW)
    assert not RateCounter.objects.filter(bucket="t:b").exists()
    with django_assert_num_queries(0):
        for _ in range(5):
            ratelimit.allow("t:b", limit=300, seconds=60, batch=10, now=NOW)
    ratelimit.allow("t:b", limit=300, seconds=60, batch=10, now=NOW)
    assert shared_count("t:b") == 10


def test_another_processs_count_brings_this_one_to_count_exactly():
    # Another process has already used most of the window.
    RateCounter.objects.create(bucket="t:c", window_start=NOW.replace(second=0), count=28)
    answers = [ratelimit.allow("t:c", limit=30, seconds=60, batch=5, now=NOW) for _ in range(5)]
    # The first batch is added at its fifth request, which finds the limit passed.
    assert answers == [True, True, True, True, False]
    assert [ratelimit.allow("t:c", limit=30, seconds=60, batch=5, now=NOW)] == [False]


def test_a_new_window_starts_counting_afresh():
    for _ in range(30):
        ratelimit.allow("t:d", limit=30, seconds=60, batch=5, now=NOW)
    assert not ratelimit.allow("t:d", limit=30, seconds=60, batch=5, now=NOW)
    later = NOW + dt.timedelta(seconds=60)
    assert ratelimit.allow("t:d", limit=30, seconds=60, batch=5, now=later)


def test_an_unbatched_limit_writes_every_request():
    for _ in range(3):
        ratelimit.allow("t:e", limit=300, seconds=60, now=NOW)
    assert shared_count("t:e") == 3
