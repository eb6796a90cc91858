"""The 行政行为码 is signed once, when the inspection is created, and verified against the
inspection's state: a cancelled inspection's code no longer verifies, viewing the code does not
renew it, and a code dated in the future is not genuine."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gridgov.inspections import codes
from gridgov.inspections.models import InspectionTask
from gridgov.inspections.workflow import INSPECTION_WORKFLOW

pytestmark = pytest.mark.django_db


def verify(code: str):
    return Client().get(reverse("inspections:verify", args=[code]))


def test_the_code_is_the_same_at_every_view(joint_task, officer_squad):
    first = codes.code_for(joint_task)
    assert codes.code_for(InspectionTask.objects.get(pk=joint_task.pk)) == first
    page = Client()
    page.force_login(officer_squad)
    html = page.get(f"/inspections/{joint_task.number}/").content.decode()
    assert first in html


def test_a_cancelled_inspections_code_no_longer_verifies(joint_task, dispatcher_town):
    code = codes.code_for(joint_task)
    assert verify(code).status_code == 200
    INSPECTION_WORKFLOW.act(joint_task.pk, "cancel", actor=dispatcher_town, note="企业已关停")
    refused = verify(code)
    assert refused.status_code == 410
    assert joint_task.number not in refused.content.decode() or "取消" in refused.content.decode()


def test_the_days_count_from_the_inspection_not_from_the_last_view(joint_task, settings):
    settings.GRIDGOV_INSPECTION_CODE_DAYS = 30
    InspectionTask.objects.filter(pk=joint_task.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    task = InspectionTask.objects.get(pk=joint_task.pk)
    assert verify(codes.code_for(task)).status_code == 410  # a fresh view renews nothing


def test_a_future_dated_code_is_not_genuine(joint_task):
    later = int((joint_task.created_at + timedelta(days=300)).timestamp())
    forged = signing.Signer(salt=codes.SALT).sign_object(
        {"n": joint_task.number, "t": later}, compress=True
    )
    assert verify(forged).status_code == 400


def test_a_code_issued_before_signing_once_still_verifies_until_the_inspection_is_old(
    joint_task, settings
):
    legacy = signing.dumps({"n": joint_task.number}, salt=codes.SALT, compress=True)
    assert verify(legacy).status_code == 200
    InspectionTask.objects.filter(pk=joint_task.pk).update(
        created_at=timezone.now() - timedelta(days=settings.GRIDGOV_INSPECTION_CODE_DAYS + 1)
    )
    assert verify(legacy).status_code == 410
