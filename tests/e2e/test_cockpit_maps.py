"""The cockpit's maps and the command centre's big screen in Chromium, as the demo's county
leader, on a phone (390×844) and on the 1920×1080 screen: the maps draw (Leaflet layers on
their canvas), the charts draw (pixels on theirs), a click on a town opens it (the address
follows, the villages are drawn), the console stays clean, and the page stays light."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN

from .conftest import click_map, login

pytestmark = pytest.mark.browser

COUNTY = "330402"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "screen": {"width": 1920, "height": 1080}}

# The layers a Leaflet map in `selector` has drawn: paths (outlines, points, cells) and markers.
_DRAWN = """([selector, kind]) => {
  const el = document.querySelector(selector);
  const map = (window.__gridgovLeafletMaps || []).find((m) => el && m.getContainer() === el);
  if (!map) { return 0; }
  let n = 0;
  map.eachLayer((layer) => {
    if (kind === "path" && layer instanceof L.Path) { n += 1; }
    const point = layer instanceof L.Marker || layer instanceof L.CircleMarker;
    if (kind === "marker" && point) { n += 1; }
  });
  return n;
}"""

# How many pixels of the first canvas inside `selector` are painted (alpha above zero).
_PAINTED = """(selector) => {
  const canvas = document.querySelector(selector + " canvas");
  if (!canvas || !canvas.width || !canvas.height) { return 0; }
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted += 1; } }
  return painted;
}"""

# The levels of the regions the children map shows now.
_CHILD_LEVELS = """() => {
  const maps = document.querySelector(".cockpit-maps").cockpitMaps;
  const levels = [];
  maps.childrenLayer.eachLayer((l) => {
    if (l.feature.properties.role === "child") { levels.push(l.feature.properties.level); }
  });
  return levels;
}"""


def _wait_drawn(page, selector: str, kind: str):
    page.wait_for_function(f"() => ({_DRAWN})({[selector, kind]!r}) > 0")


def _wait_painted(page, selector: str):
    page.wait_for_function(f"() => ({_PAINTED})({selector!r}) > 500")


def _wait_child_levels(page, level: str):
    levels = f"({_CHILD_LEVELS})()"
    page.wait_for_function(
        f"() => {{ const l = {levels}; return l.length > 0 && l.every((x) => x === {level!r}); }}"
    )


def _shot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _town_label_point(code: str) -> tuple[float, float]:
    town = Region.objects.get(code=code)
    return town.label_lon, town.label_lat


def _open_demo_town(page, path_prefix: str):
    """Click the demo town on the children map; the address and the drawn children follow."""
    lon, lat = _town_label_point(DEMO_TOWN)
    page.locator("[data-role=children]").scroll_into_view_if_needed()
    click_map(page, lon, lat, selector="[data-role=children]")
    expect(page).to_have_url(re.compile(rf"{path_prefix}{DEMO_TOWN}/\?period=2026-11$"))
    expect(page.locator("[data-role=children-title]")).to_have_text("东栅街道")
    _wait_child_levels(page, "village")


@pytest.mark.parametrize("size", SIZES)
def test_the_big_screen_draws_its_maps_and_charts_and_opens_a_town(
    page, console_errors, county_leader, size
):
    page.set_viewport_size(SIZES[size])
    login(page, county_leader)
    page.goto(f"/cockpit/screen/{COUNTY}/?period=2026-11")
    expect(page.locator("h1")).to_contain_text("南湖区")
    expect(page.locator("header.top")).to_have_count(0)  # no navigation chrome
    _wait_drawn(page, "[data-role=children]", "path")
    _wait_drawn(page, "[data-role=live]", "marker")
    _wait_painted(page, "[data-role=urgency-chart]")
    _wait_painted(page, "[data-role=daily-chart]")
    _wait_painted(page, "[data-role=live]")  # the points, on Leaflet's canvas
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(11, 22, 38)"  # the dark theme
    _shot(page, f"cockpit-screen-{size}")

    _open_demo_town(page, "/cockpit/screen/")
    # The figures follow the town opened, without reloading the page.
    expect(page.locator("[data-role=region-name]")).to_have_text("东栅街道")
    _shot(page, f"cockpit-screen-{size}-town")
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_map_page_draws_live_points_and_the_heat_map_and_drills_down(
    page, console_errors, county_leader, size
):
    page.set_viewport_size(SIZES[size])
    login(page, county_leader)
    page.goto(f"/cockpit/map/{COUNTY}/?period=2026-11")
    _wait_drawn(page, "[data-role=children]", "path")
    _wait_drawn(page, "[data-role=live]", "marker")
    _shot(page, f"cockpit-maps-{size}")

    with page.expect_response(re.compile(r"/heat\.geojson\?period=2026-11&zoom=\d+$")) as heat:
        page.get_by_role("button", name="热力图").click()
    assert heat.value.status == 200
    expect(page.get_by_role("button", name="热力图")).to_have_attribute("aria-pressed", "true")
    _shot(page, f"cockpit-heat-{size}")

    _open_demo_town(page, "/cockpit/map/")
    _shot(page, f"cockpit-maps-{size}-town")
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/cockpit/map/{COUNTY}/\?period=2026-11$"))
    _wait_child_levels(page, "town")
    assert console_errors == []


def test_the_big_screen_refreshes_its_figures_without_reloading(
    page, console_errors, county_leader
):
    page.clock.install()
    page.set_viewport_size(SIZES["screen"])
    login(page, county_leader)
    page.goto(f"/cockpit/screen/{COUNTY}/?period=2026-11")
    _wait_painted(page, "[data-role=daily-chart]")
    _wait_drawn(page, "[data-role=live]", "marker")
    page.evaluate("() => { window.stillThisPage = true; }")
    data = re.compile(rf"/cockpit/screen/{COUNTY}/data\.json\?period=2026-11$")
    live = re.compile(rf"/cockpit/map/{COUNTY}/live\.geojson\?zoom=\d+$")
    with page.expect_response(data) as figures, page.expect_response(live) as points:
        page.clock.fast_forward(60_000)
    assert figures.value.status == 200 and points.value.status == 200
    assert page.evaluate("() => window.stillThisPage") is True
    assert console_errors == []


def _transferred(page, url: str) -> int:
    """Bytes on the wire (headers and bodies, as the network layer counts them) to load `url`
    until the network is idle and both maps have drawn."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
    page.goto(url, wait_until="networkidle")
    _wait_drawn(page, "[data-role=live]", "marker")
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return sum(sizes)


