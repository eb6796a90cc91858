"""The cockpit: its figures come from the rollups and match the areas' own figures (the seed's
47.05%, 65.3%, 27.88%, 448/379/257/160, 135/35/5); it is scoped, and its queries are fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gridgov.cockpit.selectors import cockpit_data
from gridgov.core.dates import Period
from gridgov.core.errors import NotFound
from gridgov.core.registry import cockpit_tiles
from gridgov.events.kpi import KpiQuery, event_kpis
from gridgov.events.models import Event
from gridgov.regions.models import Region
from gridgov.rollups.refresh import refresh_rollups
from tests.conftest import DEMO_TOWN, OTHER_TOWN, client_for

NANHU, JIASHAN, CAMPAIGN_TOWN = "330402", "330421", "330421003"


@pytest.fixture
def everything() -> Period:
    """Every day the demo has rows on."""
    return Period.between(timezone.localdate().replace(year=2000), timezone.localdate())


def figures(data) -> dict:
    return {f["key"]: f["value"] for tile in data["tiles"] for f in tile["figures"]}


def charts(data) -> dict:
    return {f"{t['name']}.{name}": c for t in data["tiles"] for name, c in t["charts"].items()}


def test_the_county_s_cockpit_shows_the_seed_s_figures(county_leader, everything):
    values = figures(cockpit_data(county_leader, NANHU, everything))
    assert values["inspections.warning_share"] == 47.05
    assert values["org.sunk_share"] == 65.3
    assert values["powers.penalty_share"] == 27.88
    assert (values["care.visits"], values["care.problems_solved"]) == (135, 35)
    assert values["care.rest_orders"] == 5
    assert (
        values["households.canvass_coverage"] is None
        or 0 <= values["households.canvass_coverage"] <= 100
    )
    assert values["assistance.requests"] >= 0 and values["supervision.found"] >= 0


def test_the_campaign_town_s_cockpit_shows_the_seed_s_funnel(admin_user, everything):
    data = cockpit_data(admin_user, CAMPAIGN_TOWN, everything)
    funnel = charts(data)["campaigns.funnel"]
    assert funnel["labels"] == ["复评", "签约", "腾空", "拆除"]
    assert funnel["values"] == [448, 379, 257, 160]
    assert figures(data)["campaigns.items"] == 448
    assert figures(data)["campaigns.finished"] == 160


@pytest.mark.parametrize("code", [NANHU, DEMO_TOWN])
def test_the_event_figures_from_rollups_equal_those_counted_from_the_events(county_leader, code):
    region = Region.objects.get(code=code)
    period = Period.parse(str(timezone.localdate().year))
    start, end = period.bounds()
    raw = event_kpis(county_leader, KpiQuery(region=region, start=start, end=end))
    values = figures(cockpit_data(county_leader, region, period))
    assert values["events.total"] == raw["total"] > 0
    assert values["events.open"] == raw["open"]
    for rate in ("completion_rate", "on_time_rate", "rework_rate", "satisfaction_rate"):
        assert values[f"events.{rate}"] == raw[rate], rate


def test_a_new_event_is_in_the_cockpit_after_the_next_refresh(county_leader):
    refresh_rollups()
    period = Period.day(timezone.localdate())
    before = figures(cockpit_data(county_leader, NANHU, period))["events.total"]
    event = Event.objects.filter(county__code=NANHU).order_by("pk").first()
    event.pk, event.number, event.status = None, "NEW000001", "reported"
    event.reported_at = timezone.now()
    event.save()
    assert figures(cockpit_data(county_leader, NANHU, period))["events.total"] == before
    refresh_rollups()
    assert figures(cockpit_data(county_leader, NANHU, period))["events.total"] == before + 1


def test_the_children_s_figures_add_up_to_the_region_s(county_leader, everything):
    nanhu = Region.objects.get(code=NANHU)
    tile = next(t for t in cockpit_tiles() if t.name == "events")
    by_child = tile.by_child(nanhu, everything, "events.total")
    assert set(by_child) <= set(Region.objects.filter(parent=nanhu).values_list("pk", flat=True))
    assert sum(by_child.values()) == tile.read(nanhu, everything)["events.total"]
    assert tile.by_child(nanhu, everything, "inspections.total") is None


def test_every_figure_links_to_a_list_that_opens(admin_user, everything):
    client = client_for(admin_user)
    data = cockpit_data(admin_user, NANHU, everything)
    links = {f["rows"] for tile in data["tiles"] for f in tile["figures"] if f["rows"]}
    assert len(links) >= 6
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_api_answers_the_region_s_tiles_for_a_period(county_leader):
    answer = client_for(county_leader).get(f"/api/v1/cockpit/{NANHU}", {"period": "2026-W48"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["region"]["code"] == NANHU
    assert body["period"]["first"] == "2026-11-23" and body["period"]["last"] == "2026-11-29"
    assert [a["code"] for a in body["ancestors"]] == []  # the county leader sees no city
    assert {t["name"] for t in body["tiles"]} >= {"events", "inspections", "warnings", "org"}


@pytest.mark.parametrize("period", ["2026-13", "2026-W60", "yesterday", "2026-11-30..2026-11-01"])
def test_a_period_that_is_no_period_is_a_400_and_says_so(county_leader, period):
    answer = client_for(county_leader).get(f"/api/v1/cockpit/{NANHU}", {"period": period})
    assert answer.status_code == 400
    page = client_for(county_leader).get(f"/cockpit/{NANHU}/", {"period": period})
    assert page.status_code == 400


def test_a_town_dispatcher_cannot_open_another_county_s_cockpit(dispatcher_town):
    client = client_for(dispatcher_town)
    assert client.get(f"/api/v1/cockpit/{JIASHAN}").status_code == 404
    assert client.get(f"/cockpit/{JIASHAN}/").status_code == 404
    assert client.get(f"/cockpit/{NANHU}/").status_code == 404  # above their town
    with pytest.raises(NotFound):
        cockpit_data(dispatcher_town, Region.objects.get(code=JIASHAN), Period.parse("2026"))


def test_a_grid_worker_without_the_statistics_capability_is_refused(gridworker_a):
    client = client_for(gridworker_a)
    assert client.get("/api/v1/cockpit/330402013001001").status_code == 403
    assert client.get("/cockpit/").status_code == 403


def test_the_page_shows_the_user_s_own_area_in_chinese_with_charts_and_links(dispatcher_town):
    page = client_for(dispatcher_town).get("/cockpit/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "驾驶舱" in html and "东栅街道" in html
    assert 'data-chart="events-trend"' in html and 'id="cockpit-charts"' in html
    assert "<script>" not in html  # charts come from static files (CSP)
    child = Region.objects.filter(parent__code=DEMO_TOWN).order_by("code").first()
    assert f"/cockpit/{child.code}/" in html
    below = client_for(dispatcher_town).get(f"/cockpit/{child.code}/", {"period": "2026"})
    assert below.status_code == 200 and "东栅街道" in below.content.decode()  # breadcrumb


def test_the_cockpit_costs_the_same_queries_for_regions_of_one_level_whatever_their_size(
    admin_user, everything
):
    def queries(code):
        region = Region.objects.get(code=code)
        with CaptureQueriesContext(connection) as captured:
            cockpit_data(admin_user, region, everything)
        return len(captured)

    assert queries(NANHU) == queries(JIASHAN)
    assert queries(DEMO_TOWN) == queries(OTHER_TOWN)
    assert queries(CAMPAIGN_TOWN) <= queries(DEMO_TOWN) + 3  # its campaign's stages and items
    assert queries("3304") <= queries(NANHU) + 5
    client = client_for(admin_user)
    with CaptureQueriesContext(connection) as big:
        assert client.get(f"/api/v1/cockpit/{NANHU}", {"period": "2026"}).status_code == 200
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/api/v1/cockpit/{JIASHAN}", {"period": "2026-11"}).status_code == 200
    assert len(big) == len(small)


def test_the_small_areas_tiles_count_what_their_tables_hold(county_leader, everything):
    from gridgov.appointments.choices import BookingStatus
    from gridgov.appointments.models import Booking
    from gridgov.assistance.models import ProxyRequest
    from gridgov.filings.choices import FilingStatus
    from gridgov.filings.models import NightWorkFiling
    from gridgov.households.models import Coverage

    values = figures(cockpit_data(county_leader, NANHU, everything))
    county = Region.objects.get(code=NANHU)
    start, end = everything.bounds()
    filings = NightWorkFiling.objects.filter(county=county, submitted_at__gte=start,
                                             submitted_at__lt=end)  # fmt: skip
    assert values["filings.submitted"] == filings.count() > 0
    decided = filings.exclude(status=FilingStatus.SUBMITTED)
    approved = decided.filter(status=FilingStatus.APPROVED).count()
    assert values["filings.approved_rate"] == round(100 * approved / decided.count(), 2)
    bookings = Booking.objects.filter(resource__county=county, slot_start__gte=start,
                                      slot_start__lt=end)  # fmt: skip
    assert values["bookings.booked"] == bookings.exclude(status=BookingStatus.CANCELLED).count()
    assert values["bookings.attended"] == bookings.filter(status=BookingStatus.ATTENDED).count()
    requests = ProxyRequest.objects.filter(county=county, requested_at__gte=start,
                                           requested_at__lt=end)  # fmt: skip
    assert values["assistance.requests"] == requests.count()
    town = Region.objects.get(code=DEMO_TOWN)  # the demo's canvasses door-knock this town
    latest = Coverage.objects.filter(region=town).order_by("-canvass_id").first()
    reached = latest.households_visited + latest.households_excused
    town_values = figures(cockpit_data(county_leader, DEMO_TOWN, everything))
    assert town_values["households.canvass_coverage"] == round(
        100 * reached / latest.households_total, 2
    )
