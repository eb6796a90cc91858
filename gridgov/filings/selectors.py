"""Reading filings: on behalf of a user (always through the scoping helper), for the public
lookup (approved filings only, without the people), and for the warning rules.

The rules ask one question for every night-time noise signal: does this site have a valid
filing at this moment? `valid_filing` answers it from the database; `FilingIndex` answers it
from memory, in microseconds, for the rule engine's hot loop. Both follow `nights.covers`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from gridgov.org.scoping import scoped

from . import nights
from .choices import FilingStatus
from .models import NightWorkFiling

LIST_RELATED = ("site", "department", "town")
DETAIL_RELATED = (*LIST_RELATED, "county", "village", "grid", "microgrid")


def filings_for(user):
    return scoped(NightWorkFiling.objects.all(), user)


def filing_for(user, number: str) -> NightWorkFiling:
    """A filing the user may see, by number; 404 otherwise (never reveal that it exists)."""
    filing = filings_for(user).select_related(*DETAIL_RELATED).filter(number=number).first()
    if filing is None:
        raise NotFound(_("No filing %(number)s in your area.") % {"number": number})
    return filing


@dataclass
class FilingFilter:
    status: str = ""
    site: InspectionTarget | None = None
    valid_now: bool = False  # approved, and tonight (or right now) is one of its nights
    q: str = ""  # number, company or site name


def filtered_filings(user, f: FilingFilter, now=None):
    filings = filings_for(user).select_related(*LIST_RELATED)
    if f.status in FilingStatus.values:
        filings = filings.filter(status=f.status)
    if f.site is not None:
        filings = filings.filter(site=f.site)
    if f.valid_now:
        filings = filings.filter(in_force_on(now or timezone.now()))
    if f.q:
        text = f.q.strip()
        filings = filings.filter(
            Q(number=text) | Q(company_name__icontains=text) | Q(site__name__icontains=text)
        )
    return filings.order_by("-submitted_at", "-id")


def in_force_on(now) -> Q:
    """Approved, and `now` falls within its period: from its first night's evening to its last
    night's end (in force "tonight" even at noon in between)."""
    today = timezone.localdate(now)
    return Q(status=FilingStatus.APPROVED, first_night__lte=today, last_night__gte=today)


def construction_sites_for(user):
    """The active construction sites a staff member may file for."""
    return scoped(
        InspectionTarget.objects.filter(kind=TargetKind.CONSTRUCTION_SITE, is_active=True), user
    ).order_by("name", "id")


