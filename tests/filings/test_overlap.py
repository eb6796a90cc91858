"""One site, one filing per night: a second filing for nights a pending or approved filing
already covers is refused with a 409 naming it; a rejected or revoked one no longer counts."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core.errors import Conflict
from gridgov.filings.actions import (
    do_approve_filing,
    do_revoke_filing,
    do_submit_filing,
)
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.workflow import FILING_WORKFLOW
from tests.conftest import client_for

from .conftest import filing_data

pytestmark = pytest.mark.django_db


def nights(first: int, last: int) -> dict:
    today = timezone.localdate()
    return {
        "first_night": (today + dt.timedelta(days=first)).isoformat(),
        "last_night": (today + dt.timedelta(days=last)).isoformat(),
    }


@pytest.mark.parametrize("filed", ["submitted", "approved"])
def test_a_second_filing_for_overlapping_nights_is_refused_naming_the_first(
    request, filed, site, dispatcher_town
):
    first = request.getfixturevalue(filed)
    before = NightWorkFiling.objects.count()
    with pytest.raises(Conflict) as refused:
        do_submit_filing(filing_data(site, **nights(2, 4)), actor=dispatcher_town)
    assert first.number in refused.value.message
    assert NightWorkFiling.objects.count() == before


def test_the_api_answers_409_with_the_overlapping_filings_number(submitted, site, dispatcher_town):
    data = filing_data(site, **nights(1, 1)).__dict__
    response = client_for(dispatcher_town).post(
        "/api/v1/filings", data, content_type="application/json"
    )
    assert response.status_code == 409, response.content
    assert submitted.number in response.content.decode()


def test_nights_that_do_not_overlap_or_a_filing_no_longer_standing_do_not_count(
    submitted, site, dispatcher_town, housing_officer
):
    later = do_submit_filing(filing_data(site, **nights(3, 5)), actor=dispatcher_town)
    FILING_WORKFLOW.act(submitted.pk, "reject", actor=housing_officer, note="材料不全")
    again = do_submit_filing(filing_data(site, **nights(0, 2)), actor=dispatcher_town)
    do_approve_filing(later.pk, actor=housing_officer)
    do_revoke_filing(later.pk, actor=housing_officer, note="未落实降噪措施")
    last = do_submit_filing(filing_data(site, **nights(4, 4)), actor=dispatcher_town)
    assert {later.number, again.number, last.number} <= set(
        NightWorkFiling.objects.values_list("number", flat=True)
    )
