"""The demo's appointments: the 东栅街道 counselling service (2 full-time and 3 part-time
counsellors, 15 peer talkers taking turns as one resource "朋辈倾诉") and a service desk, with a
month of bookings — three weeks past (attended, some no-shows, a few cancelled, walk-ins) and
the week ahead. Written in bulk through the table's steps, so it costs a second or so."""

import datetime as dt
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gridgov.core.numbers import next_number
from gridgov.org.actions import StaffData, do_bulk_create_staff, do_create_account
from gridgov.org.choices import Role
from gridgov.org.demo import DEMO_PASSWORD, DEMO_TOWN, PeopleFactory
from gridgov.org.models import Department, Staff
from gridgov.regions.models import Region

from .actions import do_create_resource
from .choices import BookingChannel, ResourceKind
from .models import Booking, BookingTimelineEntry
from .slots import slots_on
from .workflow import BOOKING_WORKFLOW as WORKFLOW

COUNSELLOR_LOGIN = "counsellor"
PAST_DAYS, AHEAD_DAYS = 21, 7
PSEUDONYMS = ("小雨", "阿青", "晚风", "路人甲", "小林", "匿名", "橙子", "星星", "木木", "阿杰")
WEEKDAYS = range(5)
T = dt.time


def _hours(days, *periods):
    return [(d, opens, closes) for d in days for opens, closes in periods]


RESOURCES = (
    # name, kind, slot minutes, sensitive, hours
    ("专职心理咨询师（一）", ResourceKind.COUNSELLOR, 60, True,
     _hours(WEEKDAYS, (T(9), T(12)), (T(14), T(17)))),
    ("专职心理咨询师（二）", ResourceKind.COUNSELLOR, 60, True,
     _hours(WEEKDAYS, (T(9), T(12)), (T(14), T(17)))),
    ("兼职心理咨询师（一）", ResourceKind.COUNSELLOR, 60, True, _hours((1, 3), (T(19), T(22)))),
    ("兼职心理咨询师（二）", ResourceKind.COUNSELLOR, 60, True, _hours((2, 5), (T(19), T(22)))),
    ("兼职心理咨询师（三）", ResourceKind.COUNSELLOR, 60, True, _hours((0, 6), (T(19), T(22)))),
    ("朋辈倾诉", ResourceKind.PEER, 30, True, _hours(range(7), (T(19), T(23)))),
    ("便民服务窗口", ResourceKind.DESK, 15, False,
     _hours(WEEKDAYS, (T(9), T(11, 30)), (T(13, 30), T(17)))),
)  # fmt: skip


def load_demo_appointments(*, seed: int, actor, now=None) -> dict:
    rng = random.Random(seed + 16)  # noqa: S311 - demo data, not secrets
    town = Region.objects.filter(code=DEMO_TOWN).first()
    if town is None:
        return {"resources": 0, "bookings": 0}
    now = now or timezone.now()
    with transaction.atomic():
        counsellors = _counsellors(seed, town, actor)
        manager = Staff.objects.filter(role=Role.DISPATCHER, region=town).order_by("pk").first()
        resources = []
        for i, (name, kind, minutes, sensitive, hours) in enumerate(RESOURCES):
            staff = counsellors[i : i + 1] if i < len(counsellors) else counsellors[:1]
            resources.append(
                do_create_resource(
                    region=town, name=name, kind=kind, actor=actor, hours=hours,
                    slot_minutes=minutes, sensitive=sensitive, staff=staff,
                    duty_managers=[manager] if manager else [], place="东栅街道社会工作站",
                )
            )  # fmt: skip
        bookings = _bookings(rng, resources, now)
    return {"resources": len(resources), "bookings": bookings}


def _counsellors(seed, town, actor) -> list[Staff]:
    people = PeopleFactory(seed + 16)
    # Counsellors work for the town's social-work station: its first unit stands for it.
    unit = Department.objects.filter(code__startswith=f"{DEMO_TOWN}-").order_by("code").first()
    rows = [StaffData(**people.staff(Role.OFFICER, town, unit).__dict__) for _ in range(5)]
    made = do_bulk_create_staff(rows, actor=actor)
    do_create_account(made[0], actor=actor, username=COUNSELLOR_LOGIN, password=DEMO_PASSWORD)
    return made


def _bookings(rng, resources, now) -> int:
    today = timezone.localdate(now)
    rows, steps = [], []
    for resource in resources:
        hours = list(resource.hours.all())
        share = 0.5 if resource.kind == ResourceKind.DESK else 0.3
        for offset in range(-PAST_DAYS, AHEAD_DAYS + 1):
            day = today + timedelta(days=offset)
            for start in slots_on(day, hours, [], resource.slot_minutes):
                if rng.random() < share:
                    rows.append(_one(rng, resource, start, now, steps))
            if offset <= 0 and rng.random() < 0.3 and hours:
                rows.append(_walk_in(rng, resource, day, now, steps))
    rows = [r for r in rows if r is not None]
    Booking.objects.bulk_create(rows)
    for booking, entries in steps:
        for seq, entry in enumerate(entries, start=1):
            entry.item, entry.seq = booking, seq
    BookingTimelineEntry.objects.bulk_create([e for _b, entries in steps for e in entries])
    return len(rows)


def _new(rng, resource, start, channel) -> Booking:
    booking = Booking(
        resource=resource, slot_start=start,
        slot_end=start + timedelta(minutes=resource.slot_minutes), channel=channel,
        name=rng.choice(PSEUDONYMS), phone=f"13{rng.randint(100000000, 999999999)}",
        created_at=start - timedelta(days=rng.randint(1, 6)),
    )  # fmt: skip
    booking.place_in(resource)
    booking.number = next_number("YY", Booking, booking.created_at)
    booking.version = 0
    return booking


def _one(rng, resource, start, now, steps):
    public = rng.random() < 0.7
    channel = BookingChannel.PUBLIC if public else BookingChannel.STAFF
    booking = _new(rng, resource, start, channel)
    if booking.created_at >= now:
        return None
    label = "web:appointments" if public else "值班员"
    history = [("book", booking.created_at, label)]
    roll = rng.random()
    if roll < 0.08:
        history.append(("cancel", booking.created_at + timedelta(hours=2), label))
    elif booking.slot_end < now:
        history.append(("no_show" if roll < 0.18 else "attend", booking.slot_end, "值班员"))
    steps.append((booking, [_step(booking, *step) for step in history]))
    return booking


def _walk_in(rng, resource, day, now, steps):
    opens = min(h.opens for h in resource.hours.all())
    at = timezone.make_aware(dt.datetime.combine(day, opens)) + timedelta(
        minutes=rng.randint(5, 90)
    )
    if at >= now:
        return None
    booking = _new(rng, resource, at, BookingChannel.WALK_IN)
    booking.created_at = at
    steps.append((booking, [_step(booking, "walk_in", at, "值班员")]))
    return booking


def _step(booking, action, at, label):
    return WORKFLOW.history_step(booking, action, at, actor_label=label)
