from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from gridgov.core.errors import NotFound
from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of, scoped

from .forms import BoundaryUploadForm
from .jobs import IMPORT_BOUNDARIES
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


@login_required
def boundary_import(request):
    """Upload a boundary file; the worker checks and imports it, the job page follows it."""
    if not has_capability(request.user, Capability.MANAGE_REGIONS):
        raise PermissionDenied
    form = BoundaryUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_BOUNDARIES,
            actor=request.user,
            params={
                "crs": form.cleaned_data["crs"],
                "overlap_tolerance_m2": form.cleaned_data["overlap_tolerance_m2"],
            },
            upload=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_BOUNDARIES), request.user)[:10]
    return render(request, "regions/boundary_import.html", {"form": form, "recent": recent})
