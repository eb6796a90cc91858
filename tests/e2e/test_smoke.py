"""The smallest end-to-end check: a person signs in through the browser and the pages work."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_TOWN

from .conftest import login

pytestmark = pytest.mark.browser


def test_a_dispatcher_signs_in_and_works_in_chinese_with_a_working_map(
    page, console_errors, dispatcher_town
):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")

    login(page, dispatcher_town)

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("工作台")
    expect(page.locator("main")).to_contain_text("工作区域 东栅街道")
    expect(page.get_by_role("button", name="退出")).to_be_visible()

    with page.expect_response(lambda r: "children.geojson" in r.url) as geojson:
        page.get_by_role("link", name="打开地图： 东栅街道").click()
    assert geojson.value.ok, geojson.value.status
    expect(page).to_have_url(re.compile(f"/regions/{DEMO_TOWN}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("东栅街道")
    expect(page.locator("#map.leaflet-container")).to_be_visible()  # leaflet.js ran
    expect(page.locator("#map canvas")).to_have_count(1)  # the villages are drawn
    assert page.evaluate("() => window.L.version").startswith("1.")
    stylesheet_applied = page.evaluate(
        "() => getComputedStyle(document.querySelector('.leaflet-pane')).position"
    )
    assert stylesheet_applied == "absolute", "leaflet.css did not load"
    assert console_errors == []
