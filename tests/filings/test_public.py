"""The public lookup: a neighbour finds the valid filings of a site, without an account, and
never sees the people behind them; lookups and filings are counted per address."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.filings.actions import do_approve_filing, do_submit_filing
from gridgov.filings.choices import FilingChannel, FilingStatus
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.workflow import FILING_WORKFLOW

from .conftest import HOUSING, filing_data, one_night

pytestmark = pytest.mark.django_db

PEOPLE = ("沈建国", "13857300001", "138****0001")


@pytest.fixture
def limits(settings):
    settings.GRIDGOV_PUBLIC_LOOKUP_LIMIT = {"limit": 3, "seconds": 3600}
    settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT = {"limit": 2, "seconds": 3600}
    return settings


def test_the_lookup_shows_a_sites_valid_filings_without_the_people(approved, site):
    page = Client().get("/public/filings/", {"q": "东栅测试地块"})
    assert page.status_code == 200
    html = page.content.decode()
    assert site.name in html
    assert approved.company_name in html and "混凝土连续浇筑" in html
    assert "22:00" in html and "06:00" in html and "55 dB(A)" in html
    assert "南湖区住房和城乡建设局" in html
    assert "夜间施工" in html  # Chinese by default
    for personal in PEOPLE:
        assert personal not in html


def test_the_lookup_finds_a_site_by_its_address_too(approved):
    html = Client().get("/public/filings/", {"q": "测试路1号"}).content.decode()
    assert approved.company_name in html


def test_filings_that_are_not_approved_or_are_over_are_not_shown(
    site, dispatcher_town, housing_officer
):
    pending = do_submit_filing(
        filing_data(site, company_name="待审批公司", **one_night(0)), actor=dispatcher_town
    )
    rejected = do_submit_filing(
        filing_data(site, company_name="被驳回公司", **one_night(1)), actor=dispatcher_town
    )
    over = do_submit_filing(
        filing_data(site, company_name="已结束公司", **one_night(2)), actor=dispatcher_town
    )
    FILING_WORKFLOW.act(rejected.pk, "reject", actor=housing_officer, note="理由不充分")
    do_approve_filing(over.pk, actor=housing_officer)
    long_ago = timezone.localdate() - dt.timedelta(days=5)
    NightWorkFiling.objects.filter(pk=over.pk).update(first_night=long_ago, last_night=long_ago)
    html = Client().get("/public/filings/", {"q": site.name}).content.decode()
    for company in ("待审批公司", "被驳回公司", "已结束公司"):
        assert company not in html
    assert pending.status == FilingStatus.SUBMITTED


def test_the_public_api_lists_valid_filings_by_site_without_an_account(approved, site):
    response = Client().get("/api/v1/public/filings", {"site": site.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["number"] == approved.number and row["site"]["name"] == site.name
    assert row["department"] == "南湖区住房和城乡建设局"
    assert not {"contact_name", "contact_phone"} & set(row)
    assert not any(p in response.content.decode() for p in PEOPLE)
    by_words = Client().get("/api/v1/public/filings", {"q": "东栅测试地块"}).json()
    assert [r["number"] for r in by_words["results"]] == [approved.number]


def test_the_public_api_needs_a_site_or_words(db):
    assert Client().get("/api/v1/public/filings").status_code == 400
    assert Client().get("/api/v1/public/filings", {"site": "abc"}).status_code == 400
    assert Client().get("/api/v1/public/filings", {"site": 2**80}).status_code == 400


def test_lookups_are_rate_limited_per_address(limits, approved):
    page, api = Client(), Client()
    for _ in range(2):
        assert page.get("/public/filings/", {"q": "东栅"}).status_code == 200
    assert api.get("/api/v1/public/filings", {"q": "东栅"}).status_code == 200
    assert page.get("/public/filings/", {"q": "东栅"}).status_code == 429
    assert api.get("/api/v1/public/filings", {"q": "东栅"}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert elsewhere.get("/public/filings/", {"q": "东栅"}).status_code == 200
    # Opening the empty search page is not a lookup.
    assert page.get("/public/filings/").status_code == 200


def test_a_company_files_on_the_public_page_and_gets_its_number(site):
    client = Client()
    form = client.get("/public/filings/new/", {"site": site.pk})
    assert form.status_code == 200 and site.name in form.content.decode()
    values = vars(filing_data(site))
    response = client.post("/public/filings/new/", values)
    assert response.status_code == 302
    done = client.get(response["Location"]).content.decode()
    filing = NightWorkFiling.objects.get(site=site)
    assert filing.number in done
    assert filing.channel == FilingChannel.PUBLIC and filing.department.code == HOUSING
    # The number is shown once.
    assert client.get("/public/filings/new/done/").status_code == 302


def test_a_public_filing_with_mistakes_shows_them_and_keeps_what_was_typed(site):
    values = vars(filing_data(site, company_uscc="BAD", noise_limit_db="70"))
    response = Client().post("/public/filings/new/", values)
    assert response.status_code == 400
    html = response.content.decode()
    assert "嘉兴测试建设工程有限公司" in html and "errorlist" in html
    assert not NightWorkFiling.objects.filter(site=site).exists()


def test_public_filings_are_rate_limited_per_address(limits, site):
    client = Client()
    bad = vars(filing_data(site, company_uscc="BAD"))
    assert [client.post("/public/filings/new/", bad).status_code for _ in range(3)] == [
        400,
        400,
        429,
    ]


def test_an_unknown_site_sends_the_company_back_to_the_lookup(db):
    assert Client().get("/public/filings/new/", {"site": "x"}).status_code == 302
    assert Client().get("/public/filings/new/", {"site": 2**70}).status_code == 302
