"""The write paths of the power-item catalogue: imports and transfers. Pages, the API, the
commands and the demo all call these."""

import datetime
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.bulk import update_rows
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted
from gridgov.org.choices import Capability
from gridgov.org.models import Department
from gridgov.org.roles import has_capability
from gridgov.org.scoping import scope_of
from gridgov.regions.models import Region

from .files import EFFECTIVE_FROM, STATUS_NAMES, PowerRow, problem, read_power_item_file
from .models import PowerItem, PowerItemVersion
from .selectors import covers, versions_in_effect

MAX_TRANSFER_ITEMS = 5000
MAX_DOCUMENT = PowerItemVersion._meta.get_field("document_number").max_length


def _check_may_manage(actor, jurisdiction: Region) -> None:
    """People need the capability and the jurisdiction inside their area; the platform's own
    commands and the demo (not a user) may always."""
    if not isinstance(actor, models.Model):
        return
    if not has_capability(actor, Capability.MANAGE_POWERS):
        raise NotPermitted(_("Your role may not change the power-item catalogue."))
    if not scope_of(actor).covers_region(jurisdiction):
        raise NotPermitted(
            _("%(area)s is outside your area.") % {"area": jurisdiction.name},
        )


def _user(actor):
    return actor if isinstance(actor, models.Model) else None


