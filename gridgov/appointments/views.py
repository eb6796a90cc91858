"""The duty manager's pages: today's or this week's bookings by resource (who booked shown only
to the resource's people), the waiting list, walk-ins recorded. A booking's steps (came, did
not come, cancel, reschedule) are taken on its kernel page."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability

from . import actions
from .selectors import (
    board_figures,
    bookings_for,
    free_slots,
    person_on,
    resource_for,
    resources_for,
    served_by,
    waiting_for,
)

PAGE_SIZE = 50


@login_required
def board(request):
    start = parse_day(request.GET.get("day"), "day") or timezone.localdate()
    days = 7 if request.GET.get("days") == "7" else 1
    page = Paginator(bookings_for(request.user, start=start, days=days), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    served = served_by(request.user)
    rows = [(b, person_on(b, served)) for b in page]
    return render(
        request,
        "appointments/board.html",
        {
            "page": page,
            "rows": rows,
            "start": start,
            "days": days,
            "figures": board_figures(request.user, start=start, days=days),
            "resources": list(resources_for(request.user).select_related(None).only("pk", "name")),
            "waiting": Paginator(waiting_for(request.user, start=start), PAGE_SIZE).get_page(
                request.GET.get("waiting")
            ),
            "served": served,
            "next_week": start + timedelta(days=7),
            "may_configure": has_capability(request.user, Capability.MANAGE_SERVICES),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resource(request, pk):
    item = resource_for(request.user, pk)
    day = parse_day(request.GET.get("day"), "day") or timezone.localdate()
    context = {
        "resource": item,
        "day": day,
        "slots": free_slots(item, day),
        "values": {},
        "may_configure": has_capability(request.user, Capability.MANAGE_SERVICES),
    }
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "walk_in":
                actions.do_walk_in(item, actor=request.user, name=request.POST.get("name", ""),
                                   phone=request.POST.get("phone", ""))  # fmt: skip
            elif what == "waiting":
                actions.do_join_waiting_list(
                    item, actor=request.user, day=parse_day(request.POST.get("day"), "day") or day,
                    name=request.POST.get("name", ""), phone=request.POST.get("phone", ""),
                )  # fmt: skip
            else:
                actions.do_book(
                    item, actor=request.user, name=request.POST.get("name", ""),
                    phone=request.POST.get("phone", ""),
                    slot_start=actions.parse_slot(request.POST.get("slot_start")),
                )  # fmt: skip
        except GridGovError as error:
            context.update(error=error, values=request.POST)
            return render(request, "appointments/resource.html", context, status=error.status_code)
        return redirect(f"{item.get_absolute_url()}?day={day.isoformat()}")
    return render(request, "appointments/resource.html", context)
