"""Writes of the Open311 channel: client keys, and citizens' requests (which become events)."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.actions import token_digest
from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.events.actions import ReportData, do_report_event
from gridgov.events.choices import EventSource
from gridgov.workflow.engine import PublicActor

from .models import ClientApplication

KEY_PREFIX = "o311_"


@transaction.atomic
def do_issue_client_key(name: str, *, actor, contact: str = "") -> tuple[ClientApplication, str]:
    """Register a client application; its api_key is returned here and never again."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("A client application needs a name of 1 to 100 characters."))
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    client = ClientApplication.objects.create(
        name=name, contact=contact.strip()[:200], prefix=key[:9], key_digest=token_digest(key)
    )
    audit.record("open311.issue_key", actor=actor, target=client, summary=str(client))
    return client, key


@transaction.atomic
def do_revoke_client_key(client: ClientApplication, *, actor) -> None:
    if client.revoked_at is not None:
        raise Conflict(_("This api_key was already revoked."))
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit.record("open311.revoke_key", actor=actor, target=client, summary=str(client))


def client_for_key(key: str) -> ClientApplication | None:
    if not key:
        return None
    return ClientApplication.objects.filter(
        key_digest=token_digest(key), revoked_at__isnull=True
    ).first()


@dataclass
class PublicRequest:
    service_code: str
    lat: float
    long: float
    description: str = ""
    address_string: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    answers: dict | None = None
    photos: list | None = None


def do_submit_public_request(request: PublicRequest, *, client: ClientApplication):
    """A citizen's request through a 311 client: an event from the public, in the closed loop.

    Contact details go into the event's encrypted reporter fields, shown to staff in scope
    only; the answers to the service's questions are kept on the report's timeline row."""
    title = (request.description or "").strip().splitlines()[0][:100] if request.description else ""
    return do_report_event(
        ReportData(
            title=title or _("Request from %(client)s") % {"client": client.name},
            category=request.service_code,
            lon=request.long,
            lat=request.lat,
            description=request.description,
            address=request.address_string[:200],
            source=EventSource.CITIZEN,
            reporter_name=request.name[:64],
            reporter_phone=request.phone,
            photos=request.photos or [],
            extra={"open311": {"client": client.name, "answers": request.answers or {},
                               "email": bool(request.email)}},
        ),
        actor=PublicActor(f"open311:{client.name}"),
    )  # fmt: skip
