"""The pages that configure appointments, for staff holding MANAGE_SERVICES in the resource's
area: resources (create, edit, take out of booking), their week of opening hours and the
exceptions to it, and the member lists that "students of an organisation" book from (one
member added, a list imported from a spreadsheet with a row report, a template to fill in).

Each write is one action of `actions.py`, shared with the API; a refused one shows its reasons
with its 4xx status and changes nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_time
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError, InvalidInput, field_problem
from gridgov.core.exports import CSV, XLSX, table_response
from gridgov.core.pii import mask_name, mask_phone
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required

from . import actions, selectors
from .choices import WEEKDAY_NAMES, ResourceKind, WhoMayBook
from .memberfile import COLUMNS

PAGE_SIZE = 30
RANGES_A_DAY = 3
MAX_UPLOAD = 2 * 2**20
configures = capability_required(Capability.MANAGE_SERVICES)


def _page(request, rows, name="page"):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(name))


@configures
def setup(request):
    resources = selectors.configured_resources(request.user).order_by("-is_active", "name", "pk")
    lists = selectors.member_lists_for(request.user).order_by("name", "pk")
    context = {"page": _page(request, resources), "lists": _page(request, lists, "lists")}
    return render(request, "appointments/setup.html", context)


# --- Resources ------------------------------------------------------------------------------


def _resource_data(user, post) -> tuple[actions.ResourceData, object]:
    who = post.get("who_may_book", WhoMayBook.ANYONE)
    residents_of = members = None
    if who == WhoMayBook.RESIDENTS and post.get("residents_of"):
        residents_of = selectors.area_for(user, post.get("residents_of"))
    if who == WhoMayBook.MEMBERS and post.get("members"):
        members = selectors.member_list_for(user, post.get("members"))
    data = actions.ResourceData(
        name=post.get("name", ""), kind=post.get("kind", ""), place=post.get("place", ""),
        slot_minutes=post.get("slot_minutes", ""), days_ahead=post.get("days_ahead", ""),
        sensitive=post.get("sensitive") == "on", who_may_book=who,
        residents_of=residents_of, members=members,
    )  # fmt: skip
    if not post.get("region"):
        problem = _("Choose the area.")
        raise InvalidInput(problem, details=[field_problem("region", problem)])
    return data, selectors.area_for(user, post.get("region"))


def _initial(resource) -> dict:
    """The form's values: the resource's, or a new one's defaults."""
    if resource is None:
        return {"slot_minutes": 60, "days_ahead": 30, "who_may_book": WhoMayBook.ANYONE}
    return {
        "name": resource.name, "kind": resource.kind, "region": str(resource.region_id),
        "place": resource.place, "slot_minutes": resource.slot_minutes,
        "days_ahead": resource.days_ahead, "sensitive": resource.sensitive,
        "who_may_book": resource.who_may_book,
        "residents_of": str(resource.residents_of_id or ""),
        "members": str(resource.members_id or ""),
    }  # fmt: skip


@configures
def resource_form(request, pk=None):
    user = request.user
    resource = selectors.configured_resource(user, pk) if pk else None
    error = None
    if request.method == "POST":
        try:
            data, region = _resource_data(user, request.POST)
            saved = actions.do_save_resource(data, actor=user, region=region, resource=resource)
        except GridGovError as exc:
            error = exc
        else:
            messages.success(request, _("The resource is saved."))
            if resource is None:  # a new resource's week comes next
                return redirect("appointments:hours", pk=saved.pk)
            return redirect("appointments:setup")
    context = {
        "resource": resource,
        "form": request.POST if error else _initial(resource),
        "error": error,
        "kinds": ResourceKind.choices,
        "who": WhoMayBook.choices,
        "areas": selectors.areas_for(user),
        "lists": selectors.member_lists_for(user).order_by("name")[: selectors.AREA_CHOICES],
    }
    status = error.status_code if error else 200
    return render(request, "appointments/resource_form.html", context, status=status)


@configures
@require_POST
def resource_active(request, pk):
    resource = selectors.configured_resource(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.do_set_active(resource, active=active, actor=request.user)
    except GridGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Taken back into booking.") if active else _("Taken out of booking.")
        )
    return redirect("appointments:setup")


# --- Hours and exceptions -------------------------------------------------------------------


def week_from(post) -> list[tuple]:
    """The week a form sends: for each day up to three ranges (opens-<day>-<n>,
    closes-<day>-<n>); a half-filled or unreadable range is refused by its field."""
    hours, problems = [], []
    for day in range(7):
        for n in range(RANGES_A_DAY):
            opens_text = post.get(f"opens-{day}-{n}", "").strip()
            closes_text = post.get(f"closes-{day}-{n}", "").strip()
            if not opens_text and not closes_text:
                continue
            opens, closes = _time(opens_text), _time(closes_text)
            if opens is None or closes is None:
                message = _("%(day)s: give both times, as HH:MM.") % {"day": WEEKDAY_NAMES[day]}
                problems.append(field_problem(f"hours-{day}", message))
                continue
            hours.append((day, opens, closes))
    if problems:
        raise InvalidInput(_("The opening hours are not right."), details=problems)
    return hours


def _time(text):
    try:
        return parse_time(text) if text else None
    except ValueError:
        return None


