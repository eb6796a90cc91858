"""Night construction's figures against a hand-computed example: two sites of 长水街道, three
years ago (before any demo data), one of them under an approved filing from 1 July.

Site A — approved 1 July; rejected and pending filings too; one inspection.
  noise complaints: 100 m N (10 Mar), 150 m E (20 May)            → 2 before
                    50 m S (15 Aug)                                 → 1 after
                    180 m E + 180 m N (≈255 m: in the box, not the circle), 300 m W,
                    a non-noise event 100 m N, one 100 m N on 31 Dec the year before → none
Site B — one rejected filing, never approved.
  noise complaints: 20 m (1 Apr), 120 m (1 Oct)                   → 2, without a filing
"""

import datetime as dt
import math

import pytest
from django.utils import timezone

from gridgov.events.actions import ReportData, do_report_event
from gridgov.events.models import Event
from gridgov.filings import kpi
from gridgov.filings.actions import do_approve_filing, do_submit_filing
from gridgov.filings.api import kpi_query_from
from gridgov.filings.kpi import KpiQuery, night_construction_kpis
from gridgov.filings.models import NightWorkFiling
from gridgov.filings.workflow import FILING_WORKFLOW
from gridgov.inspections.actions import (
    ChecklistData,
    InspectionData,
    ScenarioData,
    do_create_inspection,
    do_create_scenario,
)
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTask
from gridgov.org.choices import DepartmentKind
from gridgov.org.models import Department
from gridgov.powers.choices import PowerKind
from gridgov.regions.models import Region
from tests.conftest import OTHER_TOWN, client_for
from tests.inspections.conftest import make_power

from .conftest import filing_data, make_site, point_in

pytestmark = pytest.mark.django_db
M = kpi.METRES_PER_DEGREE
YEAR = timezone.localdate().year - 3


def at(month, day, year=YEAR) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12))


def offset(site, north_m=0.0, east_m=0.0) -> tuple[float, float]:
    return (
        site.lon + east_m / (M * math.cos(math.radians(site.lat))),
        site.lat + north_m / M,
    )


def complaint(actor, site, when, *, north=0.0, east=0.0, category="0201"):
    lon, lat = offset(site, north, east)
    event = do_report_event(
        ReportData(title="夜间施工噪声", category=category, lon=lon, lat=lat, source="citizen"),
        actor=actor,
    )
    Event.objects.filter(pk=event.pk).update(reported_at=when)
    return event


def filed(site, actor, submitted_at, later=0):
    """A filing of `site`; `later` moves its nights on by whole filings (a site's nights are
    filed once)."""
    first = timezone.localdate() + dt.timedelta(days=3 * later)
    nights = {"first_night": first.isoformat(), "last_night": (first + dt.timedelta(2)).isoformat()}
    filing = do_submit_filing(filing_data(site, **nights), actor=actor)
    NightWorkFiling.objects.filter(pk=filing.pk).update(submitted_at=submitted_at)
    return filing


@pytest.fixture
def example(admin_user, dispatcher_other_town, housing_officer):
    lon, lat = point_in(OTHER_TOWN)
    a = make_site(admin_user, name="长水测试工地A", lon=lon, lat=lat)
    b_lon, b_lat = offset(a, north_m=-1500)
    b = make_site(admin_user, name="长水测试工地B", lon=b_lon, lat=b_lat)
    staff = dispatcher_other_town
    approved = filed(a, staff, at(6, 28))
    do_approve_filing(approved.pk, actor=housing_officer)
    pivot = at(7, 1) - dt.timedelta(hours=12)  # midnight, 1 July
    NightWorkFiling.objects.filter(pk=approved.pk).update(decided_at=pivot)
    FILING_WORKFLOW.act(
        filed(a, staff, at(8, 1), 1).pk, "reject", actor=housing_officer, note="理由不充分"
    )
    filed(a, staff, at(9, 1), 2)
    FILING_WORKFLOW.act(
        filed(b, staff, at(5, 5)).pk, "reject", actor=housing_officer, note="措施不具体"
    )
    for when, north, east in [((3, 10), 100, 0), ((5, 20), 0, 150), ((8, 15), -50, 0),
                              ((8, 16), 180, 180), ((8, 17), 0, -300)]:  # fmt: skip
        complaint(admin_user, a, at(*when), north=north, east=east)
    complaint(admin_user, a, at(8, 20), north=100, category="0101")
    complaint(admin_user, a, at(12, 31, YEAR - 1), north=100)
    complaint(admin_user, b, at(4, 1), east=20)
    complaint(admin_user, b, at(10, 1), north=-120)
    _inspect(a, staff, at(6, 1))
    return {"a": a, "b": b, "town": Region.objects.get(code=OTHER_TOWN)}


def _inspect(site, actor, when):
    county = Region.objects.get(code="330402")
    check = make_power("T-YJ-1", PowerKind.INSPECTION, "330402-ZHZFJ", "夜间施工噪声检查")
    scenario = do_create_scenario(
        ScenarioData(
            jurisdiction=county,
            code="T-YJSG",
            name="夜间施工",
            department_kinds=[DepartmentKind.COMPREHENSIVE_ENFORCEMENT],
            target_kinds=[TargetKind.CONSTRUCTION_SITE],
            yearly_cap=12,
            checklist=[
                ChecklistData(DepartmentKind.COMPREHENSIVE_ENFORCEMENT, "夜间施工噪声", check.pk)
            ],
        ),
        actor="test",
    )
    squad = Department.objects.get(code=f"{OTHER_TOWN}-ZD")
    task = do_create_inspection(
        InspectionData(scenario=scenario, target=site, departments=[squad]), actor=actor
    )
    InspectionTask.objects.filter(pk=task.pk).update(created_at=when)