def department_user_ids(filing) -> list[int]:
    """Who hears of a new filing: the officers of the responsible department."""
    return list(
        Staff.objects.filter(
            department__path__startswith=filing.department.path,
            role=Role.OFFICER,
            is_active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )


# --- For the warning rules ------------------------------------------------------------------


def _covering(moment) -> Q:
    """Filings whose nightly hours contain `moment`, as a filter the database evaluates: the
    night that began today (hours after the start), or the one that began yesterday and runs
    past midnight (hours before the end)."""
    local = timezone.localtime(moment)
    today, at = local.date(), local.time().replace(tzinfo=None)
    yesterday = today - dt.timedelta(days=1)
    same_day = Q(end_time__gt=F("start_time")) & Q(start_time__lte=at, end_time__gt=at)
    tonight = Q(end_time__lte=F("start_time"), start_time__lte=at)
    began_today = Q(first_night__lte=today, last_night__gte=today) & (same_day | tonight)
    began_yesterday = Q(
        first_night__lte=yesterday,
        last_night__gte=yesterday,
        end_time__lte=F("start_time"),
        end_time__gt=at,
    )
    return began_today | began_yesterday


# The rules never need the contact's phone: it stays encrypted and unread.
RULES_NEVER_READ = ("contact_phone",)


def valid_filing(target_id: int, moment: dt.datetime) -> NightWorkFiling | None:
    """An approved (and so not revoked) filing of this site whose nights and nightly hours
    contain the moment; the earliest filed when several do."""
    return (
        NightWorkFiling.objects.filter(site_id=target_id, status=FilingStatus.APPROVED)
        .filter(_covering(moment))
        .defer(*RULES_NEVER_READ)
        .order_by("submitted_at", "pk")
        .first()
    )


def filings_revision():
    """A number that grows with every change to any filing: each step of the loop adds one to
    its filing's version, and a new filing starts at one. Cheaper to compare than to reload."""
    return NightWorkFiling.objects.aggregate(total=Coalesce(Sum("version"), 0))["total"]


class FilingIndex:
    """Every approved filing's nights and hours, by site, held in memory.

    `valid_at(site_id, moment)` says what `valid_filing` says, without a query. Build it with
    `FilingIndex.load()`; compare `revision` with `filings_revision()` (or call `stale()`) to
    know when a filing has changed and the index should be loaded again.
    """

    __slots__ = ("_by_site", "_tz", "revision")

    def __init__(self, rows, revision, tz=None):
        """rows: (site_id, first_night, last_night, start_time, end_time, filing_id)."""
        self._tz = tz or timezone.get_current_timezone()
        self.revision = revision
        by_site: dict[int, list] = {}
        for site_id, first, last, start, end, pk in rows:
            start_s, end_s = nights.seconds(start), nights.seconds(end)
            by_site.setdefault(site_id, []).append(
                (first.toordinal(), last.toordinal(), start_s, end_s, end_s <= start_s, pk)
            )
        # Tuples, in filing order: the first match is the one `valid_filing` picks.
        self._by_site = {site: tuple(spans) for site, spans in by_site.items()}

    @classmethod
    def load(cls) -> "FilingIndex":
        """One query: the approved filings, each row carrying the revision they were read at."""
        # Grouped by a constant: one row, the sum over every filing, whatever its state.
        revision = Subquery(
            NightWorkFiling.objects.order_by()
            .annotate(everything=Value(1))
            .values("everything")
            .annotate(total=Sum("version"))
            .values("total")
        )
        rows = list(
            NightWorkFiling.objects.filter(status=FilingStatus.APPROVED)
            .order_by("submitted_at", "pk")
            .annotate(revision=revision)
            .values_list(
                "site_id", "first_night", "last_night", "start_time", "end_time", "pk", "revision"
            )
        )
        if not rows:
            return cls([], filings_revision())
        return cls((row[:6] for row in rows), rows[0][6])

    def __len__(self) -> int:
        return sum(len(spans) for spans in self._by_site.values())

    def stale(self) -> bool:
        return filings_revision() != self.revision

    def valid_at(self, target_id: int, moment: dt.datetime) -> int | None:
        """The id of a valid filing of this site at `moment` (aware), or None."""
        spans = self._by_site.get(target_id)
        if spans is None:
            return None
        local = moment.astimezone(self._tz)
        day = local.toordinal()
        at = local.hour * 3600 + local.minute * 60 + local.second
        for first, last, start, end, crosses, pk in spans:
            if not crosses:
                if start <= at < end and first <= day <= last:
                    return pk
            elif at >= start:
                if first <= day <= last:
                    return pk
            elif at < end and first < day <= last + 1:  # the night began yesterday
                return pk
        return None


def expiring(within_days: int, now=None) -> list[NightWorkFiling]:
    """Approved filings whose last night is today or within the next `within_days` days: for
    the rule "a filing expires within 3 days" (the company may need to file again)."""
    today = timezone.localdate(now or timezone.now())
    return list(
        NightWorkFiling.objects.filter(
            status=FilingStatus.APPROVED,
            last_night__gte=today,
            last_night__lte=today + dt.timedelta(days=within_days),
        )
        .select_related("site", "department")
        .defer(*RULES_NEVER_READ)
        .order_by("last_night", "pk")
    )


# --- The public lookup ----------------------------------------------------------------------

PUBLIC_SITES = 20


def public_sites(text: str):
    """Active construction sites whose name or address contains the text."""
    text = (text or "").strip()
    if not text:
        return InspectionTarget.objects.none()
    return (
        InspectionTarget.objects.filter(kind=TargetKind.CONSTRUCTION_SITE, is_active=True)
        .filter(Q(name__icontains=text) | Q(address__icontains=text))
        .select_related("county", "town")
        .order_by("name", "id")
    )


def public_filings(site_ids, now=None):
    """The approved filings of these sites that are in force or still to come — what a
    neighbour may know: company, nights, hours, commitments and the department. Never the
    contact person or phone (they are not even read)."""
    return (
        NightWorkFiling.objects.filter(
            not_over(now or timezone.now()), site_id__in=site_ids, status=FilingStatus.APPROVED
        )
        .select_related("site", "department")
        .only(*PUBLIC_FIELDS)
        .order_by("site_id", "first_night", "pk")
    )


def not_over(now) -> Q:
    """Filings whose last night's hours have not ended by `now`."""
    local = timezone.localtime(now)
    today, at = local.date(), local.time().replace(tzinfo=None)
    ended_today = Q(last_night=today, end_time__gt=F("start_time"), end_time__lte=at)
    # The last night began yesterday and may still be running this morning.
    running_on = Q(
        last_night=today - dt.timedelta(days=1), end_time__lte=F("start_time"), end_time__gt=at
    )
    return (Q(last_night__gte=today) & ~ended_today) | running_on


PUBLIC_FIELDS = (
    "number", "site", "site__name", "site__address", "company_name", "company_uscc",
    "first_night", "last_night", "start_time", "end_time", "reason", "noise_limit_db",
    "noise_measures", "department", "department__name", "status",
)  # fmt: skip
