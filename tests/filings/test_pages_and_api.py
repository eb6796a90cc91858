"""Staff pages and the API: who sees which filings, the decisions on a page, the figures'
permission, and lists that cost the same queries whatever they show."""

import pytest

from gridgov.core.models import AuditEntry
from gridgov.filings.actions import do_submit_filing
from gridgov.filings.choices import FilingStatus
from gridgov.filings.models import NightWorkFiling
from tests.conftest import client_for

from .conftest import filing_data, one_night

pytestmark = pytest.mark.django_db


def many(site, actor, n, after=0):
    """n filings of one site, each for a night of its own from `after` days ahead."""
    return [
        do_submit_filing(filing_data(site, **one_night(after + i)), actor=actor) for i in range(n)
    ]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/filings/", 6),
        ("/filings/?status=submitted&valid_now=1&q=测试", 6),
        ("/api/v1/filings", 5),
    ],
)
def test_a_list_costs_the_same_queries_however_many_filings_it_shows(
    site, dispatcher_town, housing_officer, django_assert_num_queries, url, queries
):
    many(site, dispatcher_town, 2)
    for user in (dispatcher_town, housing_officer):
        client = client_for(user)
        with django_assert_num_queries(queries):
            assert client.get(url, {"page_size": 2}).status_code == 200
    many(site, dispatcher_town, 6, after=2)
    client = client_for(dispatcher_town)
    with django_assert_num_queries(queries):
        assert client.get(url, {"page_size": 50}).status_code == 200


