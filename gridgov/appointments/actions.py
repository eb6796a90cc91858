"""The only write paths of appointments: resources and their hours, confirmation codes,
bookings (public, by staff, walk-ins), reschedules and cancellations, the waiting list,
notes, reminders. Each checks, writes and audits in one transaction, or raises before
changing anything."""

import datetime as dt
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotPermitted,
    TooManyRequests,
    field_problem,
    stored_id,
)
from gridgov.core.numbers import next_number
from gridgov.core.pii import digest, mask_phone
from gridgov.core.ratelimit import allow
from gridgov.core.validators import validate_phone
from gridgov.households.models import Resident
from gridgov.workflow.engine import PublicActor

from .choices import HOLDING, BookingChannel, BookingStatus, WhoMayBook
from .models import (
    Booking,
    HoursException,
    ListedMember,
    PhoneCode,
    Resource,
    WaitingEntry,
    WeeklyHours,
)
from .slots import slots_on
from .sms import send_sms
from .workflow import BOOKING_WORKFLOW as WORKFLOW

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
CODES_PER_PHONE_HOUR = 5
CODES_PER_ADDRESS_HOUR = 20
PUBLIC_LABEL = "web:appointments"
MAX_NAME = 50


# --- Resources ------------------------------------------------------------------------------


@transaction.atomic
def do_create_resource(*, region, name, kind, actor, hours=(), staff=(), duty_managers=(),
                       **fields) -> Resource:  # fmt: skip
    """A resource of `region` with its weekly hours ((weekday, opens, closes), …)."""
    if Resource.objects.filter(region=region, name=name).exists():
        raise Conflict(_("This area already has a resource of that name."))
    resource = Resource(region=region, name=name, kind=kind, **fields)
    resource.place_in(region)
    resource.save()
    resource.staff.set(staff)
    resource.duty_managers.set(duty_managers)
    WeeklyHours.objects.bulk_create(
        [WeeklyHours(resource=resource, weekday=w, opens=o, closes=c) for w, o, c in hours]
    )
    audit.record("appointments.resource_created", actor=actor, target=resource, summary=name)
    return resource


@transaction.atomic
def do_add_exception(resource, *, day, actor, closed=False, opens=None, closes=None, reason=""):
    """A closed day, or extra hours on a day."""
    if not closed and not (opens and closes and opens < closes):
        raise InvalidInput(
            _("Give the extra hours, or close the day."),
            details=[field_problem("opens", _("From must be before until."))],
        )
    exception = HoursException.objects.create(
        resource=resource, day=day, closed=closed, opens=opens, closes=closes, reason=reason
    )
    audit.record(
        "appointments.exception_added", actor=actor, target=resource, summary=f"{day} {reason}"
    )
    return exception


# --- Checks ---------------------------------------------------------------------------------


def clean_person(name: str, phone: str, *, phone_required=True) -> tuple[str, str]:
    name, phone = (name or "").strip(), (phone or "").replace(" ", "").strip()
    problems = []
    if not name:
        problems.append(field_problem("name", _("Give a name or a pseudonym.")))
    elif len(name) > MAX_NAME:
        problems.append(field_problem("name", _("At most %(max)d characters.") % {"max": MAX_NAME}))
    if phone or phone_required:
        try:
            validate_phone(phone)
        except ValidationError as error:
            problems.append(field_problem("phone", error.messages[0]))
    if problems:
        raise InvalidInput(_("Please check the name and phone."), details=problems)
    return name, phone


def check_slot(resource: Resource, slot_start: dt.datetime, *, now=None) -> dt.datetime:
    """The slot's end, or the reason it cannot be booked: in the past, too far ahead, a closed
    day, outside the hours."""
    now = now or timezone.now()
    problem = None
    local = timezone.localtime(slot_start)
    day = local.date()
    if slot_start < now:
        problem = _("This slot has already begun or passed.")
    elif day > timezone.localdate(now) + timedelta(days=resource.days_ahead):
        problem = _("Bookings open %(days)d days ahead.") % {"days": resource.days_ahead}
    else:
        exceptions = list(resource.exceptions.filter(day=day))
        if any(e.closed for e in exceptions):
            problem = _("%(name)s is closed on that day.") % {"name": resource.name}
        elif local not in slots_on(day, resource.hours.all(), exceptions, resource.slot_minutes):
            problem = _("That time is not one of %(name)s's slots (outside the opening hours).") % {
                "name": resource.name
            }
    if problem:
        raise InvalidInput(problem, details=[field_problem("slot_start", problem)])
    return slot_start + timedelta(minutes=resource.slot_minutes)


