"""Browser tests: GridGov driven end to end in headless Chromium (Playwright, sync API).

The browser is Debian's ``chromium`` package (never ``playwright install``): GRIDGOV_CHROMIUM
names it, default /usr/bin/chromium. Without it the tests marked ``browser`` are skipped with
the reason, unless GRIDGOV_REQUIRE_BROWSER=1 (CI sets it), which makes them fail instead.
GRIDGOV_BROWSER_TESTS=0 turns them off (scripts/run-tests does that in its PostgreSQL pass).

Writing one (tests/e2e/test_<what>.py)::

    import pytest
    from playwright.sync_api import expect

    from .conftest import click_map, login, upload_jpeg

    pytestmark = pytest.mark.browser

    def test_a_grid_worker_reports_a_problem(page, gridworker_a, console_errors):
        login(page, gridworker_a)                 # through the real sign-in page, in Chinese
        page.goto("/regions/330402013/")          # relative to the live server
        expect(page.get_by_role("heading", level=1)).to_contain_text("东栅街道")
        assert console_errors == []

Fixtures (the named users of tests/conftest.py, e.g. ``dispatcher_town``, work as usual):

``browser``            playwright.sync_api.Browser: headless Chromium, one per run of tests/e2e
                       (package scope: Playwright's event loop lives only while browser tests run).
``page``               playwright.sync_api.Page in a fresh context per test: base_url is the live
                       server (so ``page.goto("/…")``), locale zh-CN, timezone Asia/Shanghai,
                       geolocation allowed and set to ``demo_location``, 15 s default timeout.
                       When the test fails, a full-page screenshot goes to var/e2e/<test>.png and
                       the report names it (with the page's console errors).
``console_errors``     list[str]: console errors and uncaught exceptions of ``page`` so far.
``demo_location``      (lon, lat): the label point of 化东社区第1网格 (330402013001001, 东栅街道).
``live_server``        pytest-django's; the browser tests use it through ``page``.

Helpers (``from .conftest import …``):

``login(page, user, password=PASSWORD, next_url=None)``
    sign in through /accounts/login/ and wait for the page after it; AssertionError with the
    form's errors when the sign-in is refused.
``make_jpeg(width=320, height=240, colour=(200, 60, 40)) -> bytes``  a real JPEG (Pillow).
``upload_jpeg(page, selector, *, name="photo.jpg", jpeg=None)``
    put a JPEG (generated unless given) into the file input ``selector``.
``click_map(page, lon, lat, *, selector="#map")``
    click a Leaflet map at a WGS84 point. The map is found as ``window.gridgovMap`` when the
    page's script exposes it, else among the maps that ``page`` records itself: its init script
    hooks ``L.Map`` as Leaflet loads, so no page has to change for this (Leaflet 1.x, global L).

The database. The suite loads the demo once and each ordinary test is rolled back. The live
server answers from another thread, so a browser test has to commit: pytest-django runs it like
Django's TransactionTestCase, which empties every table afterwards and would leave the rest of
the run without the demo. So the first browser test takes a snapshot of every table (the demo
as loaded, in memory), and after each browser test ``pytest_runtest_teardown`` in
tests/conftest.py empties the tables again and writes the snapshot back with raw inserts (about
a second): whatever a browser test does is undone, and the tests after it, browser or not, see
the demo exactly as loaded. Any live-server test outside tests/e2e does the same by asking for
the ``_demo_snapshot`` fixture before ``live_server``.
(pytest-django also runs transactional tests after all the others.) On SQLite, Django's test
database is in memory whatever DATABASE_URL names, and pytest-django gives the live server
thread the same connection, so the server sees the test's data; on PostgreSQL the server's
threads use their own connections and see what the test committed.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import GRID_A, PASSWORD

CHROMIUM = os.environ.get("GRIDGOV_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
DEFAULT_TIMEOUT_MS = 15_000

_CONSOLE_ERRORS = pytest.StashKey[list]()

# Runs in every page before its scripts: remembers each Leaflet map created, for click_map.
_RECORD_LEAFLET_MAPS = """
(() => {
  const maps = (window.__gridgovLeafletMaps = []);
  let leaflet;
  Object.defineProperty(window, "L", {
    configurable: true,
    enumerable: true,
    get() { return leaflet; },
    set(value) {
      leaflet = value;
      if (value && value.Map && value.Map.addInitHook) {
        value.Map.addInitHook(function () { maps.push(this); });
      }
    },
  });
})();
"""


def browser_tests_enabled() -> bool:
    return os.environ.get("GRIDGOV_BROWSER_TESTS", "1") != "0"


def browser_required() -> bool:
    return os.environ.get("GRIDGOV_REQUIRE_BROWSER", "0") == "1"


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (install the chromium package, or set GRIDGOV_CHROMIUM)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (scripts/bootstrap-venv installs it)"
    return None


def pytest_collection_modifyitems(config, items):
    """Browser tests skip, with the reason, when they are off or there is no browser; when the
    run requires a browser they are left to fail in the ``browser`` fixture instead."""
    if not browser_tests_enabled():
        reason = "GRIDGOV_BROWSER_TESTS=0 (scripts/run-tests runs browser tests on SQLite only)"
    else:
        reason = missing_browser_reason()
        if reason is None or browser_required():
            return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test: a screenshot into var/e2e/, and the console errors, in the report."""
    report = yield
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", item.nodeid) + ".png")
        try:
            page.screenshot(path=str(path), full_page=True)
            report.sections.append(("browser", f"screenshot: {path}\nurl: {page.url}"))
        except Exception as error:  # a crashed page must not hide the failure itself
            report.sections.append(("browser", f"no screenshot: {error}"))
        errors = item.stash.get(_CONSOLE_ERRORS, [])
        if errors:
            report.sections.append(("browser console errors", "\n".join(errors)))
    return report


