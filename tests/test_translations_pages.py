"""No English in the Chinese UI: every page the page walk visits, rendered in Chinese, shows no
visible text in English beyond codes, numbers and names (an allow-list)."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from gridgov.core.jobs import do_finish_job
from gridgov.core.models import Job
from tests.conftest import DEMO_TOWN, GRID_A, client_for

pytestmark = pytest.mark.django_db

# Visible words that are not English prose: product and standard names, units, codes.
ALLOWED = {
    "GridGov", "API", "Open311", "GeoReport", "CSV", "Excel", "xlsx", "csv", "JSON", "GeoJSON",
    "JPEG", "PNG", "WebP", "KPI", "URL", "ID", "dB", "WGS84", "GCJ02", "BD09", "CGCS2000", "km",
    "OpenStreetMap", "Leaflet", "htmx", "PDF", "SQL", "HTTP", "QR", "KTV",
    "English",  # the language switch names each language in itself
    "Webhook", "Webhooks", "Standard",  # the Standard Webhooks specification's name
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]{3,}")
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skipping, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


def english_on(html: str, names: tuple[str, ...] = ()) -> list[str]:
    """The visible text nodes of a page with an English word in them (not an allowed one,
    not part of an e-mail address, a code such as 330402-ZJJ, or one of `names`)."""
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        words = [w for w in WORD.findall(re.sub(r"[\w.+-]*[\d@_][\w.@+-]*", " ", text))]
        if any(w not in ALLOWED and w not in names for w in words):
            found.append(text)
    return found


# The pages of the page walk (tests/test_pages.py) and every other page without a parameter,
# by who opens them.
PAGES = [
    ("admin_user", url)
    for url in (
        "/", f"/regions/{DEMO_TOWN}/", f"/regions/{GRID_A}/", "/org/staff/",
        "/org/kpi/enforcement-sinking/", "/events/", "/events/new/", "/events/kpi/", "/alerts/",
        "/alerts/rules/", "/filings/", "/filings/new/", "/filings/kpi/", "/inspections/",
        "/inspections/plans/", "/inspections/scenarios/", "/inspections/targets/",
        "/inspections/kpi/", "/powers/", "/messages/", "/admin/", "/public/", "/public/new/",
        "/public/track/", "/public/filings/", "/reports/", "/webhooks/", "/cockpit/",
    )
] + [
    (who, url)
    for who in ("gridworker_a", "dispatcher_town", "officer_squad", "county_leader")
    for url in ("/", f"/regions/{GRID_A}/", "/events/", "/events/new/", "/m/")
] + [("county_leader", "/cockpit/"), ("dispatcher_town", "/cockpit/")]  # fmt: skip


def test_the_check_finds_english_but_not_codes_numbers_or_names():
    page = (
        "<p>网格 330402013001001 · gw_330402 · KTV</p><script>var x = 'hello';</script>"
        "<p><code>filing-expiry</code></p><td>days</td><th>Model name</th>"
    )
    assert english_on(page) == ["days", "Model name"]


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_every_page_of_the_walk_is_in_chinese(request, who, url):
    user = request.getfixturevalue(who)
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    assert english_on(response.content.decode(), names=(user.username,)) == []


def test_an_import_result_names_its_figures_in_chinese(admin_user):
    job = Job.objects.create(
        kind="powers.import_power_items", upload_name="南湖区权力事项.xlsx", created_by=admin_user
    )
    do_finish_job(job, "succeeded", "完成", summary={"rows": 8, "items_created": 3})
    page = client_for(admin_user).get(f"/jobs/{job.pk}/").content.decode()
    assert "新建事项" in page and "items_created" not in page
    assert english_on(page) == []


@pytest.mark.parametrize(
    ("command", "expected"),
    [("import_event_categories", "个事件类别"), ("check_deadlines", "已上报上级: ")],
)
def test_commands_report_in_chinese(command, expected):
    out = io.StringIO()
    call_command(command, stdout=out)
    assert expected in out.getvalue()
    assert english_on(f"<p>{out.getvalue()}</p>") == []


@pytest.mark.parametrize("url", [f"/regions/{DEMO_TOWN}/", "/alerts/rules/"])
def test_names_of_places_and_sources_are_headed_name_not_a_persons_name(admin_user, url):
    page = client_for(admin_user).get(url).content.decode()
    assert "<th>名称</th>" in page and "<th>姓名</th>" not in page