def check_may_book(resource: Resource, phone: str) -> None:
    """Residents of an area are known by their phone in the ledger; members by their list."""
    if resource.who_may_book == WhoMayBook.RESIDENTS:
        area = resource.residents_of or resource.region
        residents = Resident.objects.filter(phone_digest=digest(phone), **{area.level: area})
        if not residents.exists():
            raise NotPermitted(
                _("Only residents of %(area)s may book %(name)s; this phone is not in the "
                  "area's ledger.") % {"area": area.name, "name": resource.name}
            )  # fmt: skip
    elif resource.who_may_book == WhoMayBook.MEMBERS:
        listed = ListedMember.objects.filter(
            members=resource.members_id, phone_digest=digest(phone)
        )
        if not listed.exists():
            raise NotPermitted(
                _("Only members of %(org)s may book %(name)s.")
                % {"org": resource.members, "name": resource.name}
            )


def parse_slot(value) -> dt.datetime:
    """A slot's start as a form or a link sends it (local time when it names no zone)."""
    at = parse_datetime(value or "") if isinstance(value, str) else None
    if at is None:
        problem = _("Choose a slot.")
        raise InvalidInput(problem, details=[field_problem("slot_start", problem)])
    return at if timezone.is_aware(at) else timezone.make_aware(at)


def open_resource(pk) -> Resource:
    pk = stored_id(pk)
    resource = Resource.objects.filter(pk=pk, is_active=True).first() if pk else None
    if resource is None:
        raise NotFound(_("No such appointment resource, or it takes no bookings now."))
    return resource


# --- Confirmation codes ---------------------------------------------------------------------


def _code_digest(phone: str, code: str) -> str:
    return digest(f"code:{phone}:{code}")


