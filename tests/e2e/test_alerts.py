"""Warnings in the browser: the list's map draws the warnings of the page, and a dispatcher
works one from its page."""

import pytest
from playwright.sync_api import expect

from gridgov.alerts.choices import OPEN_WARNING_STATES
from gridgov.alerts.models import EarlyWarning

from .conftest import login

pytestmark = pytest.mark.browser


def test_a_dispatcher_sees_the_warnings_on_a_map_and_handles_one(
    page, console_errors, dispatcher_town
):
    login(page, dispatcher_town)
    page.get_by_role("link", name="预警", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("预警")
    expect(page.locator("#map.leaflet-container")).to_be_visible()
    rows = page.locator("table.events tbody tr")
    shown = rows.count()
    assert shown > 0
    # One dot per listed warning, drawn as SVG paths by Leaflet's circle markers.
    expect(page.locator("#map path.leaflet-interactive")).to_have_count(shown)

    warning = (
        EarlyWarning.objects.filter(town__code="330402013", status__in=OPEN_WARNING_STATES)
        .order_by("-fired_at")
        .first()
    )
    page.goto(warning.get_absolute_url())
    expect(page.locator("#warning-status")).to_be_visible()
    expect(page.locator("main")).to_contain_text("触发预警的信号")
    form = page.locator("#act-handle") if warning.status == "new" else page.locator("#act-close")
    form.locator("textarea").fill("已到现场核实")
    form.get_by_role("button").click()
    expect(page.locator(".messages")).to_be_visible()
    assert console_errors == []
