"""A long list is searched by name: typing part of a category's name keeps only the matching
ones and picks the one left."""

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.browser


def test_typing_part_of_a_name_picks_the_category(page, console_errors, dispatcher_town):
    login(page, dispatcher_town, next_url="/events/new/")
    page.get_by_role("searchbox", name="搜索类别").fill("噪声")
    expect(page.locator("#category")).to_have_value("0201")
    assert page.locator("#category option:not([hidden])").count() == 2  # 选择… and 噪声扰民
    assert console_errors == []
