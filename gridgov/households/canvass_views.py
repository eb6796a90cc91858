"""Pages of the door-knocking canvasses: the list and the dashboard for dispatchers and leaders
(coverage drilling down area by area, colours, the proof list with its download, excuses), and
the phone-first pages of the grid workers (my households → a household → one tap).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.errors import GridGovError
from gridgov.core.exports import table_response
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region
from gridgov.workflow.models import history_of, urgency_of

from . import canvass_actions as actions
from . import colours, coverage
from .canvass_api import area_for, canvass_for
from .choices import CanvassTarget, Colour, VisitOutcome
from .models import Canvass
from .workflow import CANVASS_WORKFLOW as WORKFLOW

PAGE_SIZE = 30
PROOF_HEADER = ("户号", "地址", "状态", "走访次数", "成员", "身份证号（脱敏）")


@login_required
def canvass_list(request):
    rows = scoped(Canvass.objects.select_related("region"), request.user).order_by(
        "-starts_on", "-id"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    may_create = WORKFLOW.role_of(request.user) in WORKFLOW.transition("create").roles
    return render(request, "households/canvass_list.html", {"page": page, "may_create": may_create})


@login_required
def canvass_new(request):
    if WORKFLOW.role_of(request.user) not in WORKFLOW.transition("create").roles:
        raise Http404
    areas = scoped(Region.objects.filter(level__in=actions.AREA_LEVELS), request.user)
    context = {"areas": areas.order_by("code")[:300], "targets": CanvassTarget.choices,
               "colours": Colour.choices, "today": timezone.localdate()}  # fmt: skip
    if request.method == "POST":
        post = request.POST
        data = actions.CanvassData(
            title=post.get("title", ""), region=post.get("region"),
            starts_on=post.get("starts_on"), ends_on=post.get("ends_on"),
            target=post.get("target", CanvassTarget.ALL),
            target_groups=post.getlist("target_groups"),
            target_colour=post.get("target_colour", ""),
            is_emergency=post.get("is_emergency") == "1",
        )  # fmt: skip
        try:
            canvass = actions.do_create_canvass(data, actor=request.user)
        except GridGovError as error:
            context["error"] = error
            return render(request, "households/canvass_new.html", context, status=400)
        return redirect(canvass.get_absolute_url())
    return render(request, "households/canvass_new.html", context)


def _area(request, canvass):
    try:
        return area_for(request.user, canvass, request.GET.get("region"))
    except GridGovError:
        raise Http404 from None


@login_required
def canvass_detail(request, number, error=None, status=200):
    """The dashboard: an area's coverage and its sub-areas' (each a link one level down),
    colours, the proof list and the organisers' buttons."""
    canvass = canvass_for(request.user, number)
    region = _area(request, canvass)
    row, children = coverage.area_coverage(canvass, region)
    proof = scoped(coverage.proof_list(canvass, region), request.user)
    page = Paginator(proof, PAGE_SIZE).get_page(request.GET.get("page"))
    members = coverage.residents_of(page.object_list)
    for r in page.object_list:
        r.people = members.get(r.household_id, [])
    for child in children:
        child.share = round(100 * coverage.done_share(child))
    context = {
        "canvass": canvass, "item": canvass, "region": region, "row": row,
        "share": round(100 * coverage.done_share(row)), "children": children, "page": page,
        "colours": colours.colour_counts(region, request.user)["total"],
        "timeline": history_of(canvass), "available": WORKFLOW.actions_for(canvass, request.user),
        "urgency": urgency_of(canvass), "error": error,
    }  # fmt: skip
    return render(request, "households/canvass_detail.html", context, status=status)


@login_required
def proof_download(request, number, fmt):
    """The proof list of an area as .xlsx or .csv: households not yet reached, members masked."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    canvass = canvass_for(request.user, number)
    region = _area(request, canvass)
    rows = list(scoped(coverage.proof_list(canvass, region), request.user)[:100_000])
    members = coverage.residents_of(rows)
    table = (
        (r.household.number, str(r.household.house), r.get_state_display(), r.visits,
         m.name, m.masked_id_number)
        for r in rows
        for m in members.get(r.household_id) or [None]
        if m is not None
    )  # fmt: skip
    name = f"{canvass.number}-{region.name}-未走访清单"
    return table_response(fmt, name, PROOF_HEADER, table, title=canvass.title)


@login_required
@require_POST
def excuse(request, number):
    canvass = canvass_for(request.user, number)
    try:
        actions.do_excuse_household(
            canvass, request.POST.get("household", ""), actor=request.user,
            reason=request.POST.get("reason", ""),
        )  # fmt: skip
    except GridGovError as error:
        return canvass_detail(request, number, error=error, status=error.status_code)
    messages.success(request, _("The reason is recorded."))
    return redirect(canvass.get_absolute_url())


@login_required
def mine(request, number):
    """Phone-first: the next households of my area (or assignments) not yet reached."""
    canvass = canvass_for(request.user, number)
    rows = actions.my_households(canvass, request.user).select_related("household__house__building")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "households/canvass_mine.html", {"canvass": canvass, "page": page})


@login_required
def household_page(request, number, household, error=None, status=200):
    canvass = canvass_for(request.user, number)
    try:
        row = actions.canvassed_for(canvass, request.user, household)
    except GridGovError:
        raise Http404 from None
    members = coverage.residents_of([row]).get(row.household_id, [])
    choices = [f for f in canvass.form if f["type"] in ("choice", "bool")]
    context = {"canvass": canvass, "row": row, "members": members, "questions": choices,
               "error": error, "outcomes": VisitOutcome}  # fmt: skip
    return render(request, "households/canvass_household.html", context, status=status)


def _persons_from(post, canvass) -> dict:
    """Only what differs from the defaults: a toggle per person and question."""
    by_key = {f["key"]: f for f in canvass.form}
    persons: dict = {}
    for name, value in post.items():
        parts = name.split(".")
        if len(parts) != 3 or parts[0] != "p" or not value:
            continue
        _p, pk, key = parts
        field = by_key.get(key)
        if key == "seen":
            persons.setdefault(pk, {})["seen"] = value != "0"
        elif field is not None:
            answer = value == "1" if field["type"] == "bool" else value
            persons.setdefault(pk, {}).setdefault("answers", {})[key] = answer
    return persons


@login_required
@require_POST
def visit(request, number, household):
    canvass = canvass_for(request.user, number)
    post = request.POST
    data = actions.VisitData(
        household=household, outcome=post.get("outcome", VisitOutcome.VISITED),
        persons=_persons_from(post, canvass), note=post.get("note", ""),
        need=post.get("need", ""), photos=request.FILES.getlist("photos"),
        idempotency_key=post.get("key", "")[:64],
    )  # fmt: skip
    try:
        done = actions.do_record_visit(canvass, data, actor=request.user)
    except GridGovError as error:
        return household_page(request, number, household, error=error, status=error.status_code)
    text = _("Visit recorded: %(household)s.") % {"household": household}
    if getattr(done, "event_number", ""):
        text += " " + _("Event %(n)s") % {"n": done.event_number}
    messages.success(request, text)
    return redirect("canvasses:mine", number)
