"""The only write paths of appointments: resources and their hours, confirmation codes,
bookings (public, by staff, walk-ins), reschedules and cancellations, the waiting list,
notes, reminders. Each checks, writes and audits in one transaction, or raises before
changing anything."""

import datetime as dt
import secrets
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.checks import refuse_if_any, text
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
from gridgov.org.choices import Capability
from gridgov.org.roles import has_capability
from gridgov.workflow.engine import PublicActor

from .choices import HOLDING, WEEKDAY_NAMES, BookingChannel, BookingStatus, ResourceKind, WhoMayBook
from .models import (
    Booking,
    HoursException,
    ListedMember,
    MemberList,
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


# --- Resources, their hours and their member lists ------------------------------------------
# Configured by staff holding MANAGE_SERVICES whose area holds the resource's region; commands,
# the demo and the tests (a label, not a person) are trusted.

MAX_SLOT_MINUTES = 480
MAX_DAYS_AHEAD = 365
MAX_LIST_NAME = 100


def check_configures(actor, region) -> None:
    """NotPermitted unless the actor may configure appointments in `region`."""
    if isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return
    if actor is None or not has_capability(actor, Capability.MANAGE_SERVICES):
        raise NotPermitted(_("Only staff who configure resident services may do this."))
    post = _post(actor)
    if post is None or (post.region_id is not None and not post.region.contains(region)):
        raise NotPermitted(_("This is outside your area."))


def _related(a, b) -> bool:
    return a.contains(b) or b.contains(a)


@dataclass
class ResourceData:
    """A resource as a form or the API gives it; `residents_of` and `members` are rows the
    caller found through the scoping helper (or None)."""

    name: str = ""
    kind: str = ""
    place: str = ""
    slot_minutes: object = 60
    days_ahead: object = 30
    sensitive: bool = False
    who_may_book: str = WhoMayBook.ANYONE
    residents_of: object = None
    members: object = None


def _whole(value, name, low, high, problems) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        message = _("A whole number from %(low)d to %(high)d.") % {"low": low, "high": high}
        problems.append(field_problem(name, message))
    return number


def _checked_resource(data: ResourceData, region) -> dict:
    problems = []
    values = {
        "name": text(data.name, "name", 100, problems),
        "place": text(data.place, "place", 200, problems, required=False),
        "slot_minutes": _whole(data.slot_minutes, "slot_minutes", 5, MAX_SLOT_MINUTES, problems),
        "days_ahead": _whole(data.days_ahead, "days_ahead", 1, MAX_DAYS_AHEAD, problems),
        "sensitive": bool(data.sensitive),
        "kind": data.kind,
        "who_may_book": data.who_may_book,
        "residents_of": None,
        "members": None,
    }
    if data.kind not in ResourceKind.values:
        problems.append(field_problem("kind", _("Choose a kind of resource.")))
    if data.who_may_book not in WhoMayBook.values:
        problems.append(field_problem("who_may_book", _("Choose who may book.")))
    elif data.who_may_book == WhoMayBook.RESIDENTS:
        area = data.residents_of or region
        if not _related(area, region):
            problems.append(field_problem("residents_of", _("An area of the resource's.")))
        values["residents_of"] = area
    elif data.who_may_book == WhoMayBook.MEMBERS:
        if data.members is None:
            problems.append(field_problem("members", _("Choose the member list.")))
        elif not _related(data.members.region, region):
            problems.append(field_problem("members", _("A member list of another area.")))
        values["members"] = data.members
    refuse_if_any(_("The resource is not complete."), problems)
    return values


def do_save_resource(data: ResourceData, *, actor, region=None, resource=None) -> Resource:
    """Create a resource of `region`, or change one (its region too: both in the actor's
    area). Its hours are set by `do_set_weekly_hours`."""
    region = region or resource.region
    check_configures(actor, region)
    if resource is not None:
        check_configures(actor, resource.region)
    values = _checked_resource(data, region)
    with transaction.atomic():
        taken = Resource.objects.filter(region=region, name=values["name"])
        if resource is not None:
            taken = taken.exclude(pk=resource.pk)
        if taken.exists():
            raise Conflict(
                _("This area already has a resource of that name."),
                details=[field_problem("name", _("Already taken."))],
            )
        row = resource or Resource()
        for name, value in values.items():
            setattr(row, name, value)
        row.region = region
        row.place_in(region)
        row.save()
        audit.record(
            "appointments.resource_saved" if resource else "appointments.resource_created",
            actor=actor,
            target=row,
            summary=row.name,
            changes={k: str(v) for k, v in values.items() if v is not None},
        )
    return row


@transaction.atomic
def do_create_resource(*, region, name, kind, actor, hours=(), staff=(), duty_managers=(),
                       **fields) -> Resource:  # fmt: skip
    """A resource of `region` with its weekly hours ((weekday, opens, closes), …), its staff
    and duty managers: the demo's and the commands' way in."""
    resource = do_save_resource(
        ResourceData(name=name, kind=kind, **fields), actor=actor, region=region
    )
    resource.staff.set(staff)
    resource.duty_managers.set(duty_managers)
    WeeklyHours.objects.bulk_create(
        [WeeklyHours(resource=resource, weekday=w, opens=o, closes=c) for w, o, c in hours]
    )
    return resource


@transaction.atomic
def do_set_active(resource: Resource, *, active: bool, actor) -> Resource:
    """Take a resource out of booking (its bookings stay), or back in."""
    check_configures(actor, resource.region)
    Resource.objects.filter(pk=resource.pk).update(is_active=active)
    resource.is_active = active
    event = "appointments.resource_reactivated" if active else "appointments.resource_deactivated"
    audit.record(event, actor=actor, target=resource, summary=resource.name)
    return resource


def overlaps(periods) -> list[tuple]:
    """The pairs of (weekday, opens, closes) that overlap on the same weekday."""
    found = []
    ordered = sorted(periods)
    for before, after in pairwise(ordered):
        if before[0] == after[0] and after[1] < before[2]:
            found.append((before, after))
    return found


def _week_problems(hours) -> list[dict]:
    problems = []
    for weekday, opens, closes in hours:
        if weekday not in range(7):
            problems.append(field_problem(f"hours-{weekday}", _("Not a day of the week.")))
        elif not opens < closes:
            message = _("%(day)s: the hours must end after they begin.") % {
                "day": WEEKDAY_NAMES[weekday]
            }
            problems.append(field_problem(f"hours-{weekday}", message))
    for before, after in overlaps(hours):
        message = _("%(day)s: %(a)s–%(b)s overlaps %(c)s–%(d)s.") % {
            "day": WEEKDAY_NAMES[before[0]],
            "a": f"{before[1]:%H:%M}", "b": f"{before[2]:%H:%M}",
            "c": f"{after[1]:%H:%M}", "d": f"{after[2]:%H:%M}",
        }  # fmt: skip
        problems.append(field_problem(f"hours-{before[0]}", message))
    return problems


@transaction.atomic
def do_set_weekly_hours(resource: Resource, hours, *, actor) -> list[WeeklyHours]:
    """The whole week at once ((weekday, opens, closes), …): the rows replace the old ones;
    ranges that end before they begin or overlap on a day are refused, nothing changed."""
    check_configures(actor, resource.region)
    hours = [(int(w), o, c) for w, o, c in hours]
    refuse_if_any(_("The opening hours are not right."), _week_problems(hours))
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    WeeklyHours.objects.filter(resource=resource).delete()
    rows = WeeklyHours.objects.bulk_create(
        [WeeklyHours(resource=resource, weekday=w, opens=o, closes=c) for w, o, c in sorted(hours)]
    )
    summary = "; ".join(f"{w} {o:%H:%M}-{c:%H:%M}" for w, o, c in sorted(hours))
    audit.record("appointments.hours_set", actor=actor, target=resource, summary=summary[:200])
    return rows


@transaction.atomic
def do_add_exception(resource, *, day, actor, closed=False, opens=None, closes=None, reason=""):
    """A closed day, or extra hours on a day."""
    check_configures(actor, resource.region)
    problems = []
    reason = text(reason, "reason", 100, problems, required=False)
    if day is None:
        problems.append(field_problem("day", _("Give the day.")))
    if not closed and not (opens and closes and opens < closes):
        problems.append(field_problem("opens", _("From must be before until.")))
    refuse_if_any(_("Give the extra hours, or close the day."), problems)
    exception = HoursException.objects.create(
        resource=resource, day=day, closed=closed, opens=None if closed else opens,
        closes=None if closed else closes, reason=reason,
    )  # fmt: skip
    audit.record(
        "appointments.exception_added", actor=actor, target=resource, summary=f"{day} {reason}"
    )
    return exception


@transaction.atomic
def do_remove_exception(exception: HoursException, *, actor) -> None:
    check_configures(actor, exception.resource.region)
    resource, day = exception.resource, exception.day
    exception.delete()
    audit.record("appointments.exception_removed", actor=actor, target=resource, summary=f"{day}")


# --- Member lists ---------------------------------------------------------------------------


@transaction.atomic
def do_save_member_list(*, name, actor, region=None, members=None) -> MemberList:
    """A list of an organisation's members (a school's students) in `region`, or its new
    name."""
    region = region or members.region
    check_configures(actor, region)
    problems = []
    name = text(name, "name", MAX_LIST_NAME, problems)
    refuse_if_any(_("The member list is not complete."), problems)
    row = members or MemberList(region=region)
    row.name = name
    row.save()
    event = "appointments.list_renamed" if members else "appointments.list_created"
    audit.record(event, actor=actor, target=row, summary=name)
    return row


def clean_member(name, phone) -> tuple[str, str, list[dict]]:
    """A member's name and phone as given, and what is wrong with them."""
    name, phone = (name or "").strip(), (phone or "").replace(" ", "").strip()
    problems = []
    if not name:
        problems.append(field_problem("name", _("Give the member's name.")))
    elif len(name) > MAX_NAME:
        problems.append(field_problem("name", _("At most %(max)d characters.") % {"max": MAX_NAME}))
    try:
        validate_phone(phone)
    except ValidationError as error:
        problems.append(field_problem("phone", error.messages[0]))
    return name, phone, problems


@transaction.atomic
def do_add_list_member(members: MemberList, *, name, phone, actor) -> ListedMember:
    check_configures(actor, members.region)
    name, phone, problems = clean_member(name, phone)
    refuse_if_any(_("Please check the name and phone."), problems)
    MemberList.objects.select_for_update().filter(pk=members.pk).first()
    if ListedMember.objects.filter(members=members, phone_digest=digest(phone)).exists():
        raise Conflict(
            _("This phone is on the list already."),
            details=[field_problem("phone", _("Already listed."))],
        )
    member = ListedMember.objects.create(
        members=members, name=name, phone=phone, phone_digest=digest(phone)
    )
    audit.record("appointments.list_member_added", actor=actor, target=members,
                 summary=mask_phone(phone))  # fmt: skip
    return member


@transaction.atomic
def do_remove_list_member(member: ListedMember, *, actor) -> None:
    members = member.members
    check_configures(actor, members.region)
    member.delete()
    audit.record("appointments.list_member_removed", actor=actor, target=members,
                 summary=mask_phone(member.phone) if member.phone else "")  # fmt: skip


def do_import_list_members(members: MemberList, data: bytes, filename: str, *, actor) -> dict:
    """Members from a spreadsheet (name, phone): the rows that are right are added, a phone
    already listed is left as it is (so importing a file again adds no one), and every other
    row is reported by row and column. One audit row for the import."""
    from .memberfile import read_member_file

    check_configures(actor, members.region)
    rows, problems = read_member_file(data, filename)
    with transaction.atomic():
        MemberList.objects.select_for_update().filter(pk=members.pk).first()
        listed = set(
            ListedMember.objects.filter(
                members=members, phone_digest__in=[r.digest for r in rows]
            ).values_list("phone_digest", flat=True)
        )
        new = [r for r in rows if r.digest not in listed]
        ListedMember.objects.bulk_create(
            [ListedMember(members=members, name=r.name, phone=r.phone, phone_digest=r.digest)
             for r in new],
            batch_size=1000,
        )  # fmt: skip
        report = {
            "rows": len(rows) + len({p.get("row") for p in problems}),
            "added": len(new),
            "unchanged": len(rows) - len(new),
            "refused": len({p.get("row") for p in problems}),
        }
        audit.record("appointments.list_imported", actor=actor, target=members,
                     summary=f"{filename[:80]}: {len(new)}", changes=report)  # fmt: skip
    return {**report, "problems": problems}


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
