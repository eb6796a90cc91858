"""Writes of the Open311 channel: client keys, and citizens' requests (which become events)."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.actions import token_digest
from gridgov.citizens.actions import issue_tracking_code
from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.events.actions import ReportData, do_report_event
from gridgov.events.choices import EventSource
from gridgov.org.choices import Role
from gridgov.org.roles import post_of
from gridgov.org.scoping import can_see
from gridgov.workflow.attachments import prepare_photos
from gridgov.workflow.engine import PublicActor

from .models import (
    Channel,
    ClientApplication,
    Datatype,
    Publication,
    PublicService,
    ServiceAttribute,
)

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
    """A citizen's request through a 311 client: an event from the public, in the closed loop,
    and in the public feed (it came in through a public channel). Returns the event and its
    tracking code (for the public tracking page, given out once).

    Contact details go into the event's encrypted reporter fields, shown to staff in scope
    only; the answers to the service's questions are kept on the report's timeline row."""
    title = (request.description or "").strip().splitlines()[0][:100] if request.description else ""
    photos = request.photos or []
    # Decoded and stored before the transaction, which holds SQLite's write lock.
    prepare_photos(photos)
    with transaction.atomic():
        event, code = _report(request, client, title, photos)
        Publication.objects.create(event=event, channel=Channel.OPEN311)
    return event, code


def _report(request: PublicRequest, client: ClientApplication, title: str, photos: list):
    event = do_report_event(
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
            photos=photos,
            extra={"open311": {"client": client.name, "answers": request.answers or {},
                               "email": bool(request.email)}},
        ),
        actor=PublicActor(f"open311:{client.name}"),
    )  # fmt: skip
    return event, issue_tracking_code(event)


# --- The public feed --------------------------------------------------------------------------

# Who may put an internal event in the public feed, or take one out: the command centre's
# dispatchers and the administrators, for the events they can see.
PUBLISHING_ROLES = {Role.DISPATCHER, Role.ADMIN}


def may_publish(actor) -> bool:
    staff = post_of(actor)
    return actor.is_superuser or (staff is not None and staff.role in PUBLISHING_ROLES)


def _require_publisher(event, actor) -> None:
    if not may_publish(actor):
        raise NotPermitted(_("Only the command centre publishes events."))
    if not can_see(actor, event):
        raise NotFound(_("No such event in your area."))


@transaction.atomic
def do_publish_event(event, *, actor) -> Publication:
    """Show an internal event in the public feed (Open311): its category, status, title and
    place; never who reported it or what staff wrote about it."""
    _require_publisher(event, actor)
    publication, created = Publication.objects.get_or_create(
        event=event, defaults={"channel": Channel.STAFF, "published_by": actor}
    )
    if created:
        audit.record("open311.publish_event", actor=actor, target=event, summary=event.number)
    return publication


@transaction.atomic
def do_unpublish_event(event, *, actor) -> None:
    """Take an event out of the public feed (one a citizen filed, too: e.g. it names people)."""
    _require_publisher(event, actor)
    deleted, _rows = Publication.objects.filter(event=event).delete()
    if deleted:
        audit.record("open311.unpublish_event", actor=actor, target=event, summary=event.number)


# --- The services offered (the admin's forms call these) --------------------------------------


def check_public_service(service: PublicService) -> None:
    if service.category_id is None or service.category.parent_id is None:
        raise InvalidInput(_("A public service is a subcategory (e.g. 0201), not a class."))


@transaction.atomic
def do_save_public_service(service: PublicService, *, actor) -> PublicService:
    """Publish a category as an Open311 service (and on the public pages), or change it."""
    check_public_service(service)
    created = service.pk is None
    service.save()
    audit.record(
        "open311.create_service" if created else "open311.change_service",
        actor=actor,
        target=service,
        summary=str(service),
        changes={"is_public": service.is_public, "description": service.description},
    )
    return service


LIST_TYPES = {Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST}


def check_service_attribute(attribute: ServiceAttribute) -> None:
    """A list question needs choices with distinct keys; other questions have none."""
    values = attribute.values
    if attribute.datatype not in LIST_TYPES:
        if values:
            raise InvalidInput(_("Only list questions have choices."))
        return
    if not isinstance(values, list) or not values:
        raise InvalidInput(_("A list question needs its choices."))
    for value in values:
        if not _is_choice(value):
            raise InvalidInput(_('Each choice is {"key": "…", "name": "…"}, both filled in.'))
    keys = [value["key"] for value in values]
    if len(set(keys)) != len(keys):
        raise InvalidInput(_("Two choices have the same key."))


def _is_choice(value) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"key", "name"}
        and all(isinstance(part, str) and part.strip() for part in value.values())
    )


@transaction.atomic
def do_save_service_attribute(attribute: ServiceAttribute, *, actor) -> ServiceAttribute:
    check_service_attribute(attribute)
    created = attribute.pk is None
    attribute.save()
    audit.record(
        "open311.create_attribute" if created else "open311.change_attribute",
        actor=actor,
        target=attribute,
        summary=f"{attribute.service}: {attribute.code}",
        changes={"datatype": attribute.datatype, "required": attribute.required,
                 "values": attribute.values},
    )  # fmt: skip
    return attribute


@transaction.atomic
def do_delete_service_attribute(attribute: ServiceAttribute, *, actor) -> None:
    audit.record(
        "open311.delete_attribute",
        actor=actor,
        target=attribute,
        summary=f"{attribute.service}: {attribute.code}",
    )
    attribute.delete()
