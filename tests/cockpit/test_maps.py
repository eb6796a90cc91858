"""The cockpit's maps and big screen: what the GeoJSON endpoints answer, their caps, their scope
(a region outside the reader's area is a 404 and tells nothing), their refusals, and a fixed
number of queries whatever the number of rows."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gridgov.alerts.choices import OPEN_WARNING_STATES
from gridgov.alerts.models import EarlyWarning
from gridgov.cockpit import maps
from gridgov.core import registry
from gridgov.core.dates import Period
from gridgov.core.registry import CockpitTile, Figure
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.choices import Capability
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, OTHER_TOWN, client_for
from tests.events.conftest import report
from tests.test_translations_pages import english_on

pytestmark = pytest.mark.django_db

COUNTY = "330402"


def _other_county() -> str:
    return Region.objects.filter(level="county").exclude(code=COUNTY).order_by("code")[0].code


def _open_events(code=COUNTY):
    region = Region.objects.get(code=code)
    return Event.objects.filter(
        **{region.level: region}, status__in=EVENT_WORKFLOW.open_states
    ).count()


def _active_warnings(code=COUNTY):
    region = Region.objects.get(code=code)
    return EarlyWarning.objects.filter(
        **{region.level: region}, status__in=OPEN_WARNING_STATES
    ).count()


def _counted(features, kind):
    return sum(f["properties"]["count"] for f in features if f["properties"]["kind"] == kind)


@pytest.fixture(autouse=True)
def only_the_tests_tiles(monkeypatch):
    """The maps are tested with tiles of their own, whose every figure is known: the areas'
    real tiles (tested in test_cockpit.py and in the browser) are set aside meanwhile."""
    monkeypatch.setattr(registry, "_cockpit_tiles", {})


# A tile the tests register, as an area's registry.py would: one figure per child region.
def _by_child(region, period, key):
    children = Region.objects.filter(parent=region).order_by("code")
    if key == "maptest.rate":
        return {c.pk: float(i * 10) for i, c in enumerate(children)}
    return {c.pk: i for i, c in enumerate(children) if i % 2 == 0}


def _read(region, period):
    return {"maptest.rate": 87.5, "maptest.count": 12, "charts": {}}


@pytest.fixture
def map_tile():
    tile = CockpitTile(
        name="maptest",
        label="测试指标",
        order=1,
        figures=(
            Figure("maptest.rate", "办结率", "%", higher_is_better=True),
            Figure("maptest.count", "积压件", "件", higher_is_better=False),
        ),
        read=_read,
        by_child=_by_child,
    )
    registry.register_cockpit_tile(tile)
    yield tile
    registry._cockpit_tiles.pop("maptest", None)


@pytest.fixture
def restricted_tile():
    def broken(region, period):
        raise RuntimeError("rollup missing")

    tile = CockpitTile(
        name="maptest_secret",
        label="受限指标",
        order=2,
        figures=(Figure("maptest_secret.n", "受限数", "件"),),
        read=broken,
        by_child=_by_child,
        requires=Capability.FEED_SIGNALS,
    )
    registry.register_cockpit_tile(tile)
    yield tile
    registry._cockpit_tiles.pop("maptest_secret", None)


@pytest.fixture
def broken_tile():
    def broken(region, period):
        raise RuntimeError("rollup missing")

    tile = CockpitTile(
        name="maptest_broken",
        label="故障指标",
        order=3,
        figures=(Figure("maptest_broken.n", "故障数", "件"),),
        read=broken,
    )
    registry.register_cockpit_tile(tile)
    yield tile
    registry._cockpit_tiles.pop("maptest_broken", None)


# --- The live map ----------------------------------------------------------------------------


def test_at_street_zoom_the_live_map_shows_every_open_event_and_warning_as_a_point(county_leader):
    body = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/live.geojson?zoom=17").json()
    assert body["type"] == "FeatureCollection" and body["capped"] is False
    features = body["features"]
    assert all(not f["properties"]["cluster"] for f in features)
    assert _counted(features, "event") == _open_events() > 0
    assert _counted(features, "warning") == _active_warnings() > 0
    point = next(f for f in features if f["properties"]["kind"] == "event")
    assert point["geometry"]["type"] == "Point"
    assert point["properties"]["status"] in EVENT_WORKFLOW.open_states
    assert point["properties"]["urgency"] in ("", "green", "yellow", "red")
    assert point["properties"]["url"] == f"/events/{point['properties']['number']}/"


def test_at_city_zoom_the_live_map_clusters_yet_counts_every_open_item(county_leader):
    body = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/live.geojson?zoom=9").json()
    features = body["features"]
    clusters = [f for f in features if f["properties"]["cluster"]]
    assert clusters and len(features) < _open_events() + _active_warnings()
    assert _counted(features, "event") == _open_events()
    assert _counted(features, "warning") == _active_warnings()
    for cluster in clusters:
        p = cluster["properties"]
        assert p["count"] > 1 and 0 <= p["red"] + p["yellow"] <= p["count"]


def test_an_overdue_event_is_counted_red_in_its_cluster(county_leader):
    Event.objects.filter(county__code=COUNTY, status__in=EVENT_WORKFLOW.open_states).update(
        due_at=timezone.now() - timedelta(hours=1), late=False
    )
    body = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/live.geojson?zoom=5").json()
    events = [f["properties"] for f in body["features"] if f["properties"]["kind"] == "event"]
    assert (
        sum(p["red"] for p in events if p["cluster"])
        + sum(1 for p in events if not p["cluster"] and p["urgency"] == "red")
        == _open_events()
    )


def test_a_town_dispatcher_sees_only_the_towns_items_on_the_live_map(dispatcher_town):
    body = client_for(dispatcher_town).get(f"/cockpit/map/{DEMO_TOWN}/live.geojson?zoom=18").json()
    assert _counted(body["features"], "event") == _open_events(DEMO_TOWN)
    assert _counted(body["features"], "warning") == _active_warnings(DEMO_TOWN)


def test_the_live_map_is_capped_and_says_so(county_leader, monkeypatch):
    monkeypatch.setattr(maps, "MAX_LIVE_CELLS", 3)
    for zoom in (12, 18):
        body = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/live.geojson?zoom={zoom}")
        body = body.json()
        assert body["capped"] is True and body["cap"] == 3
        for kind in ("event", "warning"):
            assert len([f for f in body["features"] if f["properties"]["kind"] == kind]) <= 3


# --- The heat map ----------------------------------------------------------------------------


def test_the_heat_map_counts_each_event_of_the_period_once_in_cells(county_leader):
    today = timezone.localdate()
    period = Period.between(today - timedelta(days=200), today)
    start, end = period.bounds()
    body = client_for(county_leader).get(
        f"/cockpit/map/{COUNTY}/heat.geojson", {"period": str(period), "zoom": 10}
    )
    body = body.json()
    expected = Event.objects.filter(
        county__code=COUNTY, reported_at__gte=start, reported_at__lt=end
    ).count()
    assert expected > 0
    assert sum(f["properties"]["weight"] for f in body["features"]) == expected
    assert len(body["features"]) < expected  # cells, not raw points
    assert body["max_weight"] == max(f["properties"]["weight"] for f in body["features"])
    assert body["period"] == str(period) and body["capped"] is False


def test_the_heat_map_of_warnings_counts_the_warnings_raised_in_the_period(county_leader):
    period = Period.parse(str(timezone.localdate().year))
    start, end = period.bounds()
    body = client_for(county_leader).get(
        f"/cockpit/map/{COUNTY}/heat.geojson", {"period": str(period), "layer": "warnings"}
    )
    expected = EarlyWarning.objects.filter(
        county__code=COUNTY, fired_at__gte=start, fired_at__lt=end
    ).count()
    assert sum(f["properties"]["weight"] for f in body.json()["features"]) == expected


def test_the_heat_map_is_capped_at_its_fullest_cells_and_says_so(county_leader, monkeypatch):
    monkeypatch.setattr(maps, "MAX_HEAT_CELLS", 4)
    body = (
        client_for(county_leader)
        .get(
            f"/cockpit/map/{COUNTY}/heat.geojson",
            {"period": str(timezone.localdate().year), "zoom": 16},
        )
        .json()
    )
    weights = [f["properties"]["weight"] for f in body["features"]]
    assert body["capped"] is True and len(weights) == 4
    assert weights == sorted(weights, reverse=True)


# --- The children map ------------------------------------------------------------------------


def test_the_children_map_draws_the_towns_of_the_county_with_no_figure(county_leader):
    body = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/children.geojson").json()
    towns = Region.objects.filter(parent__code=COUNTY, boundary__isnull=False).count()
    children = [f for f in body["features"] if f["properties"]["role"] == "child"]
    assert len(children) == towns > 0
    assert [f["properties"]["role"] for f in body["features"]].count("focus") == 1
    assert all(f["properties"]["drillable"] for f in children)
    assert all(f["properties"]["value"] is None for f in children)
    assert body["figure"] is None and body["legend"] is None and body["figures"] == []
    assert set(body["basemap"]) == {"url", "attribution"}


def test_the_children_map_colours_each_town_by_the_chosen_figure(county_leader, map_tile):
    client = client_for(county_leader)
    body = client.get(
        f"/cockpit/map/{COUNTY}/children.geojson", {"figure": "maptest.rate", "period": "2026-11"}
    ).json()
    assert {f["key"] for f in body["figures"]} == {"maptest.rate", "maptest.count"}
    assert body["figure"]["key"] == "maptest.rate" and body["figure"]["unit"] == "%"
    children = [f["properties"] for f in body["features"] if f["properties"]["role"] == "child"]
    values = [c["value"] for c in children]
    assert values == sorted(values) and values[0] == 0.0
    assert body["legend"]["low"] == 0.0 and body["legend"]["high"] == values[-1]
    assert children[0]["class"] == 0 and children[-1]["class"] == maps.LEGEND_CLASSES - 1


def test_where_lower_is_better_the_largest_value_is_the_worst_class(county_leader, map_tile):
    body = (
        client_for(county_leader)
        .get(f"/cockpit/map/{COUNTY}/children.geojson", {"figure": "maptest.count"})
        .json()
    )
    children = [f["properties"] for f in body["features"] if f["properties"]["role"] == "child"]
    valued = [c for c in children if c["value"] is not None]
    assert max(valued, key=lambda c: c["value"])["class"] == 0
    assert min(valued, key=lambda c: c["value"])["class"] == maps.LEGEND_CLASSES - 1
    assert any(c["value"] is None and c["class"] is None for c in children)


def test_outlines_are_simplified_and_rounded_for_the_wire(county_leader):
    county = Region.objects.get(code=COUNTY)
    raw = county.geometry()
    body = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/children.geojson").json()
    focus = next(f for f in body["features"] if f["properties"]["role"] == "focus")

    def points(geometry):
        rings = geometry["coordinates"]
        if geometry["type"] == "MultiPolygon":
            rings = [ring for polygon in rings for ring in polygon]
        return [p for ring in rings for p in ring]

    drawn = points(focus["geometry"])
    assert 4 <= len(drawn) <= len(raw.exterior.coords if raw.geom_type == "Polygon" else drawn)
    assert all(len(str(x).split(".")[-1]) <= 6 for p in drawn for x in p)


def test_grids_are_drawn_but_not_opened_further(dispatcher_town):
    village = Region.objects.get(code=GRID_A).parent
    body = client_for(dispatcher_town).get(f"/cockpit/map/{village.code}/children.geojson").json()
    children = [f["properties"] for f in body["features"] if f["properties"]["role"] == "child"]
    assert children and all(c["level"] == "grid" and not c["drillable"] for c in children)


def test_a_figure_of_a_tile_the_reader_may_not_see_is_neither_offered_nor_accepted(
    county_leader, map_tile, restricted_tile
):
    client = client_for(county_leader)
    body = client.get(f"/cockpit/map/{COUNTY}/children.geojson").json()
    assert "maptest_secret.n" not in {f["key"] for f in body["figures"]}
    refused = client.get(f"/cockpit/map/{COUNTY}/children.geojson", {"figure": "maptest_secret.n"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "figure"


# --- Refusals and scope -----------------------------------------------------------------------

ENDPOINTS = ["live.geojson", "heat.geojson", "children.geojson"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_region_of_another_county_is_not_found_and_not_named(county_leader, endpoint):
    other = _other_county()
    response = client_for(county_leader).get(f"/cockpit/map/{other}/{endpoint}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Region.objects.get(code=other).name not in response.content.decode()


def test_every_map_page_and_the_screen_are_404_outside_the_readers_area(dispatcher_town):
    client = client_for(dispatcher_town)
    for url in (
        f"/cockpit/map/{OTHER_TOWN}/",
        f"/cockpit/screen/{OTHER_TOWN}/",
        f"/cockpit/screen/{OTHER_TOWN}/data.json",
        f"/cockpit/map/{OTHER_TOWN}/live.geojson",
        f"/cockpit/map/{COUNTY}/live.geojson",  # above the town: not in the dispatcher's area
        "/cockpit/map/999999/children.geojson",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"period": "2026-13"}, "period"),
        ({"period": "2024-01-01..2026-01-01"}, "period"),
        ({"period": "2026-11-30..2026-11-01"}, None),
        ({"zoom": "99"}, "zoom"),
        ({"zoom": "x"}, "zoom"),
        ({"layer": "people"}, "layer"),
    ],
)
def test_a_bad_period_zoom_or_layer_is_a_400_that_names_the_field(county_leader, query, field):
    response = client_for(county_leader).get(f"/cockpit/map/{COUNTY}/heat.geojson", query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    if field:
        assert body["errors"][0]["field"] == field


def test_a_bad_period_on_the_children_map_and_the_screen_is_a_400(county_leader):
    client = client_for(county_leader)
    assert client.get(f"/cockpit/map/{COUNTY}/children.geojson?period=soon").status_code == 400
    assert client.get(f"/cockpit/screen/{COUNTY}/data.json?period=2026-W99").status_code == 400


def test_the_maps_are_refused_to_a_grid_worker_and_to_strangers(gridworker_a):
    worker = client_for(gridworker_a)
    assert worker.get(f"/cockpit/map/{GRID_A}/live.geojson").status_code == 403
    assert worker.get(f"/cockpit/map/{GRID_A}/").status_code == 403
    assert worker.get(f"/cockpit/screen/{GRID_A}/").status_code == 403
    stranger = Client()
    assert stranger.get(f"/cockpit/map/{COUNTY}/live.geojson").status_code == 401
    page = stranger.get(f"/cockpit/screen/{COUNTY}/")
    assert page.status_code == 302 and page.url.startswith("/accounts/login/")


def test_the_endpoints_only_read(county_leader):
    response = client_for(county_leader).post(f"/cockpit/map/{COUNTY}/live.geojson")
    assert response.status_code == 405


# --- Pages and the big screen -----------------------------------------------------------------


def test_the_map_page_carries_region_period_and_figure_in_chinese(county_leader, map_tile):
    response = client_for(county_leader).get(
        f"/cockpit/map/{COUNTY}/", {"period": "2026-11", "figure": "maptest.rate"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-region="330402"' in html and 'data-period="2026-11"' in html
    assert 'data-figure="maptest.rate"' in html and 'data-page="/cockpit/map/__code__/"' in html
    assert english_on(html, names=(county_leader.username,)) == []


def test_the_screen_has_no_navigation_and_drills_within_the_screen(county_leader):
    response = client_for(county_leader).get(f"/cockpit/screen/{COUNTY}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="top"' not in html and "<nav" not in html
    assert 'data-page="/cockpit/screen/__code__/"' in html
    assert f'data-data="/cockpit/screen/{COUNTY}/data.json"' in html
    assert 30 <= int(html.split('data-refresh="')[1].split('"')[0]) <= 60
    assert english_on(html) == []


def test_the_screen_shows_the_figures_of_every_tile_even_when_one_fails(
    county_leader, map_tile, broken_tile, restricted_tile
):
    body = (
        client_for(county_leader)
        .get(f"/cockpit/screen/{COUNTY}/data.json", {"period": "2026-11"})
        .json()
    )
    tiles = {t["name"]: t for t in body["tiles"]}
    assert set(tiles) == {"maptest", "maptest_broken"}  # the restricted one is not shown
    figures = {f["key"]: f["value"] for f in tiles["maptest"]["figures"]}
    assert figures == {"maptest.rate": 87.5, "maptest.count": 12}
    assert [f["value"] for f in tiles["maptest_broken"]["figures"]] == [None]
    assert body["daily"]["days"][0] == "2026-11-01" and len(body["daily"]["counts"]) == 30
    totals = body["urgency"]["totals"]
    assert totals["events"] == _open_events() and totals["warnings"] == _active_warnings()
    for series in body["urgency"]["series"]:
        assert len(series["data"]) == 3 and all(v >= 0 for v in series["data"])


def test_the_screens_daily_chart_counts_each_event_of_the_period(county_leader):
    period = Period.parse(timezone.localdate().strftime("%Y-%m"))
    start, end = period.bounds()
    body = (
        client_for(county_leader)
        .get(f"/cockpit/screen/{COUNTY}/data.json", {"period": str(period)})
        .json()
    )
    assert (
        sum(body["daily"]["counts"])
        == Event.objects.filter(
            county__code=COUNTY, reported_at__gte=start, reported_at__lt=end
        ).count()
    )


def test_the_screen_works_with_no_tile_registered(county_leader):
    body = client_for(county_leader).get(f"/cockpit/screen/{COUNTY}/data.json").json()
    assert body["tiles"] == [] or all(t["name"] for t in body["tiles"])
    assert body["region"]["code"] == COUNTY


# --- Fixed costs ------------------------------------------------------------------------------

COSTS = [
    (f"/cockpit/map/{DEMO_TOWN}/live.geojson?zoom=10", 8),
    (f"/cockpit/map/{DEMO_TOWN}/live.geojson?zoom=18", 8),
    (f"/cockpit/map/{DEMO_TOWN}/heat.geojson?period=2026&zoom=14", 5),
    (f"/cockpit/map/{DEMO_TOWN}/children.geojson", 5),
    (f"/cockpit/screen/{DEMO_TOWN}/data.json", 7),
]


@pytest.mark.parametrize(("url", "queries"), COSTS)
def test_each_map_answer_costs_at_most_its_queries_however_many_events(
    dispatcher_town, gridworker_a, django_assert_max_num_queries, url, queries
):
    """At most: the live map skips its query of single points when every cell is a cluster."""
    client = client_for(dispatcher_town)
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200
    for i in range(6):
        report(gridworker_a, title=f"乱堆放 {i}")
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_when_every_child_has_the_same_value_all_are_in_the_middle_class(county_leader, map_tile):
    tile = registry._cockpit_tiles["maptest"]
    registry._cockpit_tiles["maptest"] = CockpitTile(
        **{
            **tile.__dict__,
            "by_child": lambda region, period, key: dict.fromkeys(
                Region.objects.filter(parent=region).values_list("pk", flat=True), 5.0
            ),
        }
    )
    body = client_for(county_leader).get(
        f"/cockpit/map/{COUNTY}/children.geojson", {"figure": "maptest.rate"}
    )
    classes = {
        f["properties"]["class"]
        for f in body.json()["features"]
        if f["properties"]["role"] == "child"
    }
    assert classes == {maps.LEGEND_CLASSES // 2}


def test_the_map_pages_breadcrumbs_link_only_inside_the_readers_area(dispatcher_town):
    html = client_for(dispatcher_town).get(f"/cockpit/map/{GRID_A}/").content.decode()
    assert f'href="/cockpit/map/{DEMO_TOWN}/' in html
    assert 'href="/cockpit/map/330402/' not in html
