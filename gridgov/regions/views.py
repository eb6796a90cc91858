from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required
from gridgov.org.scoping import scope_of, scoped

from .forms import BoundaryUploadForm, too_large_message
from .jobs import IMPORT_BOUNDARIES
from .selectors import ancestors_of, home_region_for, region_for, regions_for


@capability_required(Capability.VIEW_REGIONS)
def region_home(request):
    region = home_region_for(request.user)
    if region is None:
        raise Http404
    return redirect("regions:detail", code=region.code)


@capability_required(Capability.VIEW_REGIONS)
def region_detail(request, code):
    """A region: where it sits, its leader, its children as a list and on a map."""
    region = region_for(request.user, code)
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


@capability_required(Capability.MANAGE_REGIONS)
def boundary_import(request):
    """Upload a boundary file; the worker checks and imports it, the job page follows it."""
    if (
        request.method == "POST"
        and _declared_size(request) > settings.GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES
    ):
        # Refused before Django reads the body, so an oversized upload never reaches the disk.
        context = {"form": BoundaryUploadForm(), "error": too_large_message()}
        return render(request, "regions/boundary_import.html", context, status=413)
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


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
