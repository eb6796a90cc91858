"""The public booking page (no account, phone first): choose a resource and a slot, give a
name or pseudonym and a phone, confirm with the code texted to it. The link in the answer (and
the text) cancels or reschedules the booking."""

import contextlib

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.audit import client_ip
from gridgov.core.dates import parse_day
from gridgov.core.errors import GridGovError, NotFound

from . import actions
from .models import Resource
from .selectors import free_slots
from .workflow import BOOKING_WORKFLOW as WORKFLOW


@require_GET
def start(request):
    resources = Resource.objects.filter(is_active=True).select_related("region")
    return render(request, "appointments/public_start.html", {"resources": resources[:100]})


@require_http_methods(["GET", "POST"])
def book(request, pk):
    try:
        resource = actions.open_resource(pk)
    except NotFound as error:
        return render(request, "appointments/public_gone.html", {"error": error}, status=404)
    try:
        day = parse_day(request.GET.get("day") or request.POST.get("day"), "day")
    except GridGovError:
        day = None
    day = day or timezone.localdate()
    context = {"resource": resource, "day": day, "slots": free_slots(resource, day),
               "values": request.POST, "step": "details"}  # fmt: skip
    if request.method == "GET":
        return render(request, "appointments/public_book.html", context)
    try:
        if request.POST.get("code"):
            booking, token = actions.do_book_public(
                resource.pk, slot_start=actions.parse_slot(request.POST.get("slot_start")),
                name=request.POST.get("name", ""), phone=request.POST.get("phone", ""),
                code=request.POST.get("code", ""), ip=client_ip(request),
            )  # fmt: skip
            return render(request, "appointments/public_done.html",
                          {"booking": booking, "token": token})  # fmt: skip
        actions.clean_person(request.POST.get("name", ""), request.POST.get("phone", ""))
        actions.check_slot(resource, actions.parse_slot(request.POST.get("slot_start")))
        actions.do_send_code(request.POST.get("phone", ""), ip=client_ip(request))
        context["step"] = "code"
    except GridGovError as error:
        context["error"] = error
        if request.POST.get("code"):
            context["step"] = "code"
        return render(request, "appointments/public_book.html", context, status=error.status_code)
    return render(request, "appointments/public_book.html", context)


@require_http_methods(["GET", "POST"])
def mine(request, token):
    """The person's booking by its link: cancel, or move to another free slot."""
    try:
        booking = actions.booking_by_token(token)
    except NotFound as error:
        return render(request, "appointments/public_gone.html", {"error": error}, status=404)
    day = timezone.localtime(booking.slot_start).date()
    with contextlib.suppress(GridGovError):
        day = parse_day(request.GET.get("day"), "day") or day
    context = {"booking": booking, "token": token, "day": day}
    if request.method == "POST":
        holder = actions.holder_of(booking)
        try:
            if request.POST.get("what") == "cancel":
                booking = WORKFLOW.act(booking.pk, "cancel", actor=holder)
            else:
                slot = actions.parse_slot(request.POST.get("slot_start"))
                booking = WORKFLOW.act(booking.pk, "reschedule", actor=holder, slot_start=slot)
            context.update(booking=booking, changed=True)
        except GridGovError as error:
            context["error"] = error
            context["slots"] = free_slots(booking.resource, day)
            return render(request, "appointments/public_mine.html", context,
                          status=error.status_code)  # fmt: skip
    context["slots"] = free_slots(booking.resource, day) if booking.status == "booked" else []
    return render(request, "appointments/public_mine.html", context)