@pytest.fixture
def no_warning_app(monkeypatch):
    """The warnings column's hook answers nothing, whatever the early-warning app holds."""
    monkeypatch.setattr(kpi, "warning_counts", lambda user, ids, start, end: {})


def figures_for(user, town):
    start = timezone.make_aware(dt.datetime(YEAR, 1, 1))
    end = timezone.make_aware(dt.datetime(YEAR + 1, 1, 1))
    return night_construction_kpis(user, KpiQuery(region=town, start=start, end=end))


def test_complaints_near_each_site_are_split_at_its_first_approval(
    example, county_leader, no_warning_app
):
    figures = figures_for(county_leader, example["town"])
    rows = {row["id"]: row for row in figures["sites"]}
    a, b = rows[example["a"].pk], rows[example["b"].pk]
    assert (a["complaints_before"], a["complaints_after"]) == (2, 1)
    assert a["first_approved_at"] == at(7, 1) - dt.timedelta(hours=12)
    # 2 in the days from 1 January to 1 July, 1 in those from 1 July to the year's end.
    before = (dt.date(YEAR, 7, 1) - dt.date(YEAR, 1, 1)).days
    after = (dt.date(YEAR + 1, 1, 1) - dt.date(YEAR, 7, 1)).days
    assert a["complaints_before_per_30_days"] == round(2 * 30 / before, 2)
    assert a["complaints_after_per_30_days"] == round(1 * 30 / after, 2)
    assert (b["complaints_before"], b["complaints_after"]) == (2, None)
    assert b["first_approved_at"] is None
    assert b["complaints_after_per_30_days"] is None


def test_filings_inspections_and_cases_are_counted_per_site_and_added_up(
    example, county_leader, no_warning_app
):
    figures = figures_for(county_leader, example["town"])
    rows = {row["id"]: row for row in figures["sites"]}
    a, b = rows[example["a"].pk], rows[example["b"].pk]
    assert a["filings"] == {
        "submitted": 3, "approved": 1, "rejected": 1, "revoked": 0, "pending": 1,
    }  # fmt: skip
    assert b["filings"] == {
        "submitted": 1, "approved": 0, "rejected": 1, "revoked": 0, "pending": 0,
    }  # fmt: skip
    assert (a["inspections"], a["cases"], a["warnings"]) == (1, 0, 0)
    assert (b["inspections"], b["cases"]) == (0, 0)
    totals = figures["totals"]  # the demo has nothing this long ago
    assert totals["filings"] == {
        "submitted": 4, "approved": 1, "rejected": 2, "revoked": 0, "pending": 1,
    }  # fmt: skip
    assert (totals["complaints_before"], totals["complaints_after"]) == (2, 1)
    assert totals["complaints_without_filing"] == 2
    assert (totals["inspections"], totals["cases"], totals["warnings"]) == (1, 0, 0)
    assert sum(area["filings"]["submitted"] for area in figures["by_area"]) == 4
    assert (figures["from"], figures["to"]) == (f"{YEAR}-01-01", f"{YEAR}-12-31")


def test_the_figures_are_computed_with_a_fixed_number_of_queries(
    example, county_leader, no_warning_app, django_assert_max_num_queries
):
    county = Region.objects.get(code="330402")
    with django_assert_max_num_queries(10):
        figures = figures_for(county_leader, county)
    assert figures["totals"]["sites"] >= 2


def test_warnings_come_from_the_early_warning_app_when_it_offers_them(
    example, county_leader, monkeypatch
):
    monkeypatch.setattr(kpi, "warning_counts", lambda user, ids, start, end: {example["a"].pk: 3})
    figures = figures_for(county_leader, example["town"])
    rows = {row["id"]: row for row in figures["sites"]}
    assert rows[example["a"].pk]["warnings"] == 3 and rows[example["b"].pk]["warnings"] == 0
    assert figures["totals"]["warnings"] == 3


def test_without_the_early_warning_app_there_is_no_warnings_column(county_leader, monkeypatch):
    monkeypatch.setattr(kpi.apps, "is_installed", lambda name: name != "gridgov.alerts")
    assert kpi.warning_counts(county_leader, [1], None, None) is None


def test_the_api_gives_the_same_figures(example, county_leader, no_warning_app):
    params = {"region": OTHER_TOWN, "from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
    body = client_for(county_leader).get("/api/v1/kpi/night-construction", params).json()
    assert body["totals"]["filings"]["submitted"] == 4
    assert body["totals"]["complaints_before"] == 2
    query = kpi_query_from(county_leader, params)
    assert query.region.code == OTHER_TOWN
    page = client_for(county_leader).get("/filings/kpi/", params).content.decode()
    assert "长水测试工地A" in page and "夜间施工统计" in page


def test_the_warnings_hook_asks_the_early_warning_app(example, county_leader):
    start = timezone.make_aware(dt.datetime(YEAR, 1, 1))
    end = timezone.make_aware(dt.datetime(YEAR + 1, 1, 1))
    assert kpi.warning_counts(county_leader, [example["b"].pk], start, end) == {}
    figures = figures_for(county_leader, example["town"])
    assert figures["totals"]["warnings"] == 0
