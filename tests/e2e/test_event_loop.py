"""The closed loop end to end, through the pages, in Chinese: a grid worker reports with a
photo and a pin on the map, the dispatcher accepts and dispatches, an officer handles with a
photo, the dispatcher verifies and closes."""

import re

import pytest
from playwright.sync_api import expect

from gridgov.events.models import Event
from tests.conftest import DEMO_TOWN

from .conftest import click_map, login, upload_jpeg

pytestmark = pytest.mark.browser


def _act(page, form_id, button):
    """Press an action's button and wait for the event page to come back saying it is done."""
    page.locator(f"#{form_id}").get_by_role("button", name=button).click()
    expect(page.locator(".messages .success")).to_be_visible()


def _switch_user(page, user):
    page.context.clear_cookies()
    login(page, user)


def test_a_report_goes_round_the_whole_loop_in_the_browser(
    page, console_errors, demo_location, gridworker_a, dispatcher_town, officer_squad
):
    # The grid worker reports: title, category, a pin on the map, a photo.
    login(page, gridworker_a)
    page.goto("/events/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("上报事件")
    page.get_by_label("标题").fill("人行道占道经营")
    page.get_by_label("类别", exact=True).select_option(label="占道经营")
    page.wait_for_function("() => window.gridgovMap !== undefined")
    click_map(page, *demo_location)
    expect(page.locator("#lon")).not_to_have_value("")
    upload_jpeg(page, "#photos")
    page.get_by_role("button", name="提交上报").click()
    expect(page.locator(".messages .success")).to_contain_text("已上报")
    number = re.search(r"/events/(SJ\d+)/", page.url).group(1)
    expect(page.locator("#event-status")).to_have_text("已上报")
    expect(page.locator("#timeline img")).to_have_count(1)

    # The dispatcher of the town accepts it and dispatches it to the suggested unit.
    _switch_user(page, dispatcher_town)
    page.goto("/events/?queue=command")
    page.get_by_role("link", name=number).click()
    _act(page, "act-accept", "受理")
    expect(page.locator("#event-status")).to_have_text("已受理")
    page.locator("#act-dispatch select[name=lead]").select_option(value=f"{DEMO_TOWN}-ZD")
    _act(page, "act-dispatch", "派遣")
    expect(page.locator("#event-status")).to_have_text("已派遣")

    # The officer of the squad finds it among the unit's tasks and handles it with a photo.
    _switch_user(page, officer_squad)
    page.goto("/events/")
    page.get_by_role("link", name=number).click()
    _act(page, "act-start", "开始处置")
    page.locator("#act-handle textarea").fill("已劝离摊主，恢复通行")
    upload_jpeg(page, "#act-handle input[type=file]", name="after.jpg")
    _act(page, "act-handle", "处置完成")
    expect(page.locator("#event-status")).to_have_text("处置完成")

    # The dispatcher verifies on the spot and closes it.
    _switch_user(page, dispatcher_town)
    page.goto(f"/events/{number}/")
    _act(page, "act-verify", "核查通过")
    _act(page, "act-close", "结案")
    expect(page.locator("#event-status")).to_have_text("已结案")
    expect(page.locator("#timeline li")).to_have_count(7)
    expect(page.locator("#timeline img")).to_have_count(2)
    assert console_errors == []

    event = Event.objects.get(number=number)
    assert event.status == "closed" and event.lead_unit.code == f"{DEMO_TOWN}-ZD"
    assert list(event.timeline.order_by("seq").values_list("action", flat=True)) == [
        "report", "accept", "dispatch", "start", "handle", "verify", "close",
    ]  # fmt: skip
