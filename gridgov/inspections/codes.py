"""The 行政行为码: a signed QR code for each inspection.

The inspected business scans it, without an account, to see that the inspection is genuine
(which departments and officers, when, under which scenario) and to rate it. The code is the
inspection's number and the time it was signed — once, when the inspection was created, so the
code never changes and its GRIDGOV_INSPECTION_CODE_DAYS count from then — signed with the
server's key. A forged or altered code fails the signature; a code is then checked against the
inspection itself: a signing time that is not the inspection's (a future-dated code) is not
genuine, an old one has expired, and a cancelled inspection's code no longer verifies.
"""

from datetime import timedelta

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput

from .choices import InspectionStatus

SALT = "gridgov.inspections.code"


class CodeExpired(InvalidInput):
    status_code = 410
    code = "expired"


class CodeWithdrawn(InvalidInput):
    status_code = 410
    code = "cancelled"


def _signed_time(task) -> int:
    return int(task.created_at.timestamp())


def code_for(task) -> str:
    """The same code at every call: nothing in it depends on when it is asked for."""
    payload = {"n": task.number, "t": _signed_time(task)}
    return signing.Signer(salt=SALT).sign_object(payload, compress=True)


def _not_genuine() -> InvalidInput:
    return InvalidInput(_("This is not a genuine inspection code."))


def read(code: str) -> tuple[str, int | None]:
    """The inspection number a code stands for, and when it was signed; InvalidInput if
    forged. Codes issued before signing once (re-signed at each view, with a timestamp) are
    read too: their signing time is then the inspection's, as for a code made today."""
    try:
        if code.count(":") == 2:  # payload:timestamp:signature, the old form
            legacy = signing.loads(code, salt=SALT)
            payload = {"n": legacy.get("n"), "t": None} if isinstance(legacy, dict) else None
        else:
            payload = signing.Signer(salt=SALT).unsign_object(code)
    except (signing.BadSignature, ValueError):
        raise _not_genuine() from None
    number = payload.get("n") if isinstance(payload, dict) else None
    signed = payload.get("t")
    if not isinstance(number, str) or not (signed is None or isinstance(signed, int)):
        raise _not_genuine()
    return number, signed


def check(task, signed: int | None) -> None:
    """Whether the code still stands for `task`: signed at its creation, not expired, and
    the inspection not cancelled."""
    if signed is not None and signed != _signed_time(task):
        raise _not_genuine()
    age = timezone.now() - task.created_at
    if age > timedelta(days=settings.GRIDGOV_INSPECTION_CODE_DAYS):
        raise CodeExpired(_("This inspection code has expired; ask the department for a new one."))
    if task.status == InspectionStatus.CANCELLED:
        raise CodeWithdrawn(
            _("This inspection was cancelled: the code no longer stands for an inspection.")
        )


def verify_path(task) -> str:
    return reverse("inspections:verify", args=[code_for(task)])


def qr_svg(url: str) -> str:
    """The code as an inline SVG (no image files, no network)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)
