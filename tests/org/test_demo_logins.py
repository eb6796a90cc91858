"""The demo gives every department and agency of 南湖区 an officer with a login, so that every
story can be played as the demo's own people."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from gridgov.org.choices import DepartmentKind, Role
from gridgov.org.demo import DEMO_PASSWORD, demo_logins, unit_login
from gridgov.org.models import Department, Staff

pytestmark = pytest.mark.django_db


def nanhu_units():
    return Department.objects.filter(region__county__code="330402").exclude(
        kind__in=[DepartmentKind.COMMAND_CENTRE, DepartmentKind.DISCIPLINE]
    )


def test_every_department_and_agency_of_nanhu_has_an_officer_login():
    units = list(nanhu_units())
    assert len(units) >= 23  # 16 departments and 7 agencies, with the towns' squads and stations
    for unit in units:
        staff = Staff.objects.select_related("user").get(user__username=unit_login(unit.code))
        assert staff.role == Role.OFFICER and staff.department_id == unit.pk
        assert staff.user.check_password(DEMO_PASSWORD)


def test_the_housing_bureau_officer_signs_in_with_the_demo_password():
    response = Client().post(
        "/accounts/login/", {"username": "officer-330402-ZJJ", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_load_demo_lists_the_unit_officers_after_the_role_logins():
    usernames = [login.username for login in demo_logins()]
    assert usernames[:8] == [
        "admin", "leader", "dispatcher", "officer", "supervisor", "gridworker", "microgrid",
        "gateway",
    ]  # fmt: skip
    assert "officer-330402-ZJJ" in usernames and "officer-330402-SCJG" in usernames
    assert len(usernames) == 8 + nanhu_units().count()


def test_load_demo_prints_the_unit_officers():
    out = io.StringIO()
    call_command("load_demo", scale="small", stdout=out)
    assert "officer-330402-ZJJ" in out.getvalue()


def test_the_housing_bureaus_demo_officer_approves_a_submitted_filing_through_the_api():
    from gridgov.filings.models import NightWorkFiling as Filing

    filing = Filing.objects.filter(status="submitted", department__code="330402-ZJJ").first()
    assert filing is not None, "the demo has filings waiting for 住建局"
    signed_in = Client().post(
        "/api/v1/auth/token",
        {"username": "officer-330402-ZJJ", "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert signed_in.status_code == 201
    phone = Client(HTTP_AUTHORIZATION=f"Bearer {signed_in.json()['token']}")
    response = phone.post(
        f"/api/v1/filings/{filing.number}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    filing.refresh_from_db()
    assert filing.status == "approved"
