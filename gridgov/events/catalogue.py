"""The category taxonomy and the routing rules, as files an administrator can edit and import.

Both imports are all or nothing: every problem is reported with its line, and nothing is
written unless the whole file is right.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.csvfiles import problem, read_rows
from gridgov.core.errors import InvalidInput
from gridgov.org.choices import DepartmentKind
from gridgov.org.models import Department
from gridgov.regions.models import Region

from .models import EventCategory, RoutingRule
from .routing import clear_cache

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DEFAULT_CATEGORIES = DATA_DIR / "event-categories.csv"
DEFAULT_ROUTING = DATA_DIR / "event-routing.csv"
STEP_FIELDS = ("accept_hours", "dispatch_hours", "handle_hours", "verify_hours")
CATEGORY_COLUMNS = ("code", "name", "parent_code", *STEP_FIELDS, "handling_level")
ROUTING_COLUMNS = ("category", "area", "unit", "unit_kind", "unit_level", "priority")


@dataclass
class CategoryRow:
    line: int
    code: str
    name: str
    parent_code: str
    hours: dict
    handling_level: str


def read_category_csv(text: str) -> list[CategoryRow]:
    """Categories from a file; a second-level class takes its parent's limits where blank."""
    by_code: dict[str, CategoryRow] = {}

    def parse(line: int, cells: list[str]):
        raw = dict(zip(CATEGORY_COLUMNS, cells, strict=True))
        if not raw["code"] or not raw["name"]:
            return None, [problem(line, "code", _("A code and a name are required."))]
        if raw["code"] in by_code:
            return None, [problem(line, "code", _("The code appears twice."))]
        parent = by_code.get(raw["parent_code"]) if raw["parent_code"] else None
        if raw["parent_code"] and parent is None:
            return None, [problem(line, "parent_code", _("The parent must come first."))]
        if parent is not None and parent.parent_code:
            return None, [problem(line, "parent_code", _("Only two levels are allowed."))]
        problems, hours = [], {}
        for field in STEP_FIELDS:
            value = raw[field] or (str(parent.hours[field]) if parent else "")
            try:
                hours[field] = float(value)
                if not 0 < hours[field] <= 2000:
                    raise ValueError
            except ValueError:
                problems.append(problem(line, field, _("Give a number of working hours.")))
        level = raw["handling_level"] or (parent.handling_level if parent else "town")
        if level not in ("town", "county"):
            problems.append(problem(line, "handling_level", _("Use town or county.")))
        row = CategoryRow(line, raw["code"], raw["name"], raw["parent_code"], hours, level)
        by_code[row.code] = row
        return (None if problems else row), problems

    return read_rows(
        text, list(CATEGORY_COLUMNS), parse, refused=_("The category file has problems.")
    )


def _catalogue_changed() -> None:
    """This process forgets its cached catalogue now, and again once the change is committed
    (other processes pick it up within routing.CACHE_SECONDS)."""
    clear_cache()
    transaction.on_commit(clear_cache)