def _week_rows(resource, post=None) -> list[dict]:
    """Each day with its ranges as the form shows them: the posted ones after a refusal."""
    if post is not None:
        return [
            {
                "day": day, "name": WEEKDAY_NAMES[day],
                "ranges": [(n, post.get(f"opens-{day}-{n}", ""), post.get(f"closes-{day}-{n}", ""))
                           for n in range(RANGES_A_DAY)],
            }
            for day in range(7)
        ]  # fmt: skip
    stored = {day: [] for day in range(7)}
    for h in resource.hours.all():
        stored[h.weekday].append((f"{h.opens:%H:%M}", f"{h.closes:%H:%M}"))
    rows = []
    for day in range(7):
        ranges = stored[day] + [("", "")] * max(RANGES_A_DAY - len(stored[day]), 0)
        rows.append(
            {
                "day": day,
                "name": WEEKDAY_NAMES[day],
                "ranges": [(n, o, c) for n, (o, c) in enumerate(ranges[:RANGES_A_DAY])],
            }
        )
    return rows


@configures
def hours(request, pk):
    resource = selectors.configured_resource(request.user, pk)
    error, posted = None, None
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "week":
                posted = request.POST
                actions.do_set_weekly_hours(resource, week_from(request.POST), actor=request.user)
                posted = None
            elif what == "exception":
                actions.do_add_exception(
                    resource, actor=request.user,
                    day=parse_day(request.POST.get("day"), _("day")),
                    closed=request.POST.get("closed") == "on",
                    opens=_time(request.POST.get("opens", "").strip()),
                    closes=_time(request.POST.get("closes", "").strip()),
                    reason=request.POST.get("reason", ""),
                )  # fmt: skip
            else:
                raise InvalidInput(_("Unknown action: %(action)s.") % {"action": what})
        except GridGovError as exc:
            error = exc
        else:
            messages.success(request, _("Saved."))
            return redirect("appointments:hours", pk=resource.pk)
    context = {
        "resource": resource,
        "week": _week_rows(resource, posted),
        "exceptions": _page(request, resource.exceptions.order_by("-day", "pk")),
        "error": error,
        "values": request.POST if error else {},
    }
    status = error.status_code if error else 200
    return render(request, "appointments/hours.html", context, status=status)


@configures
@require_POST
def exception_remove(request, pk, exception):
    resource = selectors.configured_resource(request.user, pk)
    try:
        actions.do_remove_exception(
            selectors.exception_for(resource, exception), actor=request.user
        )
    except GridGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed."))
    return redirect("appointments:hours", pk=resource.pk)


# --- Member lists ---------------------------------------------------------------------------


@configures
def member_list_new(request):
    error = None
    if request.method == "POST":
        try:
            if not request.POST.get("region"):
                problem = _("Choose the area.")
                raise InvalidInput(problem, details=[field_problem("region", problem)])
            made = actions.do_save_member_list(
                name=request.POST.get("name", ""), actor=request.user,
                region=selectors.area_for(request.user, request.POST.get("region")),
            )  # fmt: skip
        except GridGovError as exc:
            error = exc
        else:
            messages.success(request, _("The member list is saved."))
            return redirect("appointments:member-list", pk=made.pk)
    context = {"areas": selectors.areas_for(request.user), "error": error, "values": request.POST}
    status = error.status_code if error else 200
    return render(request, "appointments/member_list_new.html", context, status=status)


@configures
def member_list(request, pk):
    """A list's members (masked), one added, a file imported (with its row report)."""
    members = selectors.member_list_for(request.user, pk)
    error, report = None, None
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "add":
                actions.do_add_list_member(
                    members, name=request.POST.get("name", ""),
                    phone=request.POST.get("phone", ""), actor=request.user,
                )  # fmt: skip
            elif what == "import":
                upload = _upload(request)
                report = actions.do_import_list_members(
                    members, upload.read(), upload.name, actor=request.user
                )
            elif what == "rename":
                actions.do_save_member_list(
                    name=request.POST.get("name", ""), members=members, actor=request.user
                )
            else:
                raise InvalidInput(_("Unknown action: %(action)s.") % {"action": what})
        except GridGovError as exc:
            error = exc
        else:
            if report is None:
                messages.success(request, _("Saved."))
                return redirect("appointments:member-list", pk=members.pk)
    page = _page(request, members.entries.order_by("pk"))
    rows = [(m, mask_name(m.name) if m.name else "", mask_phone(m.phone) if m.phone else "")
            for m in page]  # fmt: skip
    context = {
        "members": members,
        "page": page,
        "rows": rows,
        "report": report,
        "error": error,
        "values": request.POST if error else {},
        "columns": COLUMNS,
        "resources": members.resources.order_by("name"),
    }
    status = error.status_code if error else 200
    return render(request, "appointments/member_list.html", context, status=status)


def _upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(
            _("Choose a file."), details=[field_problem("file", _("Choose a file."))]
        )
    if upload.size > MAX_UPLOAD:
        raise InvalidInput(
            _("The file is too large (at most 2 MB)."),
            details=[field_problem("file", _("The file is too large (at most 2 MB)."))],
        )
    if not upload.name.lower().endswith((".xlsx", ".csv")):
        raise InvalidInput(
            _("Upload an .xlsx or .csv file."),
            details=[field_problem("file", _("Upload an .xlsx or .csv file."))],
        )
    return upload


@configures
@require_POST
def member_remove(request, pk, member):
    members = selectors.member_list_for(request.user, pk)
    try:
        actions.do_remove_list_member(
            selectors.listed_member_for(members, member), actor=request.user
        )
    except GridGovError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed."))
    return redirect("appointments:member-list", pk=members.pk)


@configures
def member_template(request):
    """The member-list template: its header, to fill in."""
    fmt = CSV if request.GET.get("format") == "csv" else XLSX
    return table_response(fmt, _("member list"), COLUMNS, [])
