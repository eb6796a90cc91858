"""Region and department scoping: the one gate every read of scoped data goes through.

A staff member sees the region subtree they are posted to; an officer sees only their
department's records there (its sub-units included). Models say how their rows relate to
a scope with a `scope_rule`; `scoped(queryset, user)` applies it. A model without a rule cannot
be scoped, which is an error, not a silent "show everything".
"""

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from gridgov.core.scope_rules import ScopeRule

from .roles import DEPARTMENT_BOUND_ROLES, UNSCOPED_ROLES, post_of


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    nothing: bool = False
    user_id: int | None = None
    region_level: str | None = None
    region_id: int | None = None
    department_path: str | None = None  # an officer's unit: it and its sub-units
    region: object = field(default=None, compare=False)  # the Region of region_id

    def covers_region(self, region) -> bool:
        """Whether a region lies inside this scope's region subtree."""
        if self.everything:
            return True
        if self.nothing or self.region_id is None:
            return False
        return self.region.contains(region)


EVERYTHING = Scope(everything=True)
NOTHING = Scope(nothing=True)


def scope_of(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    cached = getattr(user, "_gridgov_scope", None)
    if cached is None:
        cached = _compute_scope(user)
        if user.is_authenticated:
            user._gridgov_scope = cached
    return cached


def _compute_scope(user) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    staff = post_of(user)
    if staff is None:
        # A member of the public: no area, but what they filed and what is theirs.
        return Scope(nothing=True, user_id=user.pk)
    if not staff.is_active:
        return NOTHING
    if staff.role in UNSCOPED_ROLES:
        # A data feed account works for a place but reads nothing of it: only what it owns.
        return Scope(nothing=True, user_id=user.pk)
    bound = staff.department_id is not None and staff.role in DEPARTMENT_BOUND_ROLES
    return Scope(
        user_id=user.pk,
        region_level=staff.region.level,
        region_id=staff.region_id,
        region=staff.region,
        department_path=staff.department.path if bound else None,
    )


def scope_q(model, scope: Scope) -> Q | None:
    """The filter a scope puts on a model, or None when the scope sees none of its rows."""
    rule = getattr(model, "scope_rule", None)
    if not isinstance(rule, ScopeRule):
        raise ImproperlyConfigured(f"{model.__name__} has no scope_rule; it cannot be scoped.")
    if scope.nothing:
        if scope.user_id is not None and rule.owner is not None:
            return Q(**{rule.owner: scope.user_id})
        if scope.user_id is not None and rule.filed_by is not None:
            return Q(**{rule.filed_by: scope.user_id})
        return None
    if scope.everything or rule.all_staff:
        return Q()
    if rule.owner is not None:
        return Q(**{rule.owner: scope.user_id})
    q = Q()
    if rule.region is not None:
        prefix = f"{rule.region}__" if rule.region else ""
        in_area = Q(**{f"{prefix}{scope.region_level}": scope.region_id})
        if rule.seen_from_inside:
            in_area |= _areas_above(rule, scope)
        q &= in_area
    if rule.department is not None and scope.department_path is not None:
        field = f"{rule.department}__path__startswith" if rule.department else "path__startswith"
        if rule.department_many:
            units = model._default_manager.filter(**{field: scope.department_path})
            q &= Q(pk__in=units.values("pk"))
        else:
            q &= Q(**{field: scope.department_path})
    if rule.filed_by is not None:
        q |= Q(**{rule.filed_by: scope.user_id})
    return q


def _areas_above(rule: ScopeRule, scope: Scope) -> Q:
    """The rows for the areas that contain the reader's own (rules `seen_from_inside`)."""
    region = scope.region
    above = [
        getattr(region, f"{level}_id")
        for level in ("city", "county", "town", "village", "grid")
        if getattr(region, f"{level}_id") not in (None, region.pk)
    ]
    return Q(**{f"{rule.region}__in" if rule.region else "pk__in": above})


def scoped(queryset: QuerySet, user) -> QuerySet:
    """Restrict a queryset to what the user may read. Use for every list, detail and export."""
    q = scope_q(queryset.model, scope_of(user))
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def can_see(user, obj) -> bool:
    """Whether `obj` is among `scoped(<its model>, user)`. Answered from the object's own
    fields where its rule allows — checking an action on an event costs no query — and by the
    database otherwise. The same rule as `scope_q`, read the other way round."""
    scope, rule = scope_of(user), type(obj).scope_rule

    def own(lookup) -> bool:
        return (
            lookup is not None
            and "__" not in lookup
            and getattr(obj, f"{lookup}_id", None) == scope.user_id
        )

    if scope.everything:
        return True
    if scope.nothing:
        return scope.user_id is not None and (own(rule.owner) or own(rule.filed_by))
    if rule.all_staff:
        return True
    if rule.owner is not None:
        return own(rule.owner)
    if rule.region == "" and (rule.department is None or scope.department_path is None):
        return scope.region.contains(obj) or own(rule.filed_by)
    return scoped(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


class AreaReader:
    """Someone who reads everything placed inside one region and nothing else: what a figure of
    that region is counted as, once the person asking has been checked to cover the region (the
    cockpit's tiles read a region's figures through the areas' own figure functions)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_anonymous = False
    pk = id = None
    _gridgov_post = None

    def __init__(self, region):
        self._gridgov_scope = Scope(region_level=region.level, region_id=region.pk, region=region)


def area_reader(region) -> AreaReader:
    return AreaReader(region)