@transaction.atomic
def do_import_categories(rows: list[CategoryRow], *, actor) -> dict:
    """Create or update categories by code. Categories missing from the file are deactivated,
    not deleted: events keep pointing at them."""
    _catalogue_changed()
    existing = {c.code: c for c in EventCategory.objects.all()}
    created = updated = 0
    for order, row in enumerate(rows):
        values = {
            "name": row.name,
            "parent": existing[row.parent_code] if row.parent_code else None,
            "handling_level": row.handling_level,
            "is_active": True,
            "sort_order": order,
            **row.hours,
        }
        category = existing.get(row.code)
        if category is None:
            existing[row.code] = EventCategory.objects.create(code=row.code, **values)
            created += 1
        elif any(getattr(category, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(category, k, v)
            category.save()
            updated += 1
    in_file = {row.code for row in rows}
    retired = (
        EventCategory.objects.exclude(code__in=in_file)
        .filter(is_active=True)
        .update(is_active=False)
    )
    summary = {"created": created, "updated": updated, "deactivated": retired}
    audit.record(
        "events.import_categories",
        actor=actor,
        summary=_("%(n)d categories imported") % {"n": len(rows)},
        changes=summary,
    )
    return summary


def read_routing_csv(text: str) -> list[RoutingRule]:
    """Rules from a file, checked against the stored categories, regions and units."""
    categories = {c.code: c for c in EventCategory.objects.all()}

    def parse(line: int, cells: list[str]):
        raw = dict(zip(ROUTING_COLUMNS, cells, strict=True))
        category = categories.get(raw["category"])
        if category is None:
            return None, [problem(line, "category", _("Unknown category."))]
        rule = RoutingRule(
            category=category, unit_kind=raw["unit_kind"], unit_level=raw["unit_level"]
        )
        problems = []
        if raw["area"]:
            rule.area = Region.objects.filter(code=raw["area"]).first()
            if rule.area is None:
                problems.append(problem(line, "area", _("Unknown region code.")))
        if raw["unit"]:
            rule.unit = Department.objects.filter(code=raw["unit"]).first()
            if rule.unit is None:
                problems.append(problem(line, "unit", _("Unknown unit code.")))
        elif raw["unit_kind"] not in DepartmentKind.values or raw["unit_level"] not in (
            "city",
            "county",
            "town",
        ):
            problems.append(
                problem(line, "unit_kind", _("Name a unit, or a kind of unit and its level."))
            )
        try:
            rule.priority = int(raw["priority"] or 0)
        except ValueError:
            problems.append(problem(line, "priority", _("The priority is a whole number.")))
        return (None if problems else rule), problems

    return read_rows(
        text, list(ROUTING_COLUMNS), parse, refused=_("The routing file has problems.")
    )


@transaction.atomic
def do_import_routing_rules(rules: list[RoutingRule], *, actor) -> dict:
    """Replace the routing table with the file's rules."""
    _catalogue_changed()
    removed, _by_model = RoutingRule.objects.all().delete()
    RoutingRule.objects.bulk_create(rules)
    audit.record(
        "events.import_routing_rules",
        actor=actor,
        summary=_("%(n)d routing rules imported") % {"n": len(rules)},
        changes={"removed": removed, "created": len(rules)},
    )
    return {"removed": removed, "created": len(rules)}


def load_default_catalogue(*, actor) -> None:
    do_import_categories(read_category_csv(DEFAULT_CATEGORIES.read_text("utf-8")), actor=actor)
    do_import_routing_rules(read_routing_csv(DEFAULT_ROUTING.read_text("utf-8")), actor=actor)


# --- Editing one row (the admin's forms call these) ---------------------------------------


@transaction.atomic
def do_save_category(category: EventCategory, *, actor) -> EventCategory:
    """Create or change one category; two levels at most, positive limits."""
    _catalogue_changed()
    if category.parent_id and category.parent.parent_id:
        raise InvalidInput(_("Only two levels are allowed."))
    if any(getattr(category, f) is None or getattr(category, f) <= 0 for f in STEP_FIELDS):
        raise InvalidInput(_("Give a number of working hours."))
    created = category.pk is None
    category.save()
    audit.record(
        "events.create_category" if created else "events.change_category",
        actor=actor,
        target=category,
        summary=str(category),
        changes={f: getattr(category, f) for f in ("code", "name", *STEP_FIELDS)},
    )
    return category


@transaction.atomic
def do_save_routing_rule(rule: RoutingRule, *, actor) -> RoutingRule:
    _catalogue_changed()
    if rule.unit_id is None and not (rule.unit_kind and rule.unit_level):
        raise InvalidInput(_("Name a unit, or a kind of unit and its level."))
    created = rule.pk is None
    rule.save()
    audit.record(
        "events.create_routing_rule" if created else "events.change_routing_rule",
        actor=actor,
        target=rule,
        summary=str(rule),
    )
    return rule


@transaction.atomic
def do_delete_routing_rule(rule: RoutingRule, *, actor) -> None:
    _catalogue_changed()
    audit.record("events.delete_routing_rule", actor=actor, target=rule, summary=str(rule))
    rule.delete()
