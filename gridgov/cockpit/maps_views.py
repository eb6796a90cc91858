"""The cockpit's map pages, their JSON (GeoJSON) endpoints under /cockpit/map/, and the big
screen under /cockpit/screen/. Thin: parse the URL, read through `maps` / `maps_screen`, answer.

The JSON endpoints answer errors as JSON ({"detail", "code"[, "errors"]}, like the REST API):
the pages' scripts read them, and a region outside the reader's area is a 404 like everywhere.
"""

from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridgov.core.errors import GridGovError
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability
from gridgov.org.scoping import scope_of
from gridgov.regions.selectors import ancestors_of, region_for

from . import maps, maps_screen

# Who may open the cockpit's maps and screen: those who may read the figures.
MAP_CAPABILITY = Capability.VIEW_KPI


def json_endpoint(view):
    """Signed in (401 otherwise), allowed to read the figures (403), GET only; a GridGovError
    becomes its status with the REST API's error shape."""

    @wraps(view)
    @require_GET
    def answer(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(401, "not_authenticated", _("Sign in first."))
        if not has_capability(request.user, MAP_CAPABILITY):
            return _error(403, "permission_denied", _("You are not allowed to do this."))
        try:
            body = view(request, *args, **kwargs)
        except GridGovError as error:
            return _error(error.status_code, error.code, error.message, error.details)
        response = JsonResponse(body)
        response["Cache-Control"] = "private, no-cache"
        return response

    return answer


def _error(status: int, code: str, message, details=None) -> JsonResponse:
    body = {"detail": str(message), "code": code}
    if details:
        body["errors"] = [{k: str(v) for k, v in d.items()} for d in details]
    return JsonResponse(body, status=status)


# --- JSON --------------------------------------------------------------------------------------


@json_endpoint
def live(request, code):
    region = region_for(request.user, code)
    return maps.live_features(request.user, region, maps.zoom_from(request.GET.get("zoom")))


@json_endpoint
def heat(request, code):
    region = region_for(request.user, code)
    period = maps.map_period(request.GET.get("period"))
    zoom = maps.zoom_from(request.GET.get("zoom"))
    layer = request.GET.get("layer") or "events"
    return maps.heat_cells(request.user, region, period, zoom, layer)


@json_endpoint
def children(request, code):
    region = region_for(request.user, code)
    period = maps.map_period(request.GET.get("period"))
    return maps.children_map(request.user, region, period, request.GET.get("figure"))


@json_endpoint
def screen_data(request, code):
    region = region_for(request.user, code)
    period = maps.map_period(request.GET.get("period"))
    return maps_screen.screen_data(request.user, region, period)


# --- Pages -------------------------------------------------------------------------------------


def map_context(request, region, period) -> dict:
    """What `cockpit/_maps.html` needs beside `region` and `period` (the cockpit page may
    call this too): the figures to colour by, the one chosen, the tile server."""
    figure = request.GET.get("figure", "")
    choices = maps.figure_choices(request.user)
    if figure not in {c["key"] for c in choices}:
        figure = ""
    return {
        "region": region,
        "period": period,
        "map_figures": choices,
        "map_figure": figure,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        # Drilling down rewrites the address to this page for the child ("__code__" replaced).
        "map_page_url": reverse("cockpit:map-page", args=["__code__"]),
    }


@capability_required(MAP_CAPABILITY)
def map_page(request, code):
    """The maps on a page of their own: /cockpit/map/<code>/?period=…&figure=…"""
    region = region_for(request.user, code)
    period = maps.map_period(request.GET.get("period"))
    context = map_context(request, region, period)
    # Breadcrumbs link only to the regions the user may open.
    scope = scope_of(request.user)
    context["ancestors"] = [a for a in ancestors_of(region) if scope.covers_region(a)]
    return render(request, "cockpit/map_page.html", context)


@capability_required(MAP_CAPABILITY)
def screen(request, code):
    """The command centre's full screen: dark, no navigation, refreshed by its script."""
    region = region_for(request.user, code)
    period = maps.map_period(request.GET.get("period"))
    context = map_context(request, region, period)
    context["map_page_url"] = reverse("cockpit_screen:screen", args=["__code__"])
    context["refresh_seconds"] = maps_screen.REFRESH_SECONDS
    context["data_url"] = reverse("cockpit_screen:data", args=[region.code])
    return render(request, "cockpit/screen.html", context)
