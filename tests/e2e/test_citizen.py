"""A citizen on a phone, without an account: reports a problem with the device's location and
a photo, keeps the number and tracking code, follows it, and rates it once it is closed."""

import re

import pytest
from playwright.sync_api import expect

from gridgov.events import actions
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.org.models import Department
from tests.conftest import DEMO_TOWN

from .conftest import upload_jpeg

pytestmark = pytest.mark.browser


def _close(number, dispatcher, officer):
    event = Event.objects.get(number=number)
    EVENT_WORKFLOW.act(event.pk, "accept", actor=dispatcher)
    actions.do_dispatch_event(
        event.pk, actor=dispatcher, lead=Department.objects.get(code=f"{DEMO_TOWN}-ZD")
    )
    EVENT_WORKFLOW.act(event.pk, "start", actor=officer)
    EVENT_WORKFLOW.act(event.pk, "handle", actor=officer, note="已清理")
    EVENT_WORKFLOW.act(event.pk, "verify", actor=dispatcher)
    EVENT_WORKFLOW.act(event.pk, "close", actor=dispatcher)


def test_a_citizen_reports_tracks_and_rates_on_a_phone(
    page, console_errors, dispatcher_town, officer_squad
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("反映身边的问题")
    page.locator("#go-submit").click()
    page.get_by_label("问题类型").select_option(label="占道经营")
    page.get_by_label("问题描述").fill("小区门口人行道被摊点占了")
    page.wait_for_function("() => window.gridgovMap !== undefined")
    page.get_by_role("button", name="使用我的位置").click()  # the context's geolocation
    expect(page.locator("#lon")).not_to_have_value("")
    upload_jpeg(page, "#photos")
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("已收到您的反映")
    number = page.locator("#ticket-number").inner_text().strip()
    code = page.locator("#ticket-code").inner_text().strip()
    assert re.fullmatch(r"SJ\d{14}", number) and len(code) == 8

    _close(number, dispatcher_town, officer_squad)

    # Later, on a fresh browser: look it up with the number and code.
    page.context.clear_cookies()
    page.goto("/public/track/")
    page.get_by_label("编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#ticket-status")).to_have_text("已办结")
    expect(page.locator("#public-timeline")).to_contain_text("已派至责任单位办理")
    page.get_by_label("满意度").select_option("5")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator(".messages .success")).to_contain_text("感谢")
    assert Event.objects.get(number=number).satisfaction == 5
    assert console_errors == []
