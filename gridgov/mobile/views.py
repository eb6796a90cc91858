"""The phone app's three URLs under /m/: the app shell, its service worker and its manifest.

The service worker lives at /m/sw.js, so its scope is /m/ without a Service-Worker-Allowed
header. It is a small script rendered here (the precache list names the static files by their
fingerprinted URLs); its logic is a static file, gridgov/mobile/sw-routes.js.
"""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

# The files the app needs with no signal: precached when the service worker installs.
SHELL_ASSETS = (
    "gridgov/mobile/app.css",
    "gridgov/mobile/outbox.js",
    "gridgov/mobile/photo.js",
    "gridgov/mobile/app.js",
)
# Workbox's production builds (scripts/fetch_assets.py), in the order they depend on each other.
WORKBOX = (
    "vendor/workbox/workbox-core.prod.js",
    "vendor/workbox/workbox-routing.prod.js",
    "vendor/workbox/workbox-strategies.prod.js",
    "vendor/workbox/workbox-precaching.prod.js",
)
ICONS = (("gridgov/mobile/icon-192.png", "192x192"), ("gridgov/mobile/icon-512.png", "512x512"))


@login_required
def app(request):
    return render(request, "mobile/app.html", {"assets": SHELL_ASSETS})


@require_POST
def sign_out(request):
    """The app's sign-out. The page has already emptied what it read (the service worker's
    cache of my tasks, messages, who I am, the outline; its own remembered choices); this
    answer also asks the browser to drop its HTTP cache. Not "storage": that would also wipe
    the outbox, whose unsent actions stay on the phone for the same user's next sign-in (the
    page sends only the signed-in user's own, see app.js)."""
    logout(request)
    response = redirect(f"{reverse('accounts:login')}?next={reverse('mobile:app')}")
    response["Clear-Site-Data"] = '"cache"'
    return response


@never_cache
def service_worker(request):
    """Served to anyone: it names only public static files and the shell's URL."""
    precache = [{"url": static(path), "revision": file_revision(path)} for path in SHELL_ASSETS]
    shell = reverse("mobile:app")
    precache.append({"url": shell, "revision": shell_revision(get_language())})
    script = "\n".join(
        [
            "/* GridGov phone app: service worker (its routes: sw-routes.js). */",
            f"importScripts({', '.join(json.dumps(static(p)) for p in WORKBOX)});",
            f"self.GRIDGOV_PRECACHE = {json.dumps(precache)};",
            f"self.GRIDGOV_SHELL = {json.dumps(shell)};",
            f"importScripts({json.dumps(static('gridgov/mobile/sw-routes.js'))});",
            "",
        ]
    )
    return HttpResponse(script, content_type="application/javascript; charset=utf-8")


def manifest(request):
    data = {
        "name": _("GridGov grid worker"),
        "short_name": _("GridGov app"),
        "description": _("Tasks, reports and visits for grid workers, with or without signal."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("mobile:app"),
        "scope": reverse("mobile:app"),
        "id": reverse("mobile:app"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1d5fa8",
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": "any maskable"}
            for path, sizes in ICONS
        ],
    }
    body = json.dumps(data, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/manifest+json; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def file_revision(path: str) -> str:
    """A digest of a static file's content: the precache fetches it again when it changes
    (fingerprinted URLs change by themselves; the test and development servers' do not)."""
    found = finders.find(path)
    if not found:
        return static(path)
    with open(found, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


@cache
def shell_revision(language: str | None) -> str:
    """The shell changes with its template, its files and the language it is rendered in."""
    template = get_template("mobile/app.html").origin.name
    with open(template, "rb") as handle:
        digest = hashlib.sha256(handle.read())
    for path in SHELL_ASSETS:
        digest.update(file_revision(path).encode())
    digest.update((language or "").encode())
    return digest.hexdigest()[:16]
