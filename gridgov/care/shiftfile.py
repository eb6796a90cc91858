"""Shifts as a file (值守排班表), Excel or CSV: one row per shift.

A person is recognised by employee number, else by mobile number, and the name must match; a
post by its code. Every row is checked — the period, the person and post in the importer's
area, overlaps with the person's other shifts in the file and already stored, forced-rest
orders in force — and every problem reported by row and column. Nothing is written while any
row has a problem unless bad rows are skipped. A row already stored as it is (same person,
post and times) is counted as unchanged, so importing a file again adds nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.csvfiles import file_records, parse_records
from gridgov.core.csvfiles import problem as file_problem
from gridgov.core.errors import InvalidInput
from gridgov.core.pii import digest
from gridgov.org.models import Staff
from gridgov.regions.models import Region

from .actions import check_period, new_shift, orders_in_force, parse_moment, refusal
from .models import DutyPost, Shift

POST = "点位编码"
NAME = "姓名"
EMPLOYEE = "工号"
PHONE = "手机号"
START = "开始时间"
END = "结束时间"
COLUMNS = [POST, NAME, EMPLOYEE, PHONE, START, END]
FIELD_COLUMNS = {"starts_at": START, "ends_at": END}
CHUNK = 2000


@dataclass(frozen=True)
class ShiftRow:
    row: int
    staff: Staff
    post: DutyPost
    starts_at: object
    ends_at: object


class _RowParser:
    """Reads one row against the area's posts and staff (loaded once, by code and number)."""

    def __init__(self, area: Region, now):
        self.now = now
        within = {area.level: area.pk}
        self.posts = {p.code: p for p in DutyPost.objects.filter(is_active=True, **within)}
        staff = Staff.objects.filter(is_active=True, **{f"region__{area.level}": area.pk})
        staff = staff.only("pk", "name", "employee_number", "phone_digest", "region_id")
        self.by_number = {s.employee_number: s for s in staff if s.employee_number}
        self.by_phone = {s.phone_digest: s for s in staff if s.phone_digest}

    def __call__(self, row: int, cells: list[str]):
        raw = dict(zip(COLUMNS, cells, strict=True))
        problems: list[dict] = []

        def refuse(column, reason):
            problems.append(file_problem(row, column, str(reason), where="row"))

        post = self.posts.get(raw[POST])
        if post is None:
            refuse(POST, _("No active duty post of this area has this code."))
        staff = self.person(raw, refuse)
        found: list[dict] = []
        starts_at = parse_moment(raw[START], "starts_at", found)
        ends_at = parse_moment(raw[END], "ends_at", found)
        check_period(starts_at, ends_at, self.now, found)
        for p in found:
            refuse(FIELD_COLUMNS[p["field"]], p["message"])
        if problems:
            return None, problems
        return ShiftRow(row, staff, post, starts_at, ends_at), []

    def person(self, raw, refuse) -> Staff | None:
        staff = None
        if raw[EMPLOYEE]:
            staff = self.by_number.get(raw[EMPLOYEE])
        elif raw[PHONE]:
            staff = self.by_phone.get(digest(raw[PHONE]))
        else:
            refuse(EMPLOYEE, _("Give the employee number or the mobile number."))
            return None
        if staff is None:
            refuse(EMPLOYEE, _("No active staff member of this area has this number."))
        elif staff.name != raw[NAME]:
            refuse(
                NAME, _("The name does not match the number's (%(name)s).") % {"name": staff.name}
            )
            return None
        return staff


def _overlaps_in_file(rows: list[ShiftRow]) -> list[dict]:
    """Two rows of one person that overlap: the later row is refused."""
    problems = []
    by_person = defaultdict(list)
    for r in rows:
        by_person[r.staff.pk].append(r)
    for mine in by_person.values():
        mine.sort(key=lambda r: (r.starts_at, r.row))
        for before, after in pairwise(mine):
            if after.starts_at < before.ends_at:
                problems.append(
                    file_problem(
                        after.row,
                        START,
                        _("Overlaps row %(row)d of the same person.") % {"row": before.row},
                        where="row",
                    )
                )
    return problems


def read_shift_file(data: bytes, filename: str, area: Region, *, now=None):
    """The good rows of a shift file for `area` and the problems of the others."""
    parser = _RowParser(area, now or timezone.now())
    return parse_records(
        file_records(data, filename), COLUMNS, parser, check=_overlaps_in_file, where="row"
    )


def _stored_conflicts(rows: list[ShiftRow]) -> tuple[list[ShiftRow], list[ShiftRow], list[dict]]:
    """Rows to add, rows already stored as they are, and the problems of those that clash
    with stored shifts or rest orders. Read under the people's row locks."""
    people = sorted({r.staff.pk for r in rows})
    start, end = min(r.starts_at for r in rows), max(r.ends_at for r in rows)
    stored, orders = defaultdict(list), defaultdict(list)
    for i in range(0, len(people), CHUNK):
        chunk = people[i : i + CHUNK]
        list(Staff.objects.select_for_update().filter(pk__in=chunk).values_list("pk"))
        near = Shift.objects.filter(staff_id__in=chunk, starts_at__lt=end, ends_at__gt=start)
        for s in near.select_related("post"):
            stored[s.staff_id].append(s)
        for o in orders_in_force(chunk, start, end):
            orders[o.staff_id].append(o)
    add, same, problems = [], [], []
    for r in rows:
        mine = stored[r.staff.pk]
        if any(
            (s.post_id, s.starts_at, s.ends_at) == (r.post.pk, r.starts_at, r.ends_at) for s in mine
        ):
            same.append(r)
            continue
        reason = refusal(r.staff.name, r.starts_at, r.ends_at, mine, orders[r.staff.pk])
        if reason:
            problems.append(file_problem(r.row, START, reason, where="row"))
        else:
            add.append(r)
    return add, same, problems


def import_shift_file(
    data: bytes, filename: str, *, area: Region, actor, skip_bad_rows=False, now=None
) -> dict:
    rows, problems = read_shift_file(data, filename, area, now=now)
    with transaction.atomic():
        add, same, clashes = _stored_conflicts(rows) if rows else ([], [], [])
        problems = problems + clashes
        if problems and not skip_bad_rows:
            raise InvalidInput(
                _("The shift file has problems; nothing was imported."), details=problems
            )
        Shift.objects.bulk_create(
            [new_shift(r.staff, r.post, r.starts_at, r.ends_at, actor=actor) for r in add],
            batch_size=1000,
        )
        summary = {
            "rows": len(rows) + len({p.get("row") for p in problems}),
            "created": len(add),
            "unchanged": len(same),
            "skipped": len({p.get("row") for p in problems}),
        }
        audit.record(
            "care.shift.import",
            actor=actor,
            target=area,
            summary=f"{filename}: {len(add)}",
            changes=summary,
        )
    return {**summary, "problems": problems} if problems else summary
