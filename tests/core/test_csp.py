"""Every answer carries a Content-Security-Policy that allows scripts and styles from this site
only; so no page may hold an inline script, an inline event handler or a style attribute (the
browser would refuse them: tests/e2e fail on any console error)."""

import re

import pytest
from django.test import Client

from gridgov.events.models import Event
from tests.conftest import DEMO_TOWN, client_for

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)

PAGES = [
    "/", "/regions/330402013/", "/events/", "/events/new/", "/events/kpi/", "/inspections/",
    "/inspections/new/", "/inspections/kpi/", "/inspections/scenarios/new/",
    "/inspections/targets/new/", "/inspections/plans/", "/powers/", "/powers/kpi/",
    "/org/staff/", "/org/kpi/enforcement-sinking/", "/alerts/", "/alerts/rules/",
    "/alerts/rules/new/", "/filings/", "/filings/new/", "/filings/kpi/", "/messages/",
    "/api/docs/",
]  # fmt: skip
PUBLIC_PAGES = ["/public/", "/public/new/", "/public/track/", "/accounts/login/"]


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def assert_no_inline_code(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"{url}: inline <script>"
    assert not HANDLER.search(html), f"{url}: inline event handler"
    assert not STYLE_ATTRIBUTE.search(html), f"{url}: style attribute"


@pytest.mark.parametrize("url", PAGES)
def test_staff_pages_carry_the_policy_and_no_inline_code(admin_user, url):
    response = client_for(admin_user).get(url)
    assert response.status_code == 200, url
    rules = policy(response)
    assert rules["script-src"] == "'self'" and rules["style-src"] == "'self'"
    assert rules["frame-ancestors"] == "'none'" and rules["object-src"] == "'none'"
    assert_no_inline_code(response.content.decode(), url)


def test_an_event_page_carries_the_policy_and_no_inline_code(dispatcher_town):
    event = Event.objects.filter(town__code=DEMO_TOWN).first()
    response = client_for(dispatcher_town).get(f"/events/{event.number}/")
    assert response.status_code == 200 and "Content-Security-Policy" in response
    assert_no_inline_code(response.content.decode(), event.number)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_carry_the_policy_and_no_inline_code(url):
    response = Client().get(url)
    assert response.status_code == 200 and "Content-Security-Policy" in response
    assert_no_inline_code(response.content.decode(), url)


def test_the_api_and_open311_answers_carry_it_too(admin_user):
    assert "Content-Security-Policy" in client_for(admin_user).get("/api/v1/events")
    assert "Content-Security-Policy" in Client().get("/open311/v2/services.json")


def test_the_map_tile_server_may_serve_images(settings, admin_user):
    settings.MAP_TILE_URL = "https://t{s}.tiles.example.gov.cn/{z}/{x}/{y}.png"
    rules = policy(client_for(admin_user).get("/"))
    assert "https://t*.tiles.example.gov.cn" in rules["img-src"].split()
