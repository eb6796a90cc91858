"""On a 390 px phone the top navigation folds into one menu button: the header is one line
until the button is pressed, and then every entry is there, one a line."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import SCREENSHOTS, login

pytestmark = pytest.mark.browser


def test_on_a_phone_the_menu_is_one_button_that_unfolds(page, console_errors, dispatcher_town):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, dispatcher_town)
    header = page.locator("header.top")
    toggle = page.get_by_role("button", name="菜单")
    expect(toggle).to_be_visible()
    expect(header.locator("nav")).to_be_hidden()
    folded = header.bounding_box()["height"]
    assert folded < 60, folded  # one line: the name and the button
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "phone-menu-folded.png")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    events = header.get_by_role("link", name="事件", exact=True)
    expect(events).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "phone-menu-open.png")
    events.click()
    expect(page).to_have_url(re.compile(r"/events/$"))
    assert console_errors == []


def test_on_a_wide_screen_the_menu_is_unfolded_without_a_button(page, dispatcher_town):
    page.set_viewport_size({"width": 1280, "height": 800})
    login(page, dispatcher_town)
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(page.locator("header.top nav")).to_be_visible()
