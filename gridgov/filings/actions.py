"""Every write to a filing: submit it, approve or reject it, revoke an approval.

Each action checks its own input first, then hands over to the closed-loop engine, which locks
the filing, checks the transition table, role, department and scope, saves, appends the
timeline row, audits and notifies after commit. A refused action changes nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from gridgov.core.checks import text
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted, field_problem, stored_id
from gridgov.core.numbers import next_number
from gridgov.core.validators import validate_phone, validate_uscc
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget
from gridgov.org.choices import DepartmentKind
from gridgov.org.models import Department
from gridgov.org.scoping import can_see
from gridgov.workflow.engine import CITIZEN, SYSTEM

from . import nights
from .choices import FilingChannel, FilingStatus, Validity
from .models import NightWorkFiling
from .workflow import FILING_WORKFLOW as WORKFLOW

# A filing covers a run of nights of one job (a concrete pour, a steel lift); longer work is
# filed again, so that the department looks at it again.
MAX_NIGHTS = 30
MAX_DAYS_AHEAD = 90
# GB 12523-2011: 55 dB(A) at night at the site boundary; a commitment may only be stricter.
NIGHT_LIMIT_DB = 55
QUIETEST_DB = 30


@dataclass
class FilingData:
    site: object  # an InspectionTarget of kind construction_site, or its id
    company_name: str
    company_uscc: str
    contact_name: str
    contact_phone: str
    first_night: object  # date or "YYYY-MM-DD": the evening the first night begins
    last_night: object
    start_time: object  # time or "HH:MM"
    end_time: object  # earlier than the start: the next morning
    reason: str
    noise_limit_db: object  # int
    noise_measures: str
    department: str = ""  # a department's code; empty: the site's county housing bureau


@dataclass
class _Checked:
    site: InspectionTarget
    department: Department
    first_night: dt.date
    last_night: dt.date
    start_time: dt.time
    end_time: dt.time
    noise_limit_db: int


def _date(value, field_name: str, problems: list) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        day = parse_date(str(value or "").strip())
    except ValueError:
        day = None
    if day is None:
        problems.append(field_problem(field_name, _("Enter a date as YYYY-MM-DD.")))
    return day


def _time(value, field_name: str, problems: list) -> dt.time | None:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    try:
        return dt.datetime.strptime(str(value or "").strip(), "%H:%M").time()
    except ValueError:
        problems.append(field_problem(field_name, _("Enter a time of day as HH:MM, e.g. 22:00.")))
        return None


def _site(value, actor, role, problems: list) -> InspectionTarget | None:
    if isinstance(value, InspectionTarget):
        site = value
    else:
        pk = stored_id(value)
        site = InspectionTarget.objects.filter(pk=pk).first() if pk is not None else None
    # Staff file for the sites of their own area; the public page for any site.
    if site is not None and role not in (CITIZEN, SYSTEM) and not can_see(actor, site):
        site = None
    if site is None or site.kind != TargetKind.CONSTRUCTION_SITE or not site.is_active:
        problems.append(field_problem("site", _("Choose an active construction site.")))
        return None
    return site


def _works_at(department: Department, site: InspectionTarget) -> bool:
    return department.region.contains(site)


def responsible_department(site: InspectionTarget) -> Department | None:
    """By default, the housing and construction bureau of the site's county."""
    return (
        Department.objects.filter(
            kind=DepartmentKind.HOUSING,
            region_id=site.county_id,
            parent__isnull=True,
            is_active=True,
        )
        .select_related("region")
        .order_by("code")
        .first()
    )


def _department(code: str, site, problems: list) -> Department | None:
    if site is None:
        return None
    code = (code or "").strip()
    if not code:
        department = responsible_department(site)
        if department is None:
            problems.append(
                field_problem(
                    "department",
                    _("No housing and construction bureau works where this site is; "
                      "name the responsible department."),
                )
            )  # fmt: skip
        return department
    department = (
        Department.objects.filter(code=code, is_active=True).select_related("region").first()
    )
    if department is None or not _works_at(department, site):
        problems.append(
            field_problem(
                "department", _("Name an active department that works where the site is.")
            )
        )
        return None
    return department


def _check_period(first, last, now, problems: list) -> None:
    if first is None or last is None:
        return
    today = timezone.localdate(now)
    if first < today:
        problems.append(field_problem("first_night", _("The first night has passed.")))
    elif (first - today).days > MAX_DAYS_AHEAD:
        problems.append(
            field_problem(
                "first_night",
                _("File at most %(n)d days before the first night.") % {"n": MAX_DAYS_AHEAD},
            )
        )
    if last < first:
        problems.append(field_problem("last_night", _("The last night is before the first.")))
    elif nights.night_count(first, last) > MAX_NIGHTS:
        problems.append(
            field_problem(
                "last_night",
                _("A filing covers at most %(n)d nights; file again for the rest.")
                % {"n": MAX_NIGHTS},
            )
        )


def _check_hours(start, end, problems: list) -> None:
    if start is None or end is None:
        return
    if start == end:
        problems.append(
            field_problem("end_time", _("The work cannot start and end at the same time."))
        )
    elif not nights.overlaps_legal_night(start, end):
        problems.append(
            field_problem(
                "end_time",
                _("These hours are outside the night (22:00–06:00), which needs no filing."),
            )
        )


