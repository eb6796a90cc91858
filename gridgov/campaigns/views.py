"""Pages of the campaign boards (in Chinese): the campaigns, a campaign's board (map, funnel,
burn-down, task teams, stuck items), its items and one item with its stage moves, the item
import, the Excel export and the printable A3 wall map."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError, stored_id
from gridgov.core.exports import XLSX, table_response
from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required, has_capability
from gridgov.org.scoping import scoped

from . import actions
from .api import item_filter_from, stage_named
from .files import columns_of
from .forms import ItemUploadForm
from .jobs import IMPORT_ITEMS
from .selectors import (
    board_figures,
    campaign_for,
    campaigns_for,
    export_rows,
    item_for,
    items_of,
    records_of,
    stages_of,
    teams_of,
)

PAGE_SIZE = 30
VIEW = Capability.VIEW_CAMPAIGNS


def _map_settings() -> dict:
    return {
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _campaign(request, number):
    try:
        return campaign_for(request.user, number)
    except GridGovError:
        raise Http404 from None


@capability_required(VIEW)
def campaign_list(request):
    page = Paginator(campaigns_for(request.user).order_by("-created_at", "-pk"), PAGE_SIZE)
    return render(request, "campaigns/list.html", {"page": page.get_page(request.GET.get("page"))})


@capability_required(VIEW)
def board(request, number):
    campaign = _campaign(request, number)
    figures = board_figures(campaign)
    stuck = Paginator(items_of(request.user, campaign, item_filter_from({"stuck": "1"})), 20)
    return render(
        request,
        "campaigns/board.html",
        {
            "campaign": campaign,
            "figures": figures,
            "stuck": stuck.get_page(request.GET.get("page")),
            "may_manage": has_capability(request.user, Capability.MANAGE_CAMPAIGNS),
            **_map_settings(),
        },
    )


@capability_required(VIEW)
def wall(request, number):
    """The board on one A3 sheet, landscape: the map, the funnel and the task teams."""
    campaign = _campaign(request, number)
    return render(
        request,
        "campaigns/wall.html",
        {"campaign": campaign, "figures": board_figures(campaign), **_map_settings()},
    )


@capability_required(VIEW)
def item_list(request, number):
    campaign = _campaign(request, number)
    try:
        f = item_filter_from(request.GET)
    except GridGovError as error:
        messages.error(request, error.message)
        return redirect("campaigns:items", number)
    page = Paginator(items_of(request.user, campaign, f), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/items.html",
        {
            "campaign": campaign,
            "page": page,
            "f": f,
            "stages": stages_of(campaign),
            "teams": [t for t in teams_of(campaign) if t.kind == "task_team"],
        },
    )


@capability_required(VIEW)
def item_detail(request, number, pk):
    campaign = _campaign(request, number)
    if stored_id(pk) is None:
        raise Http404
    try:
        item = item_for(request.user, campaign, pk)
    except GridGovError:
        raise Http404 from None
    stages = stages_of(campaign)
    current = item.stage.position if item.stage_id else -1
    return render(
        request,
        "campaigns/item.html",
        {
            "campaign": campaign,
            "item": item,
            "records": records_of(item),
            "next_stages": [s for s in stages if s.position > current],
            "may_move": actions.may_move(request.user, item),
        },
    )


@require_POST
@capability_required(VIEW)
def item_move(request, number, pk):
    campaign = _campaign(request, number)
    try:
        item = item_for(request.user, campaign, stored_id(pk) or 0)
        actions.do_move_item(
            item.pk,
            stage=stage_named(campaign, request.POST.get("stage", "")),
            reached_on=parse_day(request.POST.get("reached_on"), "reached_on"),
            note=request.POST.get("note", ""),
            photos=request.FILES.getlist("photos"),
            version=stored_id(request.POST.get("version")),
            actor=request.user,
        )
        messages.success(request, _("The item moved on."))
    except GridGovError as error:
        messages.error(request, error.message)
        if error.details:
            for detail in error.details:
                messages.error(request, detail.get("message", ""))
    return redirect("campaigns:item", number, pk)


@require_POST
@capability_required(VIEW)
def item_undo(request, number, pk):
    campaign = _campaign(request, number)
    try:
        item = item_for(request.user, campaign, stored_id(pk) or 0)
        actions.do_undo_move(
            item.pk,
            reason=request.POST.get("reason", ""),
            version=stored_id(request.POST.get("version")),
            actor=request.user,
        )
        messages.success(request, _("The last move was undone."))
    except GridGovError as error:
        messages.error(request, error.message)
    return redirect("campaigns:item", number, pk)


@capability_required(VIEW)
def export(request, number):
    campaign = _campaign(request, number)
    return table_response(
        XLSX, campaign.name, columns_of(campaign), export_rows(request.user, campaign),
        title=campaign.name,
    )  # fmt: skip


@capability_required(Capability.MANAGE_CAMPAIGNS)
def item_import(request, number):
    """Upload a file of items; the worker checks and saves it, the job page follows it."""
    campaign = _campaign(request, number)
    form = ItemUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = do_submit_job(
            IMPORT_ITEMS,
            actor=request.user,
            params={
                "campaign": campaign.number,
                "skip_bad_rows": form.cleaned_data["skip_bad_rows"],
            },
            upload=form.cleaned_data["file"],
        )
        return redirect("core:job", pk=job.pk)
    recent = scoped(Job.objects.filter(kind=IMPORT_ITEMS), request.user)[:10]
    return render(
        request,
        "campaigns/import.html",
        {
            "campaign": campaign,
            "form": form,
            "recent": recent,
            "columns": columns_of(campaign),
        },
        status=400 if form.errors else 200,
    )
