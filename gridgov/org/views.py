from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
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
    return reveal_answer(request, staff, "phone")


def reveal_answer(request, instance, field_name: str) -> HttpResponse:
    """htmx: the full value, for the purpose picked on the page (the button includes the
    page's purpose list), or the refusal in its place. Never stored by any cache."""
    try:
        value = do_reveal(
            instance,
            field_name,
            user=request.user,
            purpose=request.POST.get("purpose", ""),
            purpose_note=request.POST.get("purpose_note", ""),
            ip_address=client_ip(request),
        )
        response = HttpResponse(escape(value))
    except GridGovError as exc:  # htmx swaps the text in place of the number
        reasons = "".join(f" {d.get('message', '')}" for d in exc.details)
        response = HttpResponse(escape(f"{exc.message}{reasons}"), status=exc.status_code)
    add_never_cache_headers(response)
    return response


@capability_required(Capability.VIEW_KPI)
def kpi_sinking(request):
    """Share of enforcement staff sunk to the grassroots, with a ranking."""
    region = region_or_home_for(request.user, request.GET.get("region"))
    if region is None:
        raise Http404
    figures = enforcement_sinking(request.user, region)
    return render(request, "org/kpi_sinking.html", {"region": region, "figures": figures})