def do_send_code(phone: str, *, ip=None, now=None) -> None:
    """Text a six-digit code to the phone; counted per phone and per address first."""
    _name, phone = clean_person("-", phone)
    now = now or timezone.now()
    if ip and not allow(f"appointments:code:ip:{ip}", limit=CODES_PER_ADDRESS_HOUR, seconds=3600):
        raise TooManyRequests(_("Too many attempts from this address; please try again later."))
    if not allow(f"appointments:code:{digest(phone)}", limit=CODES_PER_PHONE_HOUR, seconds=3600):
        raise TooManyRequests(_("Too many codes for this phone; please try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        PhoneCode.objects.create(
            phone_digest=digest(phone),
            code_digest=_code_digest(phone, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
        audit.record(
            "appointments.code_sent", actor=PUBLIC_LABEL, summary=mask_phone(phone), ip_address=ip
        )
    text = _("Your booking code is %(code)s, valid for %(minutes)d minutes.") % {
        "code": code,
        "minutes": CODE_MINUTES,
    }
    send_sms(phone, text)


def _checked_code(phone: str, code: str, now) -> PhoneCode:
    """The phone's latest code if `code` is it; a wrong try is counted (and kept) first."""
    latest = PhoneCode.objects.filter(phone_digest=digest(phone), used_at__isnull=True).first()
    problem = None
    if latest is None or latest.expires_at <= now:
        problem = _("The code has expired; ask for a new one.")
    elif latest.attempts >= CODE_ATTEMPTS:
        problem = _("Too many wrong codes; ask for a new one.")
    elif not secrets.compare_digest(latest.code_digest, _code_digest(phone, (code or "").strip())):
        PhoneCode.objects.filter(pk=latest.pk).update(attempts=latest.attempts + 1)
        problem = _("The code is not right.")
    if problem:
        raise InvalidInput(problem, details=[field_problem("code", problem)])
    return latest


# --- Bookings -------------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(18)
    return token, digest(f"link:{token}")


def token_digest(token: str) -> str:
    return digest(f"link:{token}")


def _slot_taken() -> Conflict:
    return Conflict(_("This slot is already booked."))


def do_book(resource: Resource, *, slot_start, name, phone, actor, channel=BookingChannel.STAFF,
            notes="", now=None, before_insert=None) -> tuple[Booking, str]:  # fmt: skip
    """Book a slot for a person; the booking and the link token that cancels or reschedules it.
    A slot someone else has just taken answers 409, decided by the database's unique index."""
    name, phone = clean_person(name, phone)
    slot_end = check_slot(resource, slot_start, now=now)
    check_may_book(resource, phone)
    token, token_hash = _new_token()
    booking = Booking(
        resource=resource, slot_start=slot_start, slot_end=slot_end, channel=channel,
        name=name, phone=phone, notes=notes, token_digest=token_hash,
    )  # fmt: skip
    booking.place_in(resource)

    def prepare(item):
        if before_insert is not None:
            before_insert()
        item.number = next_number("YY", Booking)

    try:
        with transaction.atomic():
            WORKFLOW.start(booking, "book", actor=actor, prepare=prepare)
    except IntegrityError:
        if _holding(resource, slot_start).exists():
            raise _slot_taken() from None
        raise
    return booking, token


def _holding(resource, slot_start):
    return Booking.objects.filter(resource=resource, slot_start=slot_start, status__in=HOLDING)


def do_book_public(resource_pk, *, slot_start, name, phone, code, ip=None, now=None):
    """The public page's booking: the code texted to the phone proves it is theirs."""
    resource = open_resource(resource_pk)
    now = now or timezone.now()
    name, phone = clean_person(name, phone)
    latest = _checked_code(phone, code, now)

    def use_code():  # inside the booking's transaction: a lost race leaves the code unused
        if not PhoneCode.objects.filter(pk=latest.pk, used_at__isnull=True).update(used_at=now):
            raise InvalidInput(_("The code has expired; ask for a new one."))

    booking, token = do_book(
        resource, slot_start=slot_start, name=name, phone=phone, now=now, before_insert=use_code,
        actor=PublicActor(PUBLIC_LABEL), channel=BookingChannel.PUBLIC,
    )  # fmt: skip
    when = timezone.localtime(booking.slot_start)
    text = _("Booked: %(name)s, %(when)s (%(number)s). To cancel or change: %(link)s") % {
        "name": resource.name,
        "when": f"{when:%m-%d %H:%M}",
        "number": booking.number,
        "link": f"/public/appointments/b/{token}/",
    }
    send_sms(phone, text)
    return booking, token


def booking_by_token(token: str) -> Booking:
    booking = (
        Booking.objects.select_related("resource").filter(token_digest=token_digest(token)).first()
        if token
        else None
    )
    if booking is None:
        raise NotFound(_("No booking has this link."))
    return booking


def holder_of(booking) -> PublicActor:
    return PublicActor.holding(PUBLIC_LABEL, booking.pk)


@transaction.atomic
def do_walk_in(resource: Resource, *, name, actor, phone="", notes="") -> Booking:
    """Someone who came without a booking, recorded as attended now."""
    name, phone = clean_person(name, phone, phone_required=False)
    now = timezone.now()
    booking = Booking(
        resource=resource, slot_start=now, slot_end=now + timedelta(minutes=resource.slot_minutes),
        channel=BookingChannel.WALK_IN, name=name, phone=phone, notes=notes,
    )  # fmt: skip
    booking.place_in(resource)
    prepare = lambda item: setattr(item, "number", next_number("YY", Booking))  # noqa: E731
    return WORKFLOW.start(booking, "walk_in", actor=actor, prepare=prepare)


@WORKFLOW.runs("reschedule")
def do_reschedule(pk, *, actor, note="", photos=(), version=None, slot_start=None):
    if slot_start is None:  # the kernel's generic callers (the clock, tests) pass no input
        problem = _("Choose the new slot.")
        raise InvalidInput(problem, details=[field_problem("slot_start", problem)])

    def apply(booking, now):
        if booking.slot_start == slot_start:
            raise InvalidInput(_("That is the slot already booked."))
        booking.slot_end = check_slot(booking.resource, slot_start, now=now)
        booking.slot_start, booking.reminded_at = slot_start, None
        return {"slot_start", "slot_end", "reminded_at"}

    try:
        with transaction.atomic():
            booking = WORKFLOW.perform(
                pk, "reschedule", actor=actor, note=note, expected_version=version, apply=apply,
                data={"slot_start": slot_start.isoformat()},
            )  # fmt: skip
    except IntegrityError:
        raise _slot_taken() from None
    return booking


@WORKFLOW.runs("cancel")
def do_cancel(pk, *, actor, note="", photos=(), version=None):
    """Cancel; the first person waiting for that day is offered the freed slot."""
    return WORKFLOW.perform(
        pk, "cancel", actor=actor, note=note, expected_version=version,
        then=lambda booking, entry: _offer_freed_slot(booking),
    )  # fmt: skip


def _offer_freed_slot(booking) -> WaitingEntry | None:
    if booking.slot_start <= timezone.now() or booking.channel == BookingChannel.WALK_IN:
        return None
    day = timezone.localtime(booking.slot_start).date()
    waiting = (
        WaitingEntry.objects.select_for_update()
        .filter(resource=booking.resource_id, day=day, offered_at__isnull=True)
        .order_by("created_at", "id")
        .first()
    )
    if waiting is None:
        return None
    now = timezone.now()
    WaitingEntry.objects.filter(pk=waiting.pk).update(
        offered_at=now, offered_slot=booking.slot_start
    )
    when = timezone.localtime(booking.slot_start)
    text = _("A slot has freed at %(name)s: %(when)s. Book it on the booking page.") % {
        "name": booking.resource.name,
        "when": f"{when:%m-%d %H:%M}",
    }
    phone = waiting.phone
    transaction.on_commit(lambda: send_sms(phone, text))
    audit.record("appointments.waiting_offered", actor="system", target=waiting,
                 summary=f"{booking.resource} {when:%m-%d %H:%M}")  # fmt: skip
    return waiting


@transaction.atomic
def do_join_waiting_list(resource: Resource, *, day, name, phone, actor) -> WaitingEntry:
    name, phone = clean_person(name, phone)
    if day < timezone.localdate():
        raise InvalidInput(_("That day has passed."), details=[field_problem("day", _("Past."))])
    if WaitingEntry.objects.filter(resource=resource, day=day, phone_digest=digest(phone)).exists():
        raise Conflict(_("This phone is already waiting for that day."))
    entry = WaitingEntry.objects.create(resource=resource, day=day, name=name, phone=phone)
    audit.record("appointments.waiting_joined", actor=actor, target=entry, summary=f"{day}")
    return entry


@transaction.atomic
def do_write_notes(booking: Booking, *, notes: str, actor) -> Booking:
    """The counsellor's notes, encrypted at rest; only the resource's people may write them."""
    if not WORKFLOW.guards["serves"](booking, actor, _post(actor)):
        raise NotPermitted(_("Only the resource's staff and duty managers keep its notes."))
    Booking.objects.filter(pk=booking.pk).update(notes=notes)
    audit.record("appointments.notes_written", actor=actor, target=booking, summary=booking.number)
    booking.notes = notes
    return booking


def _post(user):
    from gridgov.org.roles import post_of

    return post_of(user)


# --- Reminders ------------------------------------------------------------------------------


def send_reminders(*, now=None, hours_ahead=24) -> int:
    """Text everyone booked within the next `hours_ahead` hours once: a booking is claimed by
    setting its reminded_at in the same statement that checks it is still unset, so two runs
    (or two workers) never send a second reminder."""
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_at__isnull=True,
        slot_start__gt=now,
        slot_start__lte=now + timedelta(hours=hours_ahead),
    ).select_related("resource")
    sent = 0
    for booking in due.iterator():
        claimed = Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(
            reminded_at=now
        )
        if not claimed or not booking.phone:
            continue
        when = timezone.localtime(booking.slot_start)
        send_sms(
            booking.phone,
            _("Reminder: %(name)s, %(when)s (%(number)s).")
            % {"name": booking.resource.name, "when": f"{when:%m-%d %H:%M}",
               "number": booking.number},
        )  # fmt: skip
        sent += 1
    if sent:
        audit.record("appointments.reminders_sent", actor="system", summary=str(sent))
    return sent
