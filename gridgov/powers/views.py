"""Power-item pages: the catalogue as of a date, an item's history, the figures, export,
import (a background job) and transfers. Reading is for every staff member; changing needs
the manage_powers capability."""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core.errors import GridGovError
from gridgov.core.exports import FORMATS, table_response
from gridgov.core.forms import too_large_message
from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability
from gridgov.org.scoping import scoped
from gridgov.regions.selectors import regions_for

from .actions import do_transfer_power_items
from .api import catalogue_filter_from
from .choices import PowerKind, PowerStatus
from .files import COLUMNS, KIND_NAMES, export_rows
from .forms import CatalogueUploadForm, TransferForm
from .jobs import IMPORT_POWER_ITEMS
from .kpi import power_kpis
from .selectors import (
    JURISDICTION_LEVELS,
    can_read_catalogue,
    catalogue,
    default_jurisdiction,
    departments_of,
    history_of,
    jurisdiction_or_default,
    jurisdictions_with_catalogue,
    parse_as_of,
    power_item_for,
    version_on,
)

PAGE_SIZE = 30


def catalogue_readers(view):
    """Sign-in required, and a staff post: the catalogue is published to all staff."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if not can_read_catalogue(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _with_default_jurisdiction(request, jurisdictions):
    """The query parameters, naming the user's catalogue when the request names none."""
    params = request.GET.copy()
    if not params.get("jurisdiction"):
        default = default_jurisdiction(request.user, jurisdictions)
        if default is not None:
            params["jurisdiction"] = default.code
    return params


@catalogue_readers
def catalogue_list(request):
    jurisdictions = jurisdictions_with_catalogue()
    params = _with_default_jurisdiction(request, jurisdictions)
    f = catalogue_filter_from(request.user, params, among=jurisdictions)
    page = Paginator(catalogue(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "powers/list.html",
        {
            "page": page,
            "f": f,
            "jurisdictions": jurisdictions,
            "departments": departments_of(f.jurisdiction) if f.jurisdiction else [],
            "kinds": PowerKind.choices,
            "statuses": PowerStatus.choices,
            "formats": FORMATS,
            "can_manage": has_capability(request.user, Capability.MANAGE_POWERS),
        },
    )


@catalogue_readers
def item_detail(request, pk):
    item = power_item_for(request.user, pk)
    as_of = parse_as_of(request.GET.get("as_of"))
    history = history_of(item)
    return render(
        request,
        "powers/detail.html",
        {
            "item": item,
            "history": history,
            "current": version_on(history, as_of),
            "as_of": as_of,
            "kind_name": KIND_NAMES[item.kind],
            "can_manage": has_capability(request.user, Capability.MANAGE_POWERS),
        },
    )


@catalogue_readers
def kpi(request):
    jurisdictions = jurisdictions_with_catalogue()
    jurisdiction = jurisdiction_or_default(
        request.user, request.GET.get("jurisdiction"), jurisdictions
    )
    as_of = parse_as_of(request.GET.get("as_of"))
    figures = power_kpis(request.user, jurisdiction, as_of) if jurisdiction else None
    return render(
        request,
        "powers/kpi.html",
        {
            "jurisdiction": jurisdiction,
            "jurisdictions": jurisdictions,
            "as_of": as_of,
            "figures": figures,
        },
    )


@catalogue_readers
def export(request):
    """The catalogue of the list's filter, every page of it, as .xlsx or .csv."""
    fmt = request.GET.get("format", "xlsx")
    if fmt not in FORMATS:
        raise Http404
    jurisdictions = jurisdictions_with_catalogue()
    params = _with_default_jurisdiction(request, jurisdictions)
    f = catalogue_filter_from(request.user, params, among=jurisdictions)
    if f.jurisdiction is None:
        raise Http404
    rows = export_rows(catalogue(request.user, f).iterator(chunk_size=2000))
    name = f"权力事项清单-{f.jurisdiction.name}-{f.as_of.isoformat()}"
    return table_response(fmt, name, COLUMNS, rows, title=f.jurisdiction.name)


@capability_required(Capability.MANAGE_POWERS)
def catalogue_import(request):
    """Upload a catalogue file; the worker checks and imports it, the job page follows it."""
    jurisdictions = _manageable_jurisdictions(request.user)
    if request.method == "POST" and _declared_size(request) > (
        settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES + 2**20
    ):
        # Refused before Django reads the body, so an oversized upload never reaches the disk.
        form = CatalogueUploadForm(jurisdictions=jurisdictions)
        context = {"form": form, "error": too_large_message(), "recent": []}
        return render(request, "powers/import.html", context, status=413)
    form = CatalogueUploadForm(
        request.POST or None,
        request.FILES or None,
        jurisdictions=jurisdictions,
        initial=_initial_jurisdiction(request.user, jurisdictions),
    )
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_POWER_ITEMS,
            actor=request.user,
            params={
                "jurisdiction": form.cleaned_data["jurisdiction"],
                "skip_bad_rows": form.cleaned_data["skip_bad_rows"],
            },
            upload=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_POWER_ITEMS), request.user)[:10]
    return render(request, "powers/import.html", {"form": form, "recent": recent})


def _manageable_jurisdictions(user):
    """Counties and cities inside the user's area: the catalogues they may import into."""
    return list(regions_for(user).filter(level__in=JURISDICTION_LEVELS).order_by("code"))


def _initial_jurisdiction(user, jurisdictions) -> dict:
    """The user's catalogue if there is one, else their own county or city."""
    with_catalogue = {j.pk for j in jurisdictions_with_catalogue()}
    default = default_jurisdiction(
        user, [j for j in jurisdictions if j.pk in with_catalogue]
    ) or default_jurisdiction(user, jurisdictions)
    return {"jurisdiction": default.code} if default else {}


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@capability_required(Capability.MANAGE_POWERS)
def transfer(request):
    """Hand items to another unit from a date, on the authority of a document."""
    jurisdictions = _manageable_jurisdictions(request.user)
    source = request.POST if request.method == "POST" else request.GET
    code = source.get("jurisdiction") or _initial_jurisdiction(request.user, jurisdictions).get(
        "jurisdiction"
    )
    jurisdiction = next((j for j in jurisdictions if j.code == code), None)
    if jurisdiction is None:
        raise Http404
    initial = {"items": "\n".join(request.GET.getlist("items"))}
    form = TransferForm(request.POST or None, jurisdiction=jurisdiction, initial=initial)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            versions = do_transfer_power_items(
                data["items"],
                to_department=data["to_department"],
                effective_from=data["effective_from"],
                document_number=data["document_number"],
                note=data["note"],
                actor=request.user,
            )
        except GridGovError as exc:
            error, status = exc, exc.status_code
        else:
            messages.success(
                request,
                _("%(n)d items transferred to %(unit)s from %(day)s.")
                % {
                    "n": len(versions),
                    "unit": data["to_department"].name,
                    "day": data["effective_from"].isoformat(),
                },
            )
            shown = {
                "jurisdiction": jurisdiction.code,
                "department": data["to_department"].code,
                "as_of": data["effective_from"].isoformat(),
            }
            return redirect(f"{reverse('powers:list')}?{urlencode(shown)}")
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "powers/transfer.html",
        {
            "form": form,
            "jurisdiction": jurisdiction,
            "jurisdictions": jurisdictions,
            "error": error,
        },
        status=status,
    )
