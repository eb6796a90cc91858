"""Every write of frontline care: duty posts, shifts (one at a time or a file of them), the
duty policy, care visits and their problems, and forced-rest orders (proposed by detection,
issued, dismissed, ended, lifted).

Each action checks its input first and writes in one transaction, audited; a refused action
changes nothing. Rest orders and problems are work items: their status changes only through
their workflows (`gridgov.care.workflow`).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    NotPermitted,
    field_problem,
    stored_id,
)
from gridgov.core.numbers import next_number
from gridgov.org.choices import Capability
from gridgov.org.models import Staff
from gridgov.org.roles import has_capability
from gridgov.org.scoping import can_see
from gridgov.regions.models import Region

from . import rules
from .choices import PostKind, RestOrderStatus
from .detection import find_breaches
from .models import CareProblem, CareVisit, DutyPolicy, DutyPost, RestOrder, Shift
from .workflow import CARE_PROBLEM_WORKFLOW, REST_ORDER_WORKFLOW

# Shifts are entered for the past year and planned up to this far ahead.
PAST_DAYS, AHEAD_DAYS = 366, 62
MAX_PACKAGES = 1000
MAX_PROBLEMS_PER_VISIT = 20
# After a proposal for someone, detection leaves them be for a week: the same overwork would
# otherwise be proposed again every day until it leaves the 7-day window.
QUIET_DAYS = rules.WEEK_DAYS
REST_HOURS_DEFAULT, REST_HOURS_MIN, REST_HOURS_MAX = 24, 8, 14 * 24
# Who proposes: the worker's label on the timeline and in the audit log.
DETECTION = "超时值守检测"


def _system(actor) -> bool:
    return isinstance(actor, str)


def _require(actor, capability: str) -> None:
    if not _system(actor) and not has_capability(actor, capability):
        raise NotPermitted()


def _visible(actor, row) -> bool:
    return _system(actor) or can_see(actor, row)


# --- Duty posts ----------------------------------------------------------------------------


@dataclass
class PostData:
    code: str
    name: str
    kind: str
    region: object  # a Region or its code
    address: str = ""
    round_the_clock: bool = True


def _region(value, actor, problems) -> Region | None:
    region = value if isinstance(value, Region) else None
    if region is None and isinstance(value, str) and value.strip():
        region = Region.objects.filter(code=value.strip()).defer("boundary").first()
    if region is None or region.county_id is None or not _visible(actor, region):
        problems.append(
            field_problem("region", _("Choose a county, town, village or grid of your area."))
        )
        return None
    return region


@transaction.atomic
def do_create_post(data: PostData, *, actor) -> DutyPost:
    _require(actor, Capability.MANAGE_DUTY)
    problems = []
    code, name = (data.code or "").strip(), (data.name or "").strip()
    if not code or len(code) > 32:
        problems.append(field_problem("code", _("A code is required, at most 32 characters.")))
    elif DutyPost.objects.filter(code=code).exists():
        problems.append(field_problem("code", _("Another duty post has this code.")))
    if not name or len(name) > 100:
        problems.append(field_problem("name", _("A name is required, at most 100 characters.")))
    if data.kind not in PostKind.values:
        problems.append(field_problem("kind", _("Choose a kind of duty post.")))
    if len(data.address or "") > 200:
        problems.append(field_problem("address", _("At most 200 characters.")))
    region = _region(data.region, actor, problems)
    if problems:
        raise InvalidInput(_("The duty post is not complete."), details=problems)
    post = DutyPost(
        code=code,
        name=name,
        kind=data.kind,
        region=region,
        address=(data.address or "").strip(),
        round_the_clock=bool(data.round_the_clock),
    )
    post.place_in(region)
    post.save()
    audit.record("care.post.create", actor=actor, target=post, summary=name)
    return post


# --- Shifts --------------------------------------------------------------------------------


def parse_moment(value, field: str, problems: list) -> dt.datetime | None:
    """An aware datetime, or "YYYY-MM-DD HH:MM" in Asia/Shanghai time."""
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=rules.DUTY_TZ)
    text = str(value or "").strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=rules.DUTY_TZ)
        except ValueError:
            continue
    problems.append(field_problem(field, _("Enter a time as YYYY-MM-DD HH:MM.")))
    return None


def check_period(starts_at, ends_at, now, problems: list) -> None:
    if starts_at is None or ends_at is None:
        return
    if ends_at <= starts_at:
        problems.append(field_problem("ends_at", _("The shift ends before it starts.")))
    elif ends_at - starts_at > rules.MAX_SHIFT:
        problems.append(field_problem("ends_at", _("A shift lasts at most 24 hours.")))
    elif ends_at - starts_at < rules.MIN_SHIFT:
        problems.append(field_problem("ends_at", _("A shift lasts at least 30 minutes.")))
    if starts_at < now - dt.timedelta(days=PAST_DAYS):
        problems.append(field_problem("starts_at", _("Shifts more than a year old are not taken.")))
    elif starts_at > now + dt.timedelta(days=AHEAD_DAYS):
        problems.append(field_problem("starts_at", _("Shifts are planned at most 62 days ahead.")))


def refusal(name: str, starts_at, ends_at, shifts, orders) -> str | None:
    """Why someone cannot be given this shift: another of their shifts overlaps it, or a
    forced-rest order in force covers it. `shifts` and `orders` are theirs, near the time."""
    for other in shifts:
        if other.starts_at < ends_at and starts_at < other.ends_at:
            return _("%(name)s is already on duty at %(post)s from %(start)s to %(end)s.") % {
                "name": name,
                "post": other.post.name,
                "start": _clock(other.starts_at),
                "end": _clock(other.ends_at),
            }
    for order in orders:
        if order.rest_from < ends_at and starts_at < order.rest_until:
            return _(
                "%(name)s is under forced-rest order %(number)s until %(until)s: no shift can "
                "be given to them before then."
            ) % {"name": name, "number": order.number, "until": _clock(order.rest_until)}
    return None


def _clock(moment) -> str:
    return rules.local(moment).strftime("%Y-%m-%d %H:%M")


def orders_in_force(staff_ids, start, end):
    return RestOrder.objects.filter(
        staff_id__in=staff_ids,
        status=RestOrderStatus.ISSUED,
        rest_from__lt=end,
        rest_until__gt=start,
    )


def new_shift(staff, post, starts_at, ends_at, *, actor) -> Shift:
    """The unsaved shift, with the figures the rules count (the import and demo use it too)."""
    f = rules.figures(starts_at, ends_at)
    shift = Shift(
        staff=staff,
        post=post,
        starts_at=starts_at,
        ends_at=ends_at,
        day_number=f.day_number,
        minutes=f.minutes,
        minutes_next_day=f.minutes_next_day,
        night=f.night,
        entered_by=None if _system(actor) else actor,
    )
    shift.place_in(post)
    return shift


def _staff(value, actor, problems) -> Staff | None:
    staff = value if isinstance(value, Staff) else None
    if staff is None and (pk := stored_id(value)) is not None:
        staff = Staff.objects.filter(pk=pk).first()
    if staff is None or not staff.is_active or not _visible(actor, staff):
        problems.append(field_problem("staff", _("Choose an active staff member of your area.")))
        return None
    return staff


def _post(value, actor, problems) -> DutyPost | None:
    post = value if isinstance(value, DutyPost) else None
    if post is None and (pk := stored_id(value)) is not None:
        post = DutyPost.objects.filter(pk=pk).first()
    if post is None or not post.is_active or not _visible(actor, post):
        problems.append(field_problem("post", _("Choose an active duty post of your area.")))
        return None
    return post


def do_add_shift(staff, post, starts_at, ends_at, *, actor) -> Shift:
    """Put someone on duty at a post. Refused when another of their shifts overlaps it or a
    forced-rest order in force covers it; their row is locked first, so two overlapping
    shifts sent at once cannot both pass."""
    _require(actor, Capability.MANAGE_DUTY)
    problems: list[dict] = []
    staff = _staff(staff, actor, problems)
    post = _post(post, actor, problems)
    starts_at = parse_moment(starts_at, "starts_at", problems)
    ends_at = parse_moment(ends_at, "ends_at", problems)
    check_period(starts_at, ends_at, timezone.now(), problems)
    if problems:
        raise InvalidInput(_("The shift is not complete."), details=problems)
    with transaction.atomic():
        Staff.objects.select_for_update().filter(pk=staff.pk).first()
        shifts = Shift.objects.filter(
            staff=staff, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).select_related("post")
        reason = refusal(
            staff.name, starts_at, ends_at, shifts, orders_in_force([staff.pk], starts_at, ends_at)
        )
        if reason:
            raise Conflict(reason)
        shift = new_shift(staff, post, starts_at, ends_at, actor=actor)
        shift.save()
        audit.record(
            "care.shift.add",
            actor=actor,
            target=shift,
            summary=f"{staff.name} @ {post.name} {_clock(starts_at)}–{_clock(ends_at)}",
        )
    return shift


@transaction.atomic
def do_remove_shift(pk, *, actor) -> None:
    """Take a shift entered by mistake off the roster (audited with what it was)."""
    _require(actor, Capability.MANAGE_DUTY)
    shift = Shift.objects.select_related("staff", "post").filter(pk=stored_id(pk) or 0).first()
    if shift is None or not _visible(actor, shift):
        raise NotFound()
    summary = f"{shift.staff.name} @ {shift.post.name} {_clock(shift.starts_at)}"
    audit.record("care.shift.remove", actor=actor, target=shift, summary=summary)
    shift.delete()


# --- The duty policy -----------------------------------------------------------------------


@transaction.atomic
def do_set_policy(county: Region, values: dict, *, actor) -> DutyPolicy:
    """A county's duty limits, each within `rules.POLICY_BOUNDS`."""
    _require(actor, Capability.MANAGE_DUTY_POLICY)
    if county.level != "county" or not _visible(actor, county):
        raise NotPermitted(_("Choose a county of your area."))
    problems, checked = [], {}
    for name, (low, high) in rules.POLICY_BOUNDS.items():
        try:
            value = int(str(values.get(name, "")).strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            problems.append(
                field_problem(
                    name,
                    _("Enter a whole number from %(low)d to %(high)d.")
                    % {"low": low, "high": high},
                )
            )
        checked[name] = value
    if not problems and checked["max_hours_week"] < checked["max_hours_day"]:
        problems.append(field_problem("max_hours_week", _("The week's limit is below the day's.")))
    if problems:
        raise InvalidInput(_("The duty policy is not valid."), details=problems)
    policy = DutyPolicy.objects.select_for_update().filter(county=county).first()
    before = {n: getattr(policy, n) for n in checked} if policy else dict(rules.DEFAULT_POLICY)
    policy = policy or DutyPolicy(county=county)
    for name, value in checked.items():
        setattr(policy, name, value)
    policy.updated_at = timezone.now()
    policy.save()
    audit.record(
        "care.policy.set",
        actor=actor,
        target=policy,
        summary=county.name,
        changes={"before": before, "after": checked},
    )
    return policy


# --- Forced-rest orders --------------------------------------------------------------------


def _quiet(staff_ids, as_of) -> set[int]:
    """People not to propose again: an order still open, or one proposed in the last week."""
    recent = Q(status__in=(RestOrderStatus.PROPOSED, RestOrderStatus.ISSUED)) | Q(
        as_of__gt=as_of - dt.timedelta(days=QUIET_DAYS)
    )
    return set(
        RestOrder.objects.filter(recent, staff_id__in=staff_ids).values_list("staff_id", flat=True)
    )


def propose_rest_orders(county, as_of, *, now=None) -> list[RestOrder]:
    """Detection's proposals for a county as of a day: one per person past a limit."""
    found = find_breaches(county, as_of)
    quiet = _quiet(list(found), as_of)
    people = Staff.objects.filter(pk__in=[pk for pk in found if pk not in quiet])
    proposed = []
    for staff in people.select_related("region").order_by("pk"):
        breaches = [f.as_dict() for f in found[staff.pk]]
        proposed.append(_propose(staff, breaches, as_of))
    return proposed


def _propose(staff, breaches, as_of) -> RestOrder:
    order = RestOrder(staff=staff, breaches=breaches, as_of=as_of)
    order.place_in(staff.region)

    def number(order):
        order.number = next_number("XX", RestOrder, timezone.now())

    return REST_ORDER_WORKFLOW.start(
        order, "propose", actor=DETECTION, prepare=number, data={"breaches": breaches}
    )


def do_detect(county: Region, *, actor, as_of=None) -> list[RestOrder]:
    """Look for overwork in a county now (besides the periodic run), audited."""
    _require(actor, Capability.MANAGE_DUTY)
    if county.level != "county" or not _visible(actor, county):
        raise NotPermitted(_("Choose a county of your area."))
    as_of = as_of or timezone.localdate(timezone.now(), rules.DUTY_TZ)
    with transaction.atomic():
        proposed = propose_rest_orders(county, as_of)
        audit.record(
            "care.rest.detect",
            actor=actor,
            target=county,
            summary=f"{county.name} {as_of}: {len(proposed)}",
            changes={"as_of": as_of.isoformat(), "proposed": [o.number for o in proposed]},
        )
    return proposed


@REST_ORDER_WORKFLOW.runs("issue")
def do_issue_rest_order(
    pk, *, actor, note: str = "", photos=(), version=None, rest_hours=REST_HOURS_DEFAULT
) -> RestOrder:
    """下达: the person rests from now for `rest_hours`; no shift can be given to them meanwhile."""
    try:
        hours = int(rest_hours)
    except (TypeError, ValueError):
        hours = 0
    if not REST_HOURS_MIN <= hours <= REST_HOURS_MAX:
        raise InvalidInput(
            _("Rest lasts from %(low)d to %(high)d hours.")
            % {"low": REST_HOURS_MIN, "high": REST_HOURS_MAX},
            details=[field_problem("rest_hours", _("Out of range."))],
        )

    def apply(order, now):
        order.rest_from, order.rest_until = now, now + dt.timedelta(hours=hours)
        return ["rest_from", "rest_until"]

    return REST_ORDER_WORKFLOW.perform(
        pk,
        "issue",
        actor=actor,
        note=note,
        expected_version=version,
        apply=apply,
        data={"rest_hours": hours},
    )


def end_rests(*, now=None) -> int:
    """Issued orders whose rest is over end (the worker's step)."""
    now = now or timezone.now()
    due = RestOrder.objects.filter(status=RestOrderStatus.ISSUED, rest_until__lte=now)
    ended = 0
    for pk, version in due.order_by("pk").values_list("pk", "version")[:1000]:
        try:
            REST_ORDER_WORKFLOW.act(pk, "end", actor=DETECTION, version=version)
        except Conflict:
            continue  # lifted meanwhile
        ended += 1
    return ended


# --- Care visits and their problems --------------------------------------------------------


@dataclass
class VisitData:
    post: object  # a DutyPost or its id
    visited_at: object = None  # default: now
    people: tuple = ()  # staff ids
    packages: object = 0
    note: str = ""
    problems: tuple = ()  # what the people on duty raised, one text each


def _visit_problems(data: VisitData, actor, now) -> tuple[list, dict]:
    problems: list[dict] = []
    post = _post(data.post, actor, problems)
    visited_at = now
    if data.visited_at not in (None, ""):
        visited_at = parse_moment(data.visited_at, "visited_at", problems)
        if visited_at is not None and not now - dt.timedelta(days=PAST_DAYS) <= visited_at <= now:
            problems.append(field_problem("visited_at", _("A visit lies in the past year.")))
    try:
        packages = int(str(data.packages or 0).strip())
    except ValueError:
        packages = -1
    if not 0 <= packages <= MAX_PACKAGES:
        problems.append(field_problem("packages", _("Enter a number from 0 to 1000.")))
    ids = [stored_id(p) for p in data.people]
    people = list(Staff.objects.filter(pk__in=[i for i in ids if i], is_active=True))
    if None in ids or len(people) != len(set(ids)) or not all(_visible(actor, p) for p in people):
        problems.append(field_problem("people", _("Choose active staff members of your area.")))
    texts = [t.strip() for t in data.problems if t and t.strip()]
    if len(texts) > MAX_PROBLEMS_PER_VISIT or any(len(t) > 500 for t in texts):
        problems.append(
            field_problem("problems", _("At most 20 problems of at most 500 characters each."))
        )
    if len(data.note or "") > 2000:
        problems.append(field_problem("note", _("At most 2000 characters.")))
    return problems, {
        "post": post, "visited_at": visited_at, "packages": packages, "people": people,
        "texts": texts,
    }  # fmt: skip


def do_record_visit(data: VisitData, *, actor) -> CareVisit:
    """关爱走访: a visit to a post and its people, the care packages handed out, and the
    problems they raised (each a work item of its own), in one transaction."""
    role = CARE_PROBLEM_WORKFLOW.role_of(actor)
    if role not in CARE_PROBLEM_WORKFLOW.transition("raise").roles:
        raise NotPermitted(_("Your role does not record care visits."))
    now = timezone.now()
    problems, checked = _visit_problems(data, actor, now)
    if problems:
        raise InvalidInput(_("The visit is not complete."), details=problems)
    with transaction.atomic():
        visit = CareVisit(
            post=checked["post"],
            visitor=None if _system(actor) else actor,
            visitor_name=_visitor_name(actor),
            visited_at=checked["visited_at"],
            packages=checked["packages"],
            note=(data.note or "").strip(),
        )
        visit.place_in(checked["post"])
        visit.save()
        visit.people.set(checked["people"])
        for text in checked["texts"]:
            do_raise_problem(visit, text, actor=actor)
        audit.record(
            "care.visit.record",
            actor=actor,
            target=visit,
            summary=checked["post"].name,
            changes={"packages": visit.packages, "problems": len(checked["texts"])},
        )
    return visit


def _visitor_name(actor) -> str:
    if _system(actor):
        return str(actor)[:64]
    post = Staff.objects.filter(user=actor).order_by("-is_active", "pk").first()
    return (post.name if post else actor.get_username())[:64]


def do_raise_problem(visit: CareVisit, description: str, *, actor) -> CareProblem:
    text = (description or "").strip()
    if not text or len(text) > 500:
        raise InvalidInput(
            _("Describe the problem in at most 500 characters."),
            details=[field_problem("description", _("Required, at most 500 characters."))],
        )
    if not _visible(actor, visit):
        raise NotFound()
    problem = CareProblem(visit=visit, description=text)
    problem.place_in(visit)

    def number(problem):
        problem.number = next_number("GA", CareProblem, timezone.now())

    return CARE_PROBLEM_WORKFLOW.start(problem, "raise", actor=actor, prepare=number)
