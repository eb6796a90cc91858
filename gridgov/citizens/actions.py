"""Writes of the public pages: a complaint from someone without an account, and what that
person may do afterwards with its tracking code (rate it, reopen it).

Every step goes through the events' own actions, as a public actor: the report enters the
closed loop like any other, and the engine checks, times, audits and records it.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput
from gridgov.events import actions as events
from gridgov.events.choices import EventSource
from gridgov.events.models import Event
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.open311.models import Channel, Publication, PublicService
from gridgov.workflow.attachments import prepare_photos
from gridgov.workflow.engine import PublicActor

from .models import Ticket

# No 0/O, 1/I/L: the code is read off a phone screen and typed in again.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8 ≈ 8.5e11, and lookups are rate-limited per address
PUBLIC_LABEL = "web:citizen"


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def issue_tracking_code(event: Event) -> str:
    """Give a publicly filed event its tracking code (call inside the report's transaction);
    the code is returned here, to be shown once, and only its digest is kept."""
    code = new_tracking_code()
    Ticket.objects.create(event=event, code_digest=_digest(code))
    return code


@dataclass
class Complaint:
    category: str  # a public service's category code
    description: str
    lon: float | str
    lat: float | str
    address: str = ""
    name: str = ""  # empty: anonymous
    phone: str = ""
    photos: list = field(default_factory=list)


MAX_DESCRIPTION = 4000


def do_submit_complaint(complaint: Complaint) -> tuple[Event, str]:
    """File a citizen's complaint; returns the event and its tracking code (shown once)."""
    description = (complaint.description or "").strip()
    if not description:
        raise InvalidInput(_("Please say what is wrong."))
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(_("The description is longer than 4000 characters."))
    # The kinds of problem the public may report: the same services Open311 offers.
    if not PublicService.objects.offered().filter(category__code=complaint.category).exists():
        raise InvalidInput(_("Please choose the kind of problem from the list."))
    # Decoded and stored before the transaction, which holds SQLite's write lock.
    prepare_photos(complaint.photos)
    with transaction.atomic():
        event = events.do_report_event(
            events.ReportData(
                title=description.splitlines()[0][:100],
                category=complaint.category,
                lon=complaint.lon,
                lat=complaint.lat,
                description=description,
                address=complaint.address.strip()[:200],
                source=EventSource.CITIZEN,
                reporter_name=complaint.name.strip()[:64],
                reporter_phone=complaint.phone.strip(),
                photos=complaint.photos,
                extra={"channel": "web", "anonymous": not (complaint.name or complaint.phone)},
            ),
            actor=PublicActor(PUBLIC_LABEL),
        )
        code = issue_tracking_code(event)
        Publication.objects.create(event=event, channel=Channel.WEB)
    return event, code


def event_for_ticket(number: str, code: str) -> Event | None:
    """The event with this number, if `code` is its tracking code."""
    ticket = (
        Ticket.objects.filter(event__number=(number or "").strip().upper())
        .select_related("event")
        .first()
    )
    if ticket is None or not hmac.compare_digest(ticket.code_digest, _digest(code or "")):
        return None
    return ticket.event


def reporter(event: Event) -> PublicActor:
    """The anonymous reporter of `event`, once they have shown its tracking code."""
    return PublicActor.holding(PUBLIC_LABEL, event.pk)


def do_rate_as_reporter(event: Event, *, satisfaction, note: str = "") -> Event:
    try:
        score = int(satisfaction)
    except (TypeError, ValueError):
        score = 0
    return events.do_rate_event(event.pk, actor=reporter(event), satisfaction=score, note=note)


def do_reopen_as_reporter(event: Event, *, reason: str) -> Event:
    return EVENT_WORKFLOW.act(event.pk, "reopen", actor=reporter(event), note=reason)