@pytest.fixture(scope="session")
def demo_location(_demo_snapshot, django_db_blocker) -> tuple[float, float]:
    from gridgov.regions.models import Region

    with django_db_blocker.unblock():
        lon, lat = Region.objects.values_list("label_lon", "label_lat").get(code=GRID_A)
    assert lon is not None and lat is not None, f"the demo region {GRID_A} has no label point"
    return lon, lat


@pytest.fixture(scope="package")
def browser():
    reason = missing_browser_reason()
    if reason is not None:
        if browser_required():
            pytest.fail(f"GRIDGOV_REQUIRE_BROWSER=1, but {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop marked as running in this thread, and Django
    # refuses database calls while a loop runs. Allowed only while the browser is up.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, _demo_snapshot, live_server, demo_location, browser):
    lon, lat = demo_location
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        permissions=["geolocation"],
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 20},
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.add_init_script(script=_RECORD_LEAFLET_MAPS)
    new_page = context.new_page()
    errors = request.node.stash.setdefault(_CONSOLE_ERRORS, [])

    def on_console(message):
        if message.type == "error":
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    yield new_page
    context.close()


@pytest.fixture
def console_errors(request, page) -> list[str]:
    return request.node.stash[_CONSOLE_ERRORS]


def login(page, user, password: str = PASSWORD, next_url: str | None = None):
    """Sign ``user`` in through the real sign-in page; return on the page it leads to."""
    url = "/accounts/login/" + (f"?next={quote(next_url)}" if next_url else "")
    page.goto(url)
    page.locator("#id_username").fill(user.get_username())
    page.locator("#id_password").fill(password)
    form = page.locator("form:has(#id_password)")
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/accounts/login/" in r.url
    ) as answer:
        form.locator("button[type=submit]").click()
    if answer.value.status not in (301, 302, 303):
        page.wait_for_load_state()
        errors = page.locator(".errorlist").all_inner_texts()
        raise AssertionError(f"sign-in of {user.get_username()} refused: {errors or page.url}")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    page.wait_for_load_state()
    return page


def make_jpeg(width: int = 320, height: int = 240, colour=(200, 60, 40)) -> bytes:
    """A small, valid JPEG photo (a coloured block with a white stripe)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).rectangle(
        (0, height // 3, width, height // 3 + max(1, height // 10)), fill="white"
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def upload_jpeg(page, selector: str, *, name: str = "photo.jpg", jpeg: bytes | None = None):
    """Put a JPEG into the file input ``selector`` (as a person choosing a photo would)."""
    page.set_input_files(
        selector,
        files=[{"name": name, "mimeType": "image/jpeg", "buffer": jpeg or make_jpeg()}],
    )


def click_map(page, lon: float, lat: float, *, selector: str = "#map"):
    """Click the Leaflet map in ``selector`` at the WGS84 point (lon, lat)."""
    point = page.evaluate(
        """([selector, lat, lon]) => {
          const el = document.querySelector(selector);
          const maps = [window.gridgovMap, ...(window.__gridgovLeafletMaps || [])];
          const map = maps.find((m) => m && el && m.getContainer() === el);
          if (!map) { return null; }
          const p = map.latLngToContainerPoint([lat, lon]);
          return { x: p.x, y: p.y };
        }""",
        [selector, lat, lon],
    )
    if point is None:
        raise AssertionError(
            f"no Leaflet map in {selector!r} (expose it as window.gridgovMap, or load Leaflet "
            "as the global L so that the page fixture records it)"
        )
    page.locator(selector).click(position=point)
