"""Four-colour classes (四色管控): rules over visit answers and ledger facts, applied to a person
after each visit (in the visit's transaction) and on demand for an area; a manual override with
a reason; each person's history (`ColourChange`); counts by colour and area.

A rule's `condition` is a small JSON language, checked when the rule is saved:
    {"all": [c, …]}  {"any": [c, …]}  {"not": c}
    {"answer": "<key>", "equals": v}   {"answer": "<key>", "in": [v, …]}
    {"group": "<special group code>"}  {"age_at_least": n}  {"residence": "<kind>"}
`{"all": []}` always holds: the last rule ("otherwise green"). Rules are tried in order; the
first that holds gives the colour. A colour set by hand stays until someone changes it by hand
again: the rules do not overwrite a person's class a cadre decided.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import InvalidInput, NotFound, NotPermitted, field_problem
from gridgov.org.roles import post_of
from gridgov.org.scoping import scoped

from .choices import Colour, ColourSource, Presence, ResidenceKind
from .models import Answer, ColourChange, ColourRule, Resident, SpecialGroup

MAX_DEPTH = 6
MAX_TERMS = 50
# Who may set a colour by hand: the people who run canvasses and the grid workers who visit.
OVERRIDERS = frozenset({"dispatcher", "admin", "leader", "grid_worker", "microgrid_leader"})

# The demo's (and a new county's) rules: 红 positive or isolated; 橙 contacts; 黄 back from
# elsewhere or not tested; 绿 otherwise.
DEFAULT_RULES = (
    ("阳性或隔离", Colour.RED, {"answer": "test_status", "in": ["阳性", "隔离中"]}),
    ("密接、次密接", Colour.ORANGE, {"answer": "contact", "in": ["密接", "次密接"]}),
    (
        "外地返回或未检测",
        Colour.YELLOW,
        {"any": [{"answer": "returned", "equals": True},
                 {"answer": "test_status", "equals": "未检测"}]},
    ),
    ("其他", Colour.GREEN, {"all": []}),
)  # fmt: skip


# --- The condition language -----------------------------------------------------------------


def check_condition(condition, where: str = "condition", depth: int = 0) -> list[dict]:
    """Every problem of a condition, by its path; empty when it is valid."""
    if depth > MAX_DEPTH:
        return [field_problem(where, _("Nested too deeply."))]
    if not isinstance(condition, dict) or not condition:
        return [field_problem(where, _("A condition is an object."))]
    if "all" in condition or "any" in condition:
        op = "all" if "all" in condition else "any"
        terms = condition[op]
        if len(condition) != 1 or not isinstance(terms, list) or len(terms) > MAX_TERMS:
            return [field_problem(where, _("“%(op)s” takes a list of conditions.") % {"op": op})]
        return [
            p
            for i, term in enumerate(terms)
            for p in check_condition(term, f"{where}.{op}[{i}]", depth + 1)
        ]
    if "not" in condition:
        if len(condition) != 1:
            return [field_problem(where, _("“not” takes one condition."))]
        return check_condition(condition["not"], f"{where}.not", depth + 1)
    return _check_fact(condition, where)


def _check_fact(condition: dict, where: str) -> list[dict]:
    keys = set(condition)
    if keys in ({"answer", "equals"}, {"answer", "in"}):
        if not isinstance(condition["answer"], str) or not condition["answer"]:
            return [field_problem(f"{where}.answer", _("Name a question of the visit form."))]
        if "in" in keys and not isinstance(condition["in"], list):
            return [field_problem(f"{where}.in", _("A list of values."))]
        return []
    if keys == {"group"}:
        if not SpecialGroup.objects.filter(code=condition["group"]).exists():
            return [field_problem(f"{where}.group", _("No special group has this code."))]
        return []
    if keys == {"age_at_least"}:
        age = condition["age_at_least"]
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150:
            return [field_problem(f"{where}.age_at_least", _("An age from 0 to 150."))]
        return []
    if keys == {"residence"}:
        if condition["residence"] not in ResidenceKind.values:
            return [field_problem(f"{where}.residence", _("Not a kind of residence."))]
        return []
    return [field_problem(where, _("Not a condition this language knows."))]


@dataclass(frozen=True)
class Facts:
    """What a condition reads of one person."""

    answers: dict
    groups: frozenset
    age: int | None
    residence: str


def holds(condition: dict, facts: Facts) -> bool:
    if "all" in condition:
        return all(holds(c, facts) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, facts) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], facts)
    if "answer" in condition:
        value = facts.answers.get(condition["answer"])
        if "equals" in condition:
            return value == condition["equals"]
        return value in condition["in"]
    if "group" in condition:
        return condition["group"] in facts.groups
    if "age_at_least" in condition:
        return facts.age is not None and facts.age >= condition["age_at_least"]
    return facts.residence == condition.get("residence")


def colour_of(rules, facts: Facts) -> tuple[str, ColourRule | None]:
    for rule in rules:
        if holds(rule.condition, facts):
            return rule.colour, rule
    return "", None


# --- Rules --------------------------------------------------------------------------------


def do_save_colour_rule(*, actor, name, colour, condition, order=100, rule=None) -> ColourRule:
    """Add or change a rule; the condition is checked first."""
    problems = check_condition(condition)
    if colour not in Colour.values:
        problems.append(field_problem("colour", _("Not one of the four colours.")))
    if not (name or "").strip() or len(name) > 80:
        problems.append(field_problem("name", _("A name of 1 to 80 characters.")))
    if problems:
        raise InvalidInput(_("The colour rule is not valid."), details=problems)
    with transaction.atomic():
        rule = rule or ColourRule()
        rule.name, rule.colour, rule.condition, rule.order = name.strip(), colour, condition, order
        rule.save()
        audit.record(
            "households.colour_rule.save",
            actor=actor,
            target=rule,
            summary=str(rule),
            changes={"condition": condition, "colour": colour},
        )
    return rule


def active_rules() -> list[ColourRule]:
    return list(ColourRule.objects.filter(is_active=True).order_by("order", "id"))


def ensure_default_rules(*, actor) -> int:
    """The default rules, when none are defined yet (the demo's)."""
    if ColourRule.objects.exists():
        return 0
    for order, (name, colour, condition) in enumerate(DEFAULT_RULES, start=1):
        do_save_colour_rule(
            actor=actor, name=name, colour=colour, condition=condition, order=order * 10
        )
    return len(DEFAULT_RULES)


# --- Applying them ------------------------------------------------------------------------


def _groups_of(residents, today: dt.date) -> dict[int, frozenset]:
    """Each resident's special groups: by hand (one query) and by age."""
    by_hand: dict[int, set] = {r.pk: set() for r in residents}
    through = Resident.groups.through.objects.filter(resident_id__in=list(by_hand))
    for resident_id, code in through.values_list("resident_id", "specialgroup__code"):
        by_hand[resident_id].add(code)
    by_age = [g for g in SpecialGroup.objects.filter(is_active=True) if g.by_rule]
    for resident in residents:
        age = resident.age_on(today)
        for group in by_age:
            if age is None or (group.min_age is not None and age < group.min_age):
                continue
            if group.max_age is not None and age > group.max_age:
                continue
            if group.living_alone and resident.household.size != 1:
                continue
            by_hand[resident.pk].add(group.code)
    return {pk: frozenset(codes) for pk, codes in by_hand.items()}


def _set_by_hand(residents) -> set[int]:
    """The residents whose latest change of colour was made by hand."""
    latest = ColourChange.objects.filter(resident=OuterRef("pk")).order_by("-changed_at", "-id")
    return set(
        Resident.objects.filter(pk__in=[r.pk for r in residents])
        .annotate(last=Subquery(latest.values("source")[:1]))
        .filter(last=ColourSource.MANUAL)
        .values_list("pk", flat=True)
    )


def apply_rules(residents_answers, *, actor, canvass=None, rules=None, now=None) -> int:
    """Class each (resident, answers) by the rules; record the changes. Call inside the
    transaction that wrote the answers. Returns how many changed."""
    pairs = [(r, a) for r, a in residents_answers if r.presence == Presence.PRESENT]
    if not pairs:
        return 0
    rules = active_rules() if rules is None else rules
    if not rules:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    residents = [r for r, _ in pairs]
    groups = _groups_of(residents, today)
    manual = _set_by_hand(residents)
    changes = []
    for resident, answers in pairs:
        if resident.pk in manual:
            continue
        age = resident.age_on(today)
        facts = Facts(answers or {}, groups[resident.pk], age, resident.residence)
        colour, rule = colour_of(rules, facts)
        if colour == resident.colour:
            continue
        changes.append(
            ColourChange(
                resident=resident, colour=colour, previous=resident.colour,
                source=ColourSource.RULE, rule=rule, canvass=canvass,
                changed_by=actor if getattr(actor, "pk", None) else None, changed_at=now,
            )
        )  # fmt: skip
        resident.colour = colour
    if changes:
        ColourChange.objects.bulk_create(changes)
        Resident.objects.bulk_update([c.resident for c in changes], ["colour"])
    return len(changes)


def latest_answers(residents) -> dict[int, dict]:
    """Each resident's answers at their latest visit (any canvass)."""
    rows = (
        Answer.objects.filter(resident__in=[r.pk for r in residents])
        .order_by("resident_id", "-visit__visited_at", "-id")
        .values_list("resident_id", "values")
    )
    latest: dict[int, dict] = {}
    for resident_id, values in rows:
        latest.setdefault(resident_id, values)
    return latest


def do_apply_colours(region, *, actor, batch: int = 500) -> dict:
    """Class every present resident of an area by the rules now, batch by batch; audited."""
    if not scoped(type(region).objects.filter(pk=region.pk), actor).exists():
        raise NotFound()
    rules = active_rules()
    residents = (
        Resident.objects.filter(**{region.level: region}, presence=Presence.PRESENT)
        .select_related("household")
        .order_by("pk")
    )
    changed = seen = 0
    after = 0
    while True:
        chunk = list(residents.filter(pk__gt=after)[:batch])
        if not chunk:
            break
        with transaction.atomic():
            answers = latest_answers(chunk)
            changed += apply_rules(
                [(r, answers.get(r.pk, {})) for r in chunk], actor=actor, rules=rules
            )
        seen += len(chunk)
        after = chunk[-1].pk
    audit.record(
        "households.colours.apply",
        actor=actor,
        target=region,
        summary=f"{region.name}: {changed}/{seen}",
        changes={"residents": seen, "changed": changed},
    )
    return {"residents": seen, "changed": changed}


def do_override_colour(resident_pk, colour: str, *, actor, reason: str) -> ColourChange:
    """Set a person's colour by hand, with the reason; audited and kept in their history."""
    post = post_of(actor) if getattr(actor, "is_authenticated", False) else None
    if post is None or post.role not in OVERRIDERS:
        raise NotPermitted(_("Your role may not set a person's colour."))
    reason = (reason or "").strip()
    problems = []
    if colour not in Colour.values:
        problems.append(field_problem("colour", _("Not one of the four colours.")))
    if not reason or len(reason) > 200:
        problems.append(field_problem("reason", _("A reason of 1 to 200 characters.")))
    if problems:
        raise InvalidInput(_("The colour cannot be set."), details=problems)
    with transaction.atomic():
        resident = (
            scoped(Resident.objects.select_for_update(of=("self",)), actor)
            .filter(pk=resident_pk)
            .first()
        )
        if resident is None:
            raise NotFound()
        change = ColourChange.objects.create(
            resident=resident, colour=colour, previous=resident.colour,
            source=ColourSource.MANUAL, reason=reason, changed_by=actor,
        )  # fmt: skip
        resident.colour = colour
        resident.save(update_fields=["colour", "updated_at"])
        audit.record(
            "households.colour.override",
            actor=actor,
            target=resident,
            summary=f"{change.previous or '-'} → {colour}",
            changes={"colour": [change.previous, colour], "reason": reason},
        )
    return change


def colour_history(resident) -> list[ColourChange]:
    return list(resident.colours.select_related("rule", "canvass").order_by("-changed_at", "-id"))


CHILD_LEVEL = {"county": "town", "town": "village", "village": "grid", "grid": "microgrid"}


def colour_counts(region, user) -> dict:
    """Present residents of an area by colour, and by colour in each of its sub-areas: two
    GROUP BY queries on the residents' own (level) columns."""
    residents = scoped(Resident.objects.all(), user).filter(
        **{region.level: region}, presence=Presence.PRESENT
    )
    total = dict(residents.order_by().values_list("colour").annotate(n=Count("pk")))
    child = CHILD_LEVEL.get(region.level)
    by_area: dict = {}
    if child:
        rows = residents.order_by().values_list(f"{child}_id", "colour").annotate(n=Count("pk"))
        for area, colour, n in rows:
            by_area.setdefault(area, {})[colour] = n
    return {"total": total, "by_area": by_area}
