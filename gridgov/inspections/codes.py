"""The 行政行为码: a signed QR code for each inspection.

The inspected business scans it, without an account, to see that the inspection is genuine
(which departments and officers, when, under which scenario) and to rate it. The code is the
inspection's number signed with the server's key and a timestamp: a forged or altered code
fails the signature, and a code older than GRIDGOV_INSPECTION_CODE_DAYS is refused as expired.
"""

import segno
from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput

SALT = "gridgov.inspections.code"


class CodeExpired(InvalidInput):
    status_code = 410
    code = "expired"


def code_for(task) -> str:
    return signing.dumps({"n": task.number}, salt=SALT, compress=True)


def number_from(code: str) -> str:
    """The inspection number a code stands for; InvalidInput if forged, CodeExpired if old."""
    max_age = settings.GRIDGOV_INSPECTION_CODE_DAYS * 86400
    try:
        payload = signing.loads(code, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise CodeExpired(
            _("This inspection code has expired; ask the department for a new one.")
        ) from None
    except signing.BadSignature:
        raise InvalidInput(_("This is not a genuine inspection code.")) from None
    number = payload.get("n") if isinstance(payload, dict) else None
    if not isinstance(number, str):
        raise InvalidInput(_("This is not a genuine inspection code."))
    return number


def verify_path(task) -> str:
    return reverse("inspections:verify", args=[code_for(task)])


def qr_svg(url: str) -> str:
    """The code as an inline SVG (no image files, no network)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2)