def test_the_list_is_paginated_and_filtered_by_site_and_status(site, dispatcher_town):
    many(site, dispatcher_town, 3)
    client = client_for(dispatcher_town)
    body = client.get("/api/v1/filings", {"site": site.pk, "page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    approved = client.get("/api/v1/filings", {"site": site.pk, "status": "approved"}).json()
    assert approved["count"] == 0
    assert client.get("/api/v1/filings", {"site": "x"}).status_code == 400


def test_a_dispatcher_of_another_town_sees_none_of_this_towns_filings(
    submitted, dispatcher_other_town
):
    client = client_for(dispatcher_other_town)
    assert submitted.number not in client.get("/filings/").content.decode()
    assert client.get(f"/filings/{submitted.number}/").status_code == 404
    assert client.get(f"/api/v1/filings/{submitted.number}").status_code == 404
    numbers = [r["number"] for r in client.get("/api/v1/filings").json()["results"]]
    assert submitted.number not in numbers


def test_officers_see_their_own_departments_filings_only(
    submitted, housing_officer, officer_market
):
    assert client_for(housing_officer).get(f"/filings/{submitted.number}/").status_code == 200
    assert client_for(officer_market).get(f"/filings/{submitted.number}/").status_code == 404


def test_an_officer_who_typed_a_filing_in_keeps_seeing_it(site, officer_squad):
    filing = do_submit_filing(filing_data(site), actor=officer_squad)
    assert filing.department.code == "330402-ZJJ"
    assert client_for(officer_squad).get(f"/filings/{filing.number}/").status_code == 200


def test_the_detail_page_shows_the_phone_masked_and_the_decisions_to_the_bureau(
    submitted, housing_officer, dispatcher_town
):
    page = client_for(housing_officer).get(f"/filings/{submitted.number}/").content.decode()
    assert "138****0001" in page and "13857300001" not in page
    assert 'id="act-approve"' in page and 'id="act-reject"' in page
    assert "审批通过" in page
    dispatcher_page = client_for(dispatcher_town).get(f"/filings/{submitted.number}/")
    assert 'id="act-approve"' not in dispatcher_page.content.decode()


def test_the_bureau_approves_on_the_page_and_a_rejection_without_reason_is_refused(
    submitted, housing_officer
):
    client = client_for(housing_officer)
    refused = client.post(f"/filings/{submitted.number}/act/reject/", {"note": ""})
    assert refused.status_code == 400
    response = client.post(
        f"/filings/{submitted.number}/act/approve/", {"version": submitted.version, "note": ""}
    )
    assert response.status_code == 302
    assert NightWorkFiling.objects.get(pk=submitted.pk).status == FilingStatus.APPROVED
    page = client.get(f"/filings/{submitted.number}/").content.decode()
    assert 'id="act-revoke"' in page and 'id="filing-validity"' in page


def test_revealing_the_contact_phone_is_for_those_allowed_and_audited(
    submitted, dispatcher_town, housing_officer
):
    url = f"/filings/{submitted.number}/reveal/"
    shown = client_for(dispatcher_town).post(url, {"purpose": "contact"})
    assert shown.content.decode() == "13857300001"
    assert AuditEntry.objects.filter(action="pii.reveal", target_id=str(submitted.pk)).exists()
    refused = client_for(housing_officer).post(url, {"purpose": "contact"})
    assert refused.status_code == 403 and "13857300001" not in refused.content.decode()


def test_staff_file_on_the_page_for_a_site_of_their_area(site, dispatcher_town):
    client = client_for(dispatcher_town)
    form = client.get("/filings/new/").content.decode()
    assert site.name in form
    response = client.post("/filings/new/", vars(filing_data(site)))
    assert response.status_code == 302
    filing = NightWorkFiling.objects.get(site=site)
    assert response["Location"] == filing.get_absolute_url()
    bad = client.post("/filings/new/", vars(filing_data(site, last_night="2000-01-01")))
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()


def test_grid_workers_get_no_filing_form(gridworker_a):
    assert client_for(gridworker_a).get("/filings/new/").status_code == 403


def test_the_api_files_decides_and_explains_its_refusals(site, dispatcher_town, housing_officer):
    payload = vars(filing_data(site))
    created = client_for(dispatcher_town).post("/api/v1/filings", payload, "application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "submitted" and body["contact_phone"] == "138****0001"
    assert body["start_time"] == "22:00" and body["crosses_midnight"] is True
    number = body["number"]
    officer = client_for(housing_officer)
    assert officer.get(f"/api/v1/filings/{number}").json()["actions"] == ["approve", "reject"]
    no_reason = officer.post(f"/api/v1/filings/{number}/reject", {}, "application/json")
    assert no_reason.status_code == 400
    assert officer.post(f"/api/v1/filings/{number}/fly", {}, "application/json").status_code == 404
    stale = officer.post(f"/api/v1/filings/{number}/approve", {"version": 7}, "application/json")
    assert stale.status_code == 409
    approved = officer.post(f"/api/v1/filings/{number}/approve", {"version": 1}, "application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    bad = client_for(dispatcher_town).post(
        "/api/v1/filings", {**payload, "company_uscc": "X", "start_time": "9pm"}, "application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_the_api_refuses_a_filing_with_mistakes_field_by_field(site, dispatcher_town):
    payload = vars(filing_data(site, company_uscc="91330402MA2B3C4D50", noise_limit_db=70))
    response = client_for(dispatcher_town).post("/api/v1/filings", payload, "application/json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"company_uscc", "noise_limit_db"} <= fields


def test_the_figures_need_the_statistics_capability(officer_market, county_leader):
    assert client_for(officer_market).get("/api/v1/kpi/night-construction").status_code == 403
    assert client_for(officer_market).get("/filings/kpi/").status_code == 403
    leader = client_for(county_leader)
    assert leader.get("/api/v1/kpi/night-construction").json()["region"]["code"] == "330402"
    assert leader.get("/filings/kpi/").status_code == 200
    assert leader.get("/api/v1/kpi/night-construction", {"from": "x"}).status_code == 400
    assert leader.get("/api/v1/kpi/night-construction", {"to": "9999-12-31"}).status_code == 400
    assert leader.get("/api/v1/kpi/night-construction", {"region": "330411"}).status_code == 404
    backwards = {"from": "2026-05-01", "to": "2026-01-01"}
    assert leader.get("/filings/kpi/", backwards).status_code == 400


def test_the_nav_links_to_the_filings(dispatcher_town):
    assert 'href="/filings/"' in client_for(dispatcher_town).get("/").content.decode()
