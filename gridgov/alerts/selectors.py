"""Reads of early warnings on behalf of a user, always through the scoping helper."""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.inspections.selectors import units_at
from gridgov.org.choices import Role
from gridgov.org.models import Department, Staff
from gridgov.org.scoping import scoped

from .choices import OPEN_WARNING_STATES, WarningStatus
from .models import EarlyWarning, Rule, RuleVersion, Signal, SignalSource

LIST_RELATED = ("rule", "target", "town")
DETAIL_RELATED = ("rule", "rule_version", "target", "county", "town", "inspection", "event")


def warnings_for(user):
    return scoped(EarlyWarning.objects.all(), user)


def warning_for(user, number: str) -> EarlyWarning:
    """A warning the user may see, by number; 404 otherwise (never reveal that it exists)."""
    warning = warnings_for(user).select_related(*DETAIL_RELATED).filter(number=number).first()
    if warning is None:
        raise NotFound(_("No warning %(number)s in your area.") % {"number": number})
    return warning


@dataclass
class WarningFilter:
    status: str = ""  # a status, or "open"
    rule: Rule | None = None
    region: object = None  # a Region inside the user's scope
    target: int | None = None
    q: str = ""  # number, or words of the target's name


def filtered_warnings(user, f: WarningFilter):
    warnings = warnings_for(user).select_related(*LIST_RELATED)
    if f.status == "open":
        warnings = warnings.filter(status__in=OPEN_WARNING_STATES)
    elif f.status in WarningStatus.values:
        warnings = warnings.filter(status=f.status)
    if f.rule is not None:
        warnings = warnings.filter(rule=f.rule)
    if f.region is not None:
        warnings = warnings.filter(**{f.region.level: f.region.pk})
    if f.target is not None:
        warnings = warnings.filter(target_id=f.target)
    if f.q:
        q = f.q.strip()
        warnings = warnings.filter(Q(number=q) | Q(target__name__icontains=q))
    return warnings


def signals_of(warning: EarlyWarning) -> list[Signal]:
    """The signals that fired a warning (the first MAX_PROVENANCE of them), oldest first."""
    return list(
        Signal.objects.filter(pk__in=warning.signal_ids)
        .select_related("source")
        .order_by("observed_at", "id")
    )


def rules_for(user):
    return scoped(Rule.objects.all(), user).select_related("current", "jurisdiction")


def rule_for(user, pk) -> Rule:
    rule = rules_for(user).filter(pk=pk).first()
    if rule is None:
        raise NotFound(_("No such warning rule."))
    return rule


def rule_to_manage(user, pk) -> Rule:
    """A rule the user may edit or dry-run: one of their own area (a county's administrators
    do not write, or read the signals of, another county's rules); 404 otherwise."""
    from .actions import manages

    rule = rule_for(user, pk)
    if not manages(user, rule.jurisdiction):
        raise NotFound(_("No such warning rule."))
    return rule


def rule_versions(rule: Rule) -> list[RuleVersion]:
    return list(rule.versions.select_related("created_by").order_by("-number"))


def open_counts(rules) -> dict[int, int]:
    """Open warnings per rule, for the rules list (one grouped query)."""
    return dict(
        EarlyWarning.objects.filter(rule__in=rules, status__in=OPEN_WARNING_STATES)
        .values_list("rule")
        .annotate(n=Count("pk"))
        .values_list("rule", "n")
    )


def sources():
    return SignalSource.objects.order_by("code")


def units_for(scenario, target) -> list[Department]:
    """For each of the scenario's kinds of unit, the one nearest the target that works there
    (the town's squad rather than the county's bureau)."""
    chosen: dict[str, Department] = {}
    for unit in units_at(target, scenario.department_kinds):
        chosen.setdefault(unit.kind, unit)
    return list(chosen.values())


def warnings_at_targets(target_ids, start, end) -> dict[int, int]:
    """Warnings raised at each of these targets in [start, end), for the filings' figures.
    Targets without any are left out."""
    return dict(
        EarlyWarning.objects.filter(
            target_id__in=list(target_ids), fired_at__gte=start, fired_at__lt=end
        )
        .values_list("target_id")
        .annotate(n=Count("pk"))
        .values_list("target_id", "n")
    )


def area_dispatcher_ids(warning) -> list[int]:
    """The command centre that handles a warning: its town's dispatchers (its county's, for a
    place outside any town)."""
    return list(
        Staff.objects.filter(
            role=Role.DISPATCHER,
            region_id=warning.town_id or warning.county_id,
            is_active=True,
            user__isnull=False,
        ).values_list("user_id", flat=True)
    )
