from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape
from django.views.decorators.http import require_POST

from gridgov.core.audit import client_ip
from gridgov.core.errors import GridGovError
from gridgov.regions.selectors import region_or_home_for

from .actions import do_reveal
from .choices import Capability, Role
from .kpi import enforcement_sinking
from .models import Staff
from .roles import capability_required, has_capability
from .scoping import scoped
from .selectors import staff_for


@capability_required(Capability.VIEW_STAFF)
def staff_list(request):
    role = request.GET.get("role", "")
    text = request.GET.get("q", "").strip()
    staff = staff_for(request.user, role=role, name=text)
    page = Paginator(staff, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/staff_list.html",
        {
            "page": page,
            "roles": Role.choices,
            "role": role,
            "q": text,
            "can_reveal": has_capability(request.user, Capability.REVEAL_PII),
        },
    )


@capability_required(Capability.VIEW_STAFF)
@require_POST
def staff_reveal(request, pk):
    """htmx: replace a masked phone with the full number. Audited."""
    staff = get_object_or_404(scoped(Staff.objects.all(), request.user), pk=pk)
    try:
        value = do_reveal(staff, "phone", user=request.user, ip_address=client_ip(request))
    except GridGovError as exc:  # htmx swaps the text in place of the number
        return HttpResponse(escape(str(exc.message)), status=exc.status_code)
    return HttpResponse(escape(value))


@capability_required(Capability.VIEW_KPI)
def kpi_sinking(request):
    """Share of enforcement staff sunk to the grassroots, with a ranking."""
    region = region_or_home_for(request.user, request.GET.get("region"))
    if region is None:
        raise Http404
    figures = enforcement_sinking(request.user, region)
    return render(request, "org/kpi_sinking.html", {"region": region, "figures": figures})
