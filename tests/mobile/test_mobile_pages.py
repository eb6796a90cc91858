"""The app's shell, manifest and service worker as the server gives them."""

import json

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_shell_is_for_signed_in_staff(client, gridworker_a):
    assert client.get("/m/").status_code == 302
    page = client_for(gridworker_a).get("/m/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'rel="manifest"' in html and "<script>" not in html and "style=" not in html


def test_the_manifest_has_what_an_installable_app_needs(client):
    answer = client.get("/m/manifest.webmanifest")
    assert answer["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(answer.content)
    assert manifest["name"] and manifest["short_name"]
    assert manifest["start_url"] == "/m/" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_apps_scope_with_its_precache(client):
    answer = client.get("/m/sw.js")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/javascript")
    assert "no-cache" in answer["Cache-Control"] or "max-age=0" in answer["Cache-Control"]
    script = answer.content.decode()
    assert "workbox-precaching.prod.js" in script and "sw-routes.js" in script
    assert '"url": "/m/"' in script


def test_workbox_is_vendored_not_loaded_from_a_cdn(client):
    script = client.get("/m/sw.js").content.decode()
    assert "https://" not in script
    assert finders.find("vendor/workbox/workbox-core.prod.js")


def test_signing_out_of_the_app_ends_the_session_and_asks_the_browser_to_drop_its_cache(
    gridworker_a,
):
    client = client_for(gridworker_a)
    assert client.get("/m/sign-out/").status_code == 405  # a link cannot sign anyone out
    answer = client.post("/m/sign-out/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?next=/m/"
    # Not "storage": the phone's outbox keeps its user's unsent actions (app.js sends them
    # only as that user); the app itself empties the cached reads before this request.
    assert answer["Clear-Site-Data"] == '"cache"'
    assert client.get("/api/v1/mobile/me").status_code in (401, 403)