@pytest.mark.parametrize(
    ("name", "path"),
    [("big screen", f"/cockpit/screen/{COUNTY}/"), ("cockpit page", f"/cockpit/{COUNTY}/")],
)
def test_the_cockpit_weighs_under_1_5_mb_and_under_200_kb_once_cached(
    page, console_errors, county_leader, name, path
):
    page.set_viewport_size(SIZES["screen"])
    login(page, county_leader)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    cdp.detach()
    url = f"{path}?period=2026-11"
    first = _transferred(page, url)
    again = _transferred(page, url)
    print(f"{name}: first load {first / 1024:.0f} KiB, second load {again / 1024:.0f} KiB")
    assert first < 1_500_000, first
    assert again < 200_000, again
    assert console_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_the_cockpit_page_draws_its_tiles_charts_and_maps_and_opens_a_town(
    page, console_errors, county_leader, size
):
    page.set_viewport_size(SIZES[size])
    login(page, county_leader)
    page.goto(f"/cockpit/{COUNTY}/?period=2026-11")
    expect(page.locator("h1")).to_contain_text("南湖区")
    _wait_painted(page, "[data-chart='events-trend']")
    _wait_drawn(page, "[data-role=children]", "path")
    _wait_drawn(page, "[data-role=live]", "marker")
    # Every figure is a number or a dash, and links to the rows behind it.
    assert page.locator(".cockpit-tile").count() >= 10
    _shot(page, f"cockpit-page-{size}")
    # A click on a town on the map opens the town's whole cockpit (its tiles too).
    _open_demo_town(page, "/cockpit/")
    expect(page.locator("h1")).to_contain_text("东栅街道")
    assert console_errors == []