# --- Import -------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    new_items: dict[str, PowerItem] = field(default_factory=dict)
    changed_items: dict[str, PowerItem] = field(default_factory=dict)
    versions: list[tuple[str, PowerRow]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[dict] = field(default_factory=list)


def import_power_item_file(
    data: bytes, filename: str, *, jurisdiction: Region, actor, skip_bad_rows: bool = False
) -> dict:
    """Read a catalogue file and import it (see do_import_power_items)."""
    _check_may_manage(actor, jurisdiction)
    rows, problems = read_power_item_file(data, filename, jurisdiction)
    return do_import_power_items(
        jurisdiction, rows, actor=actor, skip_bad_rows=skip_bad_rows, file_problems=problems
    )


@transaction.atomic
def do_import_power_items(
    jurisdiction: Region,
    rows: list[PowerRow],
    *,
    actor,
    skip_bad_rows: bool = False,
    file_problems: Iterable[dict] = (),
) -> dict:
    """Bring a jurisdiction's catalogue in line with checked rows.

    Per code the item is created, or its name, kind and legal basis updated. Per row, when the
    item's version in effect on the row's date already has that holder and status nothing
    happens — so importing a file twice changes nothing —, otherwise a new version starts on
    that date. A different holder or status on a date that already has a version is a problem
    (record it from another date). With any problem, the file's included, nothing is written —
    unless `skip_bad_rows`: then the other rows are, and the problems come back in the summary.
    Items the file does not mention are left as they are.
    """
    _check_may_manage(actor, jurisdiction)
    plan = _plan_import(jurisdiction, rows)
    problems = sorted([*file_problems, *plan.problems], key=lambda p: p.get("row") or 0)
    if problems and not skip_bad_rows:
        raise InvalidInput(
            _("The catalogue file has problems; nothing was imported."), details=problems
        )
    try:
        with transaction.atomic():
            created = _write_import(jurisdiction, plan, actor)
    except IntegrityError:
        raise Conflict(
            _("Someone changed this catalogue meanwhile; import the file again.")
        ) from None
    summary = {
        "rows": len(rows) + len({p.get("row") for p in file_problems}),
        "items_created": len(plan.new_items),
        "items_updated": len(plan.changed_items),
        "versions_created": created,
        "unchanged": plan.unchanged,
        "rows_skipped": len({p.get("row") for p in problems}),
    }
    audit.record(
        "powers.import",
        actor=actor,
        target=jurisdiction,
        summary=_("%(area)s: %(n)d catalogue rows imported")
        % {"area": jurisdiction.name, "n": len(rows)},
        changes=summary,
    )
    return {**summary, "problems": problems}


def _plan_import(jurisdiction: Region, rows: list[PowerRow]) -> ImportPlan:
    plan = ImportPlan()
    items = {i.code: i for i in PowerItem.objects.filter(jurisdiction=jurisdiction)}
    history = defaultdict(list)  # code -> sorted [(day, department id, status)]
    stored = PowerItemVersion.objects.filter(item__jurisdiction=jurisdiction).values_list(
        "item__code", "effective_from", "department_id", "status"
    )
    for code, day, department_id, status in stored.order_by():
        insort(history[code], (day, department_id, status))
    clashes = []
    by_code = defaultdict(list)
    for row in rows:
        by_code[row.code].append(row)
    for code, item_rows in by_code.items():
        good = []
        for row in sorted(item_rows, key=lambda r: r.effective_from):
            versions = history[code]
            current = _in_effect(versions, row.effective_from)
            if current is not None and current[1:] == (row.department.pk, row.status):
                plan.unchanged += 1
                good.append(row)
                continue
            same_day = next((v for v in versions if v[0] == row.effective_from), None)
            if same_day is not None:
                clashes.append((row, same_day))
                continue
            insort(versions, (row.effective_from, row.department.pk, row.status))
            plan.versions.append((code, row))
            good.append(row)
        if good:
            _plan_item(plan, items.get(code), good[-1], jurisdiction)
    plan.problems = _same_day_problems(clashes)
    return plan


def _in_effect(versions: list[tuple], day: datetime.date):
    current = None
    for version in versions:
        if version[0] > day:
            break
        current = version
    return current


def _plan_item(plan: ImportPlan, item: PowerItem | None, row: PowerRow, jurisdiction) -> None:
    values = {"name": row.name, "kind": row.kind, "legal_basis": row.legal_basis}
    if item is None:
        plan.new_items[row.code] = PowerItem(jurisdiction=jurisdiction, code=row.code, **values)
    elif any(getattr(item, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(item, k, v)
        plan.changed_items[row.code] = item


def _same_day_problems(clashes: list[tuple]) -> list[dict]:
    if not clashes:
        return []
    units = {version[1] for _row, version in clashes}
    labels = dict(Department.objects.filter(pk__in=units).values_list("pk", "name"))
    return [
        problem(
            row.row,
            EFFECTIVE_FROM,
            _(
                "%(code)s already has a version from %(day)s (%(unit)s, %(status)s); "
                "record the change from another date"
            )
            % {
                "code": row.code,
                "day": row.effective_from,
                "unit": labels.get(day_version[1], ""),
                "status": STATUS_NAMES.get(day_version[2], day_version[2]),
            },
        )
        for row, day_version in clashes
    ]


def _write_import(jurisdiction: Region, plan: ImportPlan, actor) -> int:
    PowerItem.objects.bulk_create(plan.new_items.values(), batch_size=1000)
    update_rows(
        PowerItem,
        ["name", "kind", "legal_basis"],
        [(i.name, i.kind, i.legal_basis, i.pk) for i in plan.changed_items.values()],
    )
    ids = dict(PowerItem.objects.filter(jurisdiction=jurisdiction).values_list("code", "pk"))
    versions = [
        PowerItemVersion(
            item_id=ids[code],
            effective_from=row.effective_from,
            department=row.department,
            status=row.status,
            document_number=row.document_number,
            recorded_by=_user(actor),
        )
        for code, row in plan.versions
    ]
    PowerItemVersion.objects.bulk_create(versions, batch_size=2000)
    return len(versions)


# --- Transfer -----------------------------------------------------------------------------


@transaction.atomic
def do_transfer_power_items(
    items: Iterable[PowerItem],
    *,
    to_department: Department,
    effective_from: datetime.date,
    document_number: str,
    actor,
    note: str = "",
) -> list[PowerItemVersion]:
    """Hand items to another unit from a date (划转, e.g. to the comprehensive enforcement
    bureau), on the authority of a document: each item gets a new version with the new holder
    and the status it had. Refused, before anything is written, for a unit outside an item's
    jurisdiction, an item that already has a version on that date or that the unit already
    holds then, an item not yet in the catalogue then, or without a document number."""
    document_number = (document_number or "").strip()
    pks = sorted({item.pk for item in items})
    _check_transfer_input(pks, to_department, effective_from, document_number, note)
    locked = list(
        PowerItem.objects.select_for_update()
        .select_related("jurisdiction")
        .filter(pk__in=pks)
        .order_by("pk")
    )
    for jurisdiction in {item.jurisdiction for item in locked}:
        _check_may_manage(actor, jurisdiction)
    current = {
        v.item_id: v
        for v in versions_in_effect(effective_from)
        .filter(item__in=locked)
        .select_related("department")
    }
    _check_transfer_items(locked, current, to_department, effective_from)
    versions = [
        PowerItemVersion(
            item=item,
            effective_from=effective_from,
            department=to_department,
            status=current[item.pk].status,
            document_number=document_number,
            note=note.strip(),
            recorded_by=_user(actor),
        )
        for item in locked
    ]
    try:
        with transaction.atomic():
            PowerItemVersion.objects.bulk_create(versions)
    except IntegrityError:
        raise Conflict(_("Some of these items got a version on that date meanwhile.")) from None
    audit.record(
        "powers.transfer",
        actor=actor,
        target=to_department,
        summary=_("%(n)d power items to %(unit)s from %(day)s (%(doc)s)")
        % {"n": len(locked), "unit": to_department.name, "day": effective_from,
           "doc": document_number},
        changes={
            "effective_from": effective_from.isoformat(),
            "document_number": document_number,
            "to": to_department.code,
            "from": dict(Counter(current[i.pk].department.code for i in locked)),
            "items": [item.code for item in locked],
        },
    )  # fmt: skip
    return versions


def _check_transfer_input(pks, to_department, effective_from, document_number, note) -> None:
    problems = []
    if not pks:
        problems.append({"field": "items", "message": _("Choose the items to transfer.")})
    elif len(pks) > MAX_TRANSFER_ITEMS:
        problems.append(
            {"field": "items", "message": _("At most 5000 items per transfer.")},
        )
    if not document_number:
        problems.append(
            {"field": "document_number", "message": _("A transfer needs its document number.")}
        )
    elif len(document_number) > MAX_DOCUMENT:
        problems.append(
            {"field": "document_number", "message": _("at most 64 characters")},
        )
    if not isinstance(effective_from, datetime.date):
        problems.append({"field": "effective_from", "message": _("Give the date it takes effect.")})
    if len(note) > 255:
        problems.append({"field": "note", "message": _("at most 255 characters")})
    if to_department is None or not to_department.is_active:
        problems.append({"field": "to_department", "message": _("Choose an active unit.")})
    if problems:
        raise InvalidInput(problems[0]["message"], details=problems)


def _check_transfer_items(items, current, to_department, effective_from) -> None:
    outside, missing, held, clash = [], [], [], []
    for item in items:
        version = current.get(item.pk)
        if not covers(item.jurisdiction, to_department):
            outside.append(item.code)
        elif version is None:
            missing.append(item.code)
        elif version.effective_from == effective_from:
            clash.append(item.code)
        elif version.department_id == to_department.pk:
            held.append(item.code)
    if outside:
        raise InvalidInput(
            _("%(unit)s works outside the jurisdiction of these items.")
            % {"unit": to_department.name},
            details=[{"field": "to_department", "item": code} for code in outside],
        )
    if clash:
        raise Conflict(
            _("These items already have a version from %(day)s.") % {"day": effective_from},
            details=[{"field": "effective_from", "item": code} for code in clash],
        )
    if missing:
        raise InvalidInput(
            _("These items are not in the catalogue yet on %(day)s.") % {"day": effective_from},
            details=[{"field": "items", "item": code} for code in missing],
        )
    if held:
        raise InvalidInput(
            _("%(unit)s already holds these items on %(day)s.")
            % {"unit": to_department.name, "day": effective_from},
            details=[{"field": "items", "item": code} for code in held],
        )
