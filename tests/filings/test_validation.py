"""A filing is checked before anything is written: every problem at once, by field."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.utils import timezone

from gridgov.core.errors import InvalidInput
from gridgov.filings.actions import MAX_NIGHTS, do_submit_filing
from gridgov.filings.models import NightWorkFiling
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget

from .conftest import filing_data, make_site, valid_uscc

pytestmark = pytest.mark.django_db


def refused_fields(target, actor, **overrides) -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        do_submit_filing(filing_data(target, **overrides), actor=actor)
    assert not NightWorkFiling.objects.filter(site=target).exists()
    return [d["field"] for d in refused.value.details]


def days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


def test_a_credit_code_with_a_wrong_check_character_is_refused(site, dispatcher_town):
    good = valid_uscc()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert refused_fields(site, dispatcher_town, company_uscc=wrong) == ["company_uscc"]
    assert refused_fields(site, dispatcher_town, company_uscc="91330402") == ["company_uscc"]


def test_a_credit_code_is_read_in_capitals(site, dispatcher_town):
    filing = do_submit_filing(
        filing_data(site, company_uscc=valid_uscc().lower()), actor=dispatcher_town
    )
    assert filing.company_uscc == valid_uscc()


def test_a_period_longer_than_the_most_nights_is_refused(site, dispatcher_town):
    assert refused_fields(site, dispatcher_town, last_night=days(MAX_NIGHTS)) == ["last_night"]
    filing = do_submit_filing(
        filing_data(site, last_night=days(MAX_NIGHTS - 1)), actor=dispatcher_town
    )
    assert filing.night_count == MAX_NIGHTS


def test_a_period_that_ends_before_it_starts_is_refused(site, dispatcher_town):
    fields = refused_fields(site, dispatcher_town, first_night=days(5), last_night=days(3))
    assert fields == ["last_night"]


def test_nights_that_have_passed_or_lie_too_far_ahead_are_refused(site, dispatcher_town):
    assert refused_fields(site, dispatcher_town, first_night=days(-1)) == ["first_night"]
    fields = refused_fields(site, dispatcher_town, first_night=days(120), last_night=days(121))
    assert fields == ["first_night"]


@pytest.mark.parametrize(
    ("start", "end"),
    [("22:00", "22:00"), ("08:00", "18:00"), ("06:00", "21:59"), ("25:00", "06:00"), ("", "6")],
)
def test_hours_that_are_empty_outside_the_night_or_not_times_are_refused(
    site, dispatcher_town, start, end
):
    fields = refused_fields(site, dispatcher_town, start_time=start, end_time=end)
    assert set(fields) <= {"start_time", "end_time"} and fields


@pytest.mark.parametrize(
    ("start", "end"),
    [("22:00", "06:00"), ("20:00", "23:00"), ("00:00", "05:00"), ("21:00", "02:30")],
)
def test_hours_that_reach_into_the_night_are_accepted(site, dispatcher_town, start, end):
    filing = do_submit_filing(
        filing_data(site, start_time=start, end_time=end), actor=dispatcher_town
    )
    assert filing.start_time == dt.time.fromisoformat(start)
    assert filing.crosses_midnight == (end < start)


def test_a_noise_commitment_above_the_legal_night_limit_is_refused(site, dispatcher_town):
    assert refused_fields(site, dispatcher_town, noise_limit_db="60") == ["noise_limit_db"]
    assert refused_fields(site, dispatcher_town, noise_limit_db="loud") == ["noise_limit_db"]


def test_every_problem_is_reported_at_once(site, dispatcher_town):
    fields = refused_fields(
        site,
        dispatcher_town,
        company_name="",
        company_uscc="X",
        contact_name="",
        contact_phone="12345",
        first_night="tomorrow",
        start_time="late",
        reason="",
        noise_measures="",
    )
    assert set(fields) == {
        "company_name", "company_uscc", "contact_name", "contact_phone", "first_night",
        "start_time", "reason", "noise_measures",
    }  # fmt: skip


def test_only_an_active_construction_site_may_be_filed_for(site, dispatcher_town, admin_user):
    school = make_site(admin_user, name="东栅测试小学", nth=1)
    InspectionTarget.objects.filter(pk=school.pk).update(kind=TargetKind.SCHOOL)
    assert refused_fields(school, dispatcher_town) == ["site"]
    for missing in ("0", "abc", str(2**70), "-3"):
        with pytest.raises(InvalidInput) as refused:
            do_submit_filing(replace(filing_data(site), site=missing), actor=dispatcher_town)
        assert [d["field"] for d in refused.value.details] == ["site"]


def test_the_contact_phone_is_encrypted_at_rest_and_shown_masked(submitted):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT contact_phone FROM {NightWorkFiling._meta.db_table} WHERE id = %s",  # noqa: S608
            [submitted.pk],
        )
        stored = cursor.fetchone()[0]
    assert "13857300001" not in stored
    assert NightWorkFiling.objects.get(pk=submitted.pk).contact_phone == "13857300001"
    assert submitted.masked_contact_phone == "138****0001"
