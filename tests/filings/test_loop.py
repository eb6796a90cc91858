"""The filing's closed loop: 报备 → approve or reject by the responsible department, and
revoking an approval; who may take each step."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from gridgov.filings.actions import (
    do_approve_filing,
    do_revoke_filing,
    do_submit_filing,
)
from gridgov.filings.choices import FilingChannel, FilingStatus, FilingStep, Validity
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.workflow import FILING_WORKFLOW
from gridgov.workflow.engine import PublicActor
from gridgov.workflow.models import Notification

from .conftest import HOUSING, filing_data

pytestmark = pytest.mark.django_db


def test_a_dispatcher_files_on_the_companys_behalf_and_the_housing_bureau_must_decide(
    submitted, site, dispatcher_town
):
    assert submitted.number.startswith("BB") and len(submitted.number) == 16
    assert submitted.status == FilingStatus.SUBMITTED
    assert submitted.department.code == HOUSING
    assert submitted.channel == FilingChannel.STAFF
    assert submitted.submitted_by == dispatcher_town
    assert (submitted.town_id, submitted.microgrid_id) == (site.town_id, site.microgrid_id)
    assert submitted.step == FilingStep.REVIEW
    # Filed for tonight: the decision is due before the night's work begins.
    begin = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(22)))
    assert submitted.due_at <= max(begin, submitted.submitted_at + dt.timedelta(hours=1))
    assert [e.action for e in submitted.timeline.all()] == ["submit"]
    assert AuditEntry.objects.filter(action="filings.submit", target_id=str(submitted.pk)).exists()


def test_the_housing_bureau_is_told_of_a_new_filing_and_the_filer_of_the_decision(
    site, housing_officer, dispatcher_town, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        filing = do_submit_filing(filing_data(site), actor=dispatcher_town)
    told = Notification.objects.filter(url=filing.get_absolute_url())
    assert told.filter(user=housing_officer).exists()
    assert not told.filter(user=dispatcher_town).exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_approve_filing(filing.pk, actor=housing_officer)
    assert told.filter(user=dispatcher_town, text__contains=filing.number).exists()


def test_an_officer_of_the_responsible_department_approves_and_the_filing_is_in_force(
    approved, housing_officer
):
    assert approved.status == FilingStatus.APPROVED
    assert approved.decided_at is not None
    assert (approved.step, approved.due_at) == ("", None)
    assert approved.validity() in (Validity.UPCOMING, Validity.CURRENT)
    history = list(approved.timeline.order_by("seq").values_list("action", "to_state"))
    assert history == [("submit", "submitted"), ("approve", "approved")]
    assert FILING_WORKFLOW.replay(a for a, _ in history) == approved.status


def test_officers_of_other_departments_do_not_even_see_the_filing(
    submitted, officer_market, officer_squad
):
    for officer in (officer_market, officer_squad):
        with pytest.raises(NotFound):
            do_approve_filing(submitted.pk, actor=officer)
    assert NightWorkFiling.objects.get(pk=submitted.pk).status == FilingStatus.SUBMITTED


def test_a_dispatcher_who_sees_the_filing_still_may_not_approve_it(submitted, dispatcher_town):
    with pytest.raises(NotPermitted):
        do_approve_filing(submitted.pk, actor=dispatcher_town)


def test_a_rejection_needs_a_reason(submitted, housing_officer):
    with pytest.raises(InvalidInput):
        FILING_WORKFLOW.act(submitted.pk, "reject", actor=housing_officer, note="  ")
    rejected = FILING_WORKFLOW.act(
        submitted.pk, "reject", actor=housing_officer, note="降噪措施不具体"
    )
    assert rejected.status == FilingStatus.REJECTED
    assert rejected.timeline.order_by("-seq").first().note == "降噪措施不具体"
    with pytest.raises(Conflict):
        do_approve_filing(submitted.pk, actor=housing_officer)


def test_only_an_approved_filing_can_be_revoked_and_only_with_a_reason(submitted, housing_officer):
    with pytest.raises(Conflict):
        do_revoke_filing(submitted.pk, actor=housing_officer, note="多次投诉")
    do_approve_filing(submitted.pk, actor=housing_officer)
    with pytest.raises(InvalidInput):
        do_revoke_filing(submitted.pk, actor=housing_officer, note="")
    revoked = do_revoke_filing(submitted.pk, actor=housing_officer, note="夜间噪声超出承诺限值")
    assert revoked.status == FilingStatus.REVOKED and revoked.revoked_at is not None
    assert revoked.validity() == ""


def test_the_worker_may_revoke_an_approval(approved):
    revoked = do_revoke_filing(approved.pk, actor="system", note="重复违规")
    assert revoked.status == FilingStatus.REVOKED


def test_a_version_seen_before_someone_else_acted_is_refused(submitted, housing_officer):
    with pytest.raises(Conflict):
        do_approve_filing(submitted.pk, actor=housing_officer, version=submitted.version + 1)


def test_a_filing_whose_nights_are_over_cannot_be_approved_or_revoked(submitted, housing_officer):
    long_ago = timezone.localdate() - dt.timedelta(days=10)
    NightWorkFiling.objects.filter(pk=submitted.pk).update(
        first_night=long_ago, last_night=long_ago
    )
    with pytest.raises(Conflict):
        do_approve_filing(submitted.pk, actor=housing_officer)
    rejected = FILING_WORKFLOW.act(submitted.pk, "reject", actor=housing_officer, note="已过期")
    assert rejected.status == FilingStatus.REJECTED


def test_an_expired_approval_has_nothing_left_to_revoke(approved, housing_officer):
    long_ago = timezone.localdate() - dt.timedelta(days=10)
    NightWorkFiling.objects.filter(pk=approved.pk).update(first_night=long_ago, last_night=long_ago)
    with pytest.raises(Conflict):
        do_revoke_filing(approved.pk, actor=housing_officer, note="多次投诉")


def test_a_company_files_on_the_public_page_without_an_account(site, housing_officer):
    filing = do_submit_filing(filing_data(site), actor=PublicActor("web:filing"))
    assert filing.channel == FilingChannel.PUBLIC and filing.submitted_by is None
    assert filing.timeline.get().actor_label == "web:filing"
    assert do_approve_filing(filing.pk, actor=housing_officer).status == FilingStatus.APPROVED


def test_grid_workers_and_leaders_do_not_file(site, gridworker_a, county_leader):
    for person in (gridworker_a, county_leader):
        with pytest.raises(NotPermitted):
            do_submit_filing(filing_data(site), actor=person)
    assert not NightWorkFiling.objects.filter(site=site).exists()


def test_staff_file_only_for_sites_in_their_own_area(site, dispatcher_other_town):
    with pytest.raises(InvalidInput) as refused:
        do_submit_filing(filing_data(site), actor=dispatcher_other_town)
    assert refused.value.details[0]["field"] == "site"


def test_the_responsible_department_may_be_named_for_one_filing(
    site, dispatcher_town, officer_squad, housing_officer
):
    squad = officer_squad.staff.department
    filing = do_submit_filing(filing_data(site, department=squad.code), actor=dispatcher_town)
    assert filing.department == squad
    with pytest.raises(NotFound):  # the housing bureau's officer no longer sees it
        do_approve_filing(filing.pk, actor=housing_officer)
    assert do_approve_filing(filing.pk, actor=officer_squad).status == FilingStatus.APPROVED


def test_a_named_department_must_work_where_the_site_is(site, dispatcher_town):
    with pytest.raises(InvalidInput) as refused:
        do_submit_filing(filing_data(site, department="330411-ZJJ"), actor=dispatcher_town)
    assert [d["field"] for d in refused.value.details] == ["department"]
