from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from gridgov.core.errors import NotFound
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of

from .selectors import ancestors_of, home_region_for, region_for, regions_for


def _require_regions(user) -> None:
    if not has_capability(user, Capability.VIEW_REGIONS):
        raise PermissionDenied


@login_required
def region_home(request):
    _require_regions(request.user)
    region = home_region_for(request.user)
    if region is None:
        raise Http404
    return redirect("regions:detail", code=region.code)


@login_required
def region_detail(request, code):
    """A region: where it sits, its leader, its children as a list and on a map."""
    _require_regions(request.user)
    try:
        region = region_for(request.user, code)
    except NotFound:
        raise Http404 from None
    scope = scope_of(request.user)
    children = regions_for(request.user).filter(parent=region).select_related("leader")
    if text := request.GET.get("q", "").strip():
        children = children.filter(name__contains=text)
    page = Paginator(children.order_by("code"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            # Breadcrumbs link only to the regions the user may open.
            "ancestors": [a for a in ancestors_of(region) if scope.covers_region(a)],
            "page": page,
            "q": text,
            "map_tile_url": settings.MAP_TILE_URL,
            "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
