"""Frontline care's figures for an area and a period: care visits and packages, problems
raised and solved, rest orders proposed and issued, hours on duty per person; the same per
area one level down, and the people with the most hours. Every figure is an aggregate in the
database over scoped rows."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from gridgov.org.scoping import scoped
from gridgov.regions.choices import child_level
from gridgov.regions.models import Region

from . import rules
from .choices import ProblemStatus
from .models import CareProblem, CareVisit, RestOrder, Shift

DEFAULT_DAYS = 90
TOP_PEOPLE = 20


@dataclass(frozen=True)
class KpiQuery:
    region: Region
    start: datetime | None = None  # aware; None: DEFAULT_DAYS before the end
    end: datetime | None = None  # exclusive; None: the end of today

    def period(self) -> tuple[datetime, datetime]:
        end = self.end
        if end is None:
            today = timezone.localdate(timezone.now(), rules.DUTY_TZ)
            end = datetime.combine(today + timedelta(days=1), time(), tzinfo=rules.DUTY_TZ)
        start = self.start or end - timedelta(days=DEFAULT_DAYS)
        return start, end


def _counts(queryset, group: str | None, **aggregates) -> dict:
    """Aggregates for the whole queryset (key None), or per value of `group`."""
    if group is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.values(group).order_by(group).annotate(**aggregates)
    return {row.pop(group): row for row in rows}


def _figures(user, region, start, end, group):
    within = {region.level: region.pk}
    visits = scoped(
        CareVisit.objects.filter(visited_at__gte=start, visited_at__lt=end, **within), user
    )
    problems = scoped(CareProblem.objects.filter(**within), user)
    orders = scoped(RestOrder.objects.filter(**within), user)
    shifts = scoped(Shift.objects.filter(starts_at__gte=start, starts_at__lt=end, **within), user)
    period = {"gte": start, "lt": end}

    def between(field):
        return Q(**{f"{field}__{op}": at for op, at in period.items()})

    return {
        "visits": _counts(visits, group, visits=Count("pk"), packages=Sum("packages")),
        "problems": _counts(
            problems,
            group,
            raised=Count("pk", filter=between("raised_at")),
            solved=Count("pk", filter=between("solved_at") & Q(status=ProblemStatus.SOLVED)),
            unsolvable=Count(
                "pk", filter=between("closed_at") & Q(status=ProblemStatus.UNSOLVABLE)
            ),
        ),
        "orders": _counts(
            orders,
            group,
            proposed=Count("pk", filter=between("proposed_at")),
            issued=Count("pk", filter=between("issued_at")),
        ),
        "shifts": _counts(
            shifts,
            group,
            shifts=Count("pk"),
            night_shifts=Count("pk", filter=Q(night=True)),
            minutes=Sum("minutes"),
            people=Count("staff_id", distinct=True),
        ),
    }


def _row(figures, key) -> dict:
    v = figures["visits"].get(key, {})
    p = figures["problems"].get(key, {})
    o = figures["orders"].get(key, {})
    s = figures["shifts"].get(key, {})
    hours = round((s.get("minutes") or 0) / 60, 1)
    people = s.get("people") or 0
    return {
        "visits": v.get("visits") or 0,
        "packages": v.get("packages") or 0,
        "problems_raised": p.get("raised") or 0,
        "problems_solved": p.get("solved") or 0,
        "problems_unsolvable": p.get("unsolvable") or 0,
        "rest_orders_proposed": o.get("proposed") or 0,
        "rest_orders_issued": o.get("issued") or 0,
        "shifts": s.get("shifts") or 0,
        "night_shifts": s.get("night_shifts") or 0,
        "hours": hours,
        "people_on_duty": people,
        "hours_per_person": round(hours / people, 1) if people else 0,
    }


def _people(user, region, start, end) -> list[dict]:
    shifts = scoped(
        Shift.objects.filter(starts_at__gte=start, starts_at__lt=end, **{region.level: region.pk}),
        user,
    )
    rows = (
        shifts.values("staff_id", "staff__name")
        .annotate(
            minutes=Sum("minutes"), shifts=Count("pk"), nights=Count("pk", filter=Q(night=True))
        )
        .order_by("-minutes", "staff_id")[:TOP_PEOPLE]
    )
    return [
        {
            "staff": r["staff_id"],
            "name": r["staff__name"],
            "hours": round(r["minutes"] / 60, 1),
            "shifts": r["shifts"],
            "night_shifts": r["nights"],
        }
        for r in rows
    ]


def care_kpis(user, query: KpiQuery) -> dict:
    start, end = query.period()
    region = query.region
    level = child_level(region.level)
    totals = _row(_figures(user, region, start, end, None), None)
    areas = []
    if level is not None:
        by_area = _figures(user, region, start, end, level)
        keys = set().union(*(set(f) for f in by_area.values())) - {None}
        names = dict(Region.objects.filter(pk__in=keys).values_list("pk", "name"))
        codes = dict(Region.objects.filter(pk__in=keys).values_list("pk", "code"))
        areas = sorted(
            ({"code": codes[k], "name": names[k], **_row(by_area, k)} for k in keys),
            key=lambda a: a["code"],
        )
    return {
        "region": {"code": region.code, "name": region.name},
        "from": timezone.localtime(start, rules.DUTY_TZ).date().isoformat(),
        "to": (timezone.localtime(end, rules.DUTY_TZ).date() - timedelta(days=1)).isoformat(),
        "totals": totals,
        "areas": areas,
        "people": _people(user, region, start, end),
    }