def _noise_limit(value, problems: list) -> int | None:
    try:
        limit = int(str(value).strip())
    except (TypeError, ValueError):
        limit = None
    if limit is None or not QUIETEST_DB <= limit <= NIGHT_LIMIT_DB:
        problems.append(
            field_problem(
                "noise_limit_db",
                _("Commit to a limit between %(low)d and %(high)d dB(A) (GB 12523-2011: "
                  "%(high)d dB(A) at night at the site boundary).")
                % {"low": QUIETEST_DB, "high": NIGHT_LIMIT_DB},
            )
        )  # fmt: skip
        return None
    return limit


def check_filing(data: FilingData, *, actor, now=None) -> _Checked:
    """Every problem with a filing at once, or what it names, looked up and parsed."""
    now = now or timezone.now()
    role = WORKFLOW.role_of(actor)
    problems: list[dict] = []
    site = _site(data.site, actor, role, problems)
    text(data.company_name, "company_name", 120, problems, label=_("The company's name"))
    uscc = (data.company_uscc or "").strip().upper() if isinstance(data.company_uscc, str) else ""
    try:
        validate_uscc(uscc)
    except ValidationError as error:
        problems.append(field_problem("company_uscc", " ".join(error.messages)))
    text(data.contact_name, "contact_name", 64, problems, label=_("The contact person"))
    try:
        validate_phone(data.contact_phone if isinstance(data.contact_phone, str) else "")
    except ValidationError as error:
        problems.append(field_problem("contact_phone", " ".join(error.messages)))
    first = _date(data.first_night, "first_night", problems)
    last = _date(data.last_night, "last_night", problems)
    _check_period(first, last, now, problems)
    start = _time(data.start_time, "start_time", problems)
    end = _time(data.end_time, "end_time", problems)
    _check_hours(start, end, problems)
    text(data.reason, "reason", 200, problems, label=_("The reason"))
    limit = _noise_limit(data.noise_limit_db, problems)
    text(data.noise_measures, "noise_measures", 1000, problems, label=_("The noise measures"))
    department = _department(data.department, site, problems)
    if problems:
        raise InvalidInput(_("The filing is not complete."), details=problems)
    return _Checked(site, department, first, last, start, end, limit)


def new_filing(data: FilingData, checked: _Checked, *, actor, now) -> NightWorkFiling:
    """The unsaved filing a checked submission describes (the demo builds its own with it)."""
    role = WORKFLOW.role_of(actor)
    filing = NightWorkFiling(
        site=checked.site,
        company_name=data.company_name.strip(),
        company_uscc=data.company_uscc.strip().upper(),
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        first_night=checked.first_night,
        last_night=checked.last_night,
        start_time=checked.start_time,
        end_time=checked.end_time,
        reason=data.reason.strip(),
        noise_limit_db=checked.noise_limit_db,
        noise_measures=data.noise_measures.strip(),
        department=checked.department,
        channel=FilingChannel.PUBLIC if role == CITIZEN else FilingChannel.STAFF,
        submitted_by=actor if getattr(actor, "pk", None) else None,
        submitted_at=now,
    )
    filing.place_in(checked.site)
    return filing


def do_submit_filing(data: FilingData, *, actor, note: str = "") -> NightWorkFiling:
    """报备: a company's filing, from the public page or typed in by staff on its behalf."""
    if WORKFLOW.role_of(actor) not in WORKFLOW.transition("submit").roles:
        raise NotPermitted(_("Your role may not file night construction."))
    now = timezone.now()
    checked = check_filing(data, actor=actor, now=now)
    filing = new_filing(data, checked, actor=actor, now=now)

    def number(filing):
        _refuse_overlap(filing)
        filing.number = next_number("BB", NightWorkFiling, now)

    return WORKFLOW.start(
        filing,
        "submit",
        actor=actor,
        note=note,
        prepare=number,
        data={"site": checked.site.name, "nights": filing.night_count},
    )


def _refuse_overlap(filing: NightWorkFiling) -> None:
    """One site, one filing per night: a second filing for nights a pending or approved one
    already covers is refused with that filing's number. The site's row is locked first, so
    two overlapping filings sent at the same moment cannot both pass."""
    InspectionTarget.objects.select_for_update().filter(pk=filing.site_id).first()
    other = (
        NightWorkFiling.objects.filter(
            site_id=filing.site_id,
            status__in=(FilingStatus.SUBMITTED, FilingStatus.APPROVED),
            first_night__lte=filing.last_night,
            last_night__gte=filing.first_night,
        )
        .order_by("first_night")
        .first()
    )
    if other is not None:
        raise Conflict(
            _("Filing %(number)s (%(status)s) already covers the nights from %(first)s to "
              "%(last)s at this site.")
            % {"number": other.number, "status": other.get_status_display(),
               "first": other.first_night, "last": other.last_night}
        )  # fmt: skip


# --- The responsible department ----------------------------------------------------------


@WORKFLOW.runs("approve")
def do_approve_filing(pk, *, actor, note: str = "", photos=(), version=None) -> NightWorkFiling:
    def apply(filing, now):
        _begin, last_end = nights.window(filing.last_night, filing.start_time, filing.end_time)
        if now >= last_end:
            raise Conflict(_("The filing's nights are over; it can only be rejected."))
        return []

    return WORKFLOW.perform(
        pk, "approve", actor=actor, note=note, expected_version=version, apply=apply
    )


@WORKFLOW.runs("revoke")
def do_revoke_filing(pk, *, actor, note: str, photos=(), version=None) -> NightWorkFiling:
    """撤销: the approval no longer holds (the company broke its commitments, say)."""

    def apply(filing, now):
        if filing.validity(now) == Validity.EXPIRED:
            raise Conflict(_("This filing has expired; there is nothing left to revoke."))
        return []

    return WORKFLOW.perform(
        pk, "revoke", actor=actor, note=note, expected_version=version, apply=apply
    )
