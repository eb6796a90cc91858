"""The demo's filings: every state of the loop, some in force tonight, histories the table
can replay, the same from the same seed."""

import pytest
from django.db import transaction
from django.utils import timezone

from gridgov.filings.choices import FilingStatus, Validity
from gridgov.filings.demo import load_demo_filings
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.selectors import FilingIndex, valid_filing
from gridgov.filings.workflow import FILING_WORKFLOW

pytestmark = pytest.mark.django_db


def _load(seed=7, now=None):
    NightWorkFiling.objects.all().delete()
    count = load_demo_filings(seed=seed, actor="command:test", now=now)
    rows = NightWorkFiling.objects.order_by("pk")
    return count, [(f.site_id, f.status, f.first_night, f.last_night, f.company_name) for f in rows]


def test_the_demo_has_filings_in_every_state_and_some_in_force_tonight():
    count, _ = _load()
    filings = list(NightWorkFiling.objects.select_related("site"))
    assert count == len(filings) > 10
    assert {f.status for f in filings} == set(FilingStatus.values)
    tonight = [f for f in filings if f.validity() == Validity.CURRENT]
    assert len(tonight) >= 2
    assert all(f.county.code == "330402" for f in filings)
    assert all(f.department.code == "330402-ZJJ" for f in filings)
    horizon = timezone.now() - timezone.timedelta(days=91)
    assert all(f.submitted_at >= horizon for f in filings)
    index = FilingIndex.load()
    # Tonight is the night that began this evening, or yesterday evening after midnight.
    local_now = timezone.localtime()
    evening = local_now.date() - timezone.timedelta(days=1 if local_now.hour < 12 else 0)
    for filing in tonight:
        night_begins = timezone.make_aware(timezone.datetime.combine(evening, filing.start_time))
        moment = night_begins + timezone.timedelta(minutes=10)
        assert index.valid_at(filing.site_id, moment) is not None
        assert valid_filing(filing.site_id, moment) is not None


def test_every_demo_history_replays_to_its_state():
    _load()
    for filing in NightWorkFiling.objects.prefetch_related("timeline"):
        actions = [e.action for e in sorted(filing.timeline.all(), key=lambda e: e.seq)]
        assert FILING_WORKFLOW.replay(actions) == filing.status
        assert len(actions) == filing.version
        assert all(e.at <= timezone.now() for e in filing.timeline.all())


def test_the_same_seed_gives_the_same_filings():
    # The same moment too: dates are drawn as offsets from it, and a second's difference can
    # carry one across midnight.
    now = timezone.now()
    with transaction.atomic():
        first = _load(seed=11, now=now)[1]
        transaction.set_rollback(True)
    with transaction.atomic():
        second = _load(seed=11, now=now)[1]
        transaction.set_rollback(True)
    strip = [row[1:] for row in first]
    assert strip == [row[1:] for row in second]
