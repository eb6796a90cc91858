"""The 行政行为码 page: what an inspected business sees when it scans the inspection's QR code.

No account is needed. It shows that the inspection is genuine — the departments, the officers'
names (officers act in public and show their warrant cards), the day and the scenario — and,
once the inspection is finished, lets the business rate it once. Forged codes are a 400,
expired ones and those of cancelled inspections a 410; every POST is counted per address.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.core.audit import client_ip
from gridgov.core.errors import GridGovError, NotFound, TooManyRequests
from gridgov.core.ratelimit import allow

from . import codes
from .actions import do_rate_inspection
from .choices import InspectionStatus
from .models import InspectionTask

RATEABLE = (InspectionStatus.INSPECTED, InspectionStatus.CLOSED)


def _task(number: str) -> InspectionTask:
    task = (
        InspectionTask.objects.select_related("scenario", "target", "town", "county")
        .filter(number=number)
        .first()
    )
    if task is None:  # a genuine code of an inspection since removed
        raise NotFound(_("This inspection is not on record."))
    return task


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    try:
        number, signed = codes.read(code)
        task = _task(number)
        codes.check(task, signed)
    except GridGovError as error:
        return render(
            request, "inspections/verify_refused.html", {"error": error}, status=error.status_code
        )
    error = None
    if request.method == "POST":
        try:
            limit = settings.GRIDGOV_PUBLIC_SUBMIT_LIMIT
            if not allow(f"public:rate:{client_ip(request)}", **limit):
                raise TooManyRequests(
                    _("Too many attempts from this address; please try again later.")
                )
            do_rate_inspection(
                task.number,
                rating=request.POST.get("rating"),
                comment=request.POST.get("comment", ""),
            )
            return redirect(request.path)
        except GridGovError as refused:
            error = refused
    context = {
        "task": task,
        "departments": [a.department for a in task.assignments.select_related("department")],
        "officers": list(task.officers.select_related("department").defer("phone", "id_number")),
        "may_rate": task.status in RATEABLE and task.rating is None,
        "error": error,
    }
    return render(
        request, "inspections/verify.html", context, status=error.status_code if error else 200
    )
