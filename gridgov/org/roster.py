"""The roster (花名册) as a file: units and their staff with posts, in Excel (.xlsx) or CSV.

One row is a person and their post, with the unit they work for; a unit the database does not
know yet is described by the department columns of its first row (a row without a name adds a
unit alone). People are recognised by ID number, else by employee number, so importing the same
file again changes nothing. Every row is checked and every problem reported by the sheet's row
number and column; nothing is written while any row has a problem unless bad rows are skipped.

Logins named in the file are created without a password: hashing thousands of initial
passwords with Argon2 takes about half a second each, so each person gets a signed, expiring,
one-time invitation link instead (`accounts.invitations`), downloadable once by the importer.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.csvfiles import file_records, parse_records
from gridgov.core.csvfiles import problem as file_problem
from gridgov.core.errors import InvalidInput
from gridgov.core.pii import digest, mask_id_number, mask_phone
from gridgov.regions.models import Region

from .actions import StaffData, _new_staff, check_manages, check_staff_data
from .choices import DepartmentKind, Role
from .models import Department, Staff

DEPT_CODE = "部门编码"
DEPT_NAME = "部门名称"
DEPT_KIND = "部门类型"
DEPT_REGION = "部门区域代码"
DEPT_PARENT = "上级部门编码"
ENFORCEMENT = "执法机构"
NAME = "姓名"
EMPLOYEE = "工号"
ID_NUMBER = "身份证号"
PHONE = "手机号"
ROLE = "角色"
POSTING = "岗位区域代码"
USERNAME = "用户名"
COLUMNS = [DEPT_CODE, DEPT_NAME, DEPT_KIND, DEPT_REGION, DEPT_PARENT, ENFORCEMENT,
           NAME, EMPLOYEE, ID_NUMBER, PHONE, ROLE, POSTING, USERNAME]  # fmt: skip
PERSON_COLUMNS = [NAME, EMPLOYEE, ID_NUMBER, PHONE, ROLE, POSTING, USERNAME]
# Which column a problem of `check_staff_data` belongs to.
FIELD_COLUMNS = {"name": NAME, "role": ROLE, "region": POSTING, "department": DEPT_CODE,
                 "phone": PHONE, "id_number": ID_NUMBER, "employee_number": EMPLOYEE}  # fmt: skip
YES = {"是", "yes", "y", "true", "1"}
NO = {"否", "no", "n", "false", "0", ""}
ROLE_ALIASES = {"执法人员": Role.OFFICER, "部门人员": Role.OFFICER}
USERNAME_PATTERN = re.compile(r"^[\w.@+-]{1,150}$")
# Matching existing people: one query per this many digests (under every database's limit).
CHUNK = 2000


def _in_chinese(choices) -> dict[str, str]:
    """A label's Chinese name (the file's vocabulary whatever the page language) and the
    stored value itself, each to the value."""
    with translation.override("zh-hans"):
        named = {str(label): value for value, label in choices}
    return {**named, **{value: value for value, _label in choices}}


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    region: Region
    parent_code: str
    is_enforcement: bool


@dataclass(frozen=True)
class PersonRow:
    row: int
    data: StaffData
    department_code: str
    username: str
    id_digest: str = field(default="", compare=False)


@dataclass(frozen=True)
class RosterRow:
    row: int
    unit: UnitRow | None
    person: PersonRow | None


def problem(row, column: str, reason) -> dict:
    return file_problem(row, column, str(reason), where="row")


def read_roster_file(
    data: bytes, filename: str, area: Region, *, progress: Callable[[int], None] | None = None
) -> tuple[list[RosterRow], list[dict]]:
    """The good rows of a roster file for `area` and the problems of the others."""
    records = file_records(data, filename)
    if progress is not None:
        records = _counted(records, progress)
    return parse_records(records, COLUMNS, _RowParser(area), check=check_rows, where="row")


def _counted(records: Iterable, progress: Callable[[int], None]) -> Iterator:
    for count, record in enumerate(records):
        if count and count % 1000 == 0:
            progress(count)
        yield record


class _RowParser:
    def __init__(self, area: Region):
        self.area = area
        self.regions = {
            r.code: r for r in Region.objects.filter(**{area.level: area.pk}).defer("boundary")
        }
        self.units = {d.code: d for d in Department.objects.select_related("region")}
        self.pending: dict[str, Department] = {}  # units the file adds, unsaved
        self.roles = {
            **_in_chinese(Role.choices),
            "执法人员": Role.OFFICER,
            "部门人员": Role.OFFICER,
        }
        self.kinds = _in_chinese(DepartmentKind.choices)

    def __call__(self, row: int, cells: list[str]):
        raw = dict(zip(COLUMNS, cells, strict=True))
        problems: list[dict] = []

        def refuse(column, reason):
            problems.append(problem(row, column, reason))

        unit = self.unit(row, raw, refuse)
        person = None
        if any(raw[c] for c in PERSON_COLUMNS):
            person = self.person(row, raw, refuse)
        elif not raw[DEPT_CODE]:
            refuse(NAME, _("a row names a person, a unit, or both"))
        if problems:
            return None, problems
        return RosterRow(row, unit, person), []

    def unit(self, row, raw, refuse) -> UnitRow | None:
        """The unit a row adds, or None when it names a known unit (or none)."""
        code = raw[DEPT_CODE]
        if not code or code in self.units:
            return None
        if len(code) > 32 or any(c.isspace() for c in code):
            refuse(DEPT_CODE, _("a code of 1 to 32 characters, no spaces"))
            return None
        if not raw[DEPT_NAME] and code not in self.pending:
            refuse(DEPT_CODE, _("unknown unit %(code)s: give its name, kind and region to add it")
                   % {"code": code})  # fmt: skip
            return None
        if not raw[DEPT_NAME]:
            return None  # described on an earlier row
        kind = self.kinds.get(raw[DEPT_KIND])
        if kind is None:
            refuse(DEPT_KIND, _("unknown kind %(kind)r") % {"kind": raw[DEPT_KIND]})
        region = self.regions.get(raw[DEPT_REGION])
        if region is None:
            refuse(DEPT_REGION, _("no region %(code)s in this area") % {"code": raw[DEPT_REGION]})
        if len(raw[DEPT_NAME]) > 100:
            refuse(DEPT_NAME, _("a name of 1 to 100 characters"))
        enforcement = raw[ENFORCEMENT].lower()
        if enforcement not in YES | NO:
            refuse(ENFORCEMENT, _("是 or 否"))
        if kind is None or region is None or len(raw[DEPT_NAME]) > 100:
            return None
        self.pending.setdefault(code, Department(code=code, region=region, path=""))
        return UnitRow(
            row, code, raw[DEPT_NAME], kind, region, raw[DEPT_PARENT], enforcement in YES
        )

    def person(self, row, raw, refuse) -> PersonRow | None:
        role = self.roles.get(raw[ROLE])
        region = self.regions.get(raw[POSTING])
        department = None
        if raw[DEPT_CODE]:
            department = self.units.get(raw[DEPT_CODE]) or self.pending.get(raw[DEPT_CODE])
        if role is None:
            refuse(ROLE, _("unknown role %(role)r") % {"role": raw[ROLE]})
        if region is None:
            refuse(POSTING, _("no region %(code)s in this area") % {"code": raw[POSTING]})
        if not raw[ID_NUMBER] and not raw[EMPLOYEE]:
            refuse(ID_NUMBER, _("an ID number or an employee number is required"))
        if raw[USERNAME] and not USERNAME_PATTERN.match(raw[USERNAME]):
            refuse(USERNAME, _("letters, digits and @.+-_ only, at most 150"))
        if role is None or region is None:
            return None
        data = StaffData(
            name=raw[NAME],
            role=role,
            region=region,
            department=department,
            phone=raw[PHONE],
            id_number=raw[ID_NUMBER],
            employee_number=raw[EMPLOYEE],
        )
        found = check_staff_data(data)
        for item in found:
            refuse(FIELD_COLUMNS.get(item["field"], ""), item["reason"])
        if found:
            return None
        id_digest = digest(raw[ID_NUMBER]) if raw[ID_NUMBER] else ""
        return PersonRow(row, data, raw[DEPT_CODE], raw[USERNAME], id_digest)


def check_rows(rows: list[RosterRow]) -> list[dict]:
    """Problems across rows: one person, employee number or username twice; a unit added
    twice differently; a parent unit that is nowhere."""
    problems = []
    seen: dict[tuple, int] = {}
    units = {r.unit.code: r.unit for r in rows if r.unit is not None}
    known = set(Department.objects.filter(code__in=_parents(units)).values_list("code", flat=True))
    refused_units: set[str] = set()
    for r in rows:
        if r.unit is not None:
            first = seen.setdefault(("unit", r.unit.code), r.row)
            if first != r.row and units[r.unit.code] != r.unit:
                problems.append(problem(r.row, DEPT_CODE, _("described differently on row %(n)d")
                                        % {"n": first}))  # fmt: skip
            parent = r.unit.parent_code
            if parent and parent not in units and parent not in known:
                problems.append(
                    problem(r.row, DEPT_PARENT, _("no unit %(code)s") % {"code": parent})
                )
                refused_units.add(r.unit.code)
    for r in rows:
        if r.person is None:
            continue
        if r.person.department_code in refused_units:
            problems.append(problem(r.row, DEPT_CODE, _("the unit %(code)s cannot be added")
                                    % {"code": r.person.department_code}))  # fmt: skip
        for key, column, value in (
            ("id", ID_NUMBER, r.person.id_digest),
            ("employee", EMPLOYEE, r.person.data.employee_number),
            ("username", USERNAME, r.person.username),
        ):
            if not value:
                continue
            first = seen.setdefault((key, value), r.row)
            if first != r.row:
                problems.append(problem(r.row, column, _("also on row %(n)d") % {"n": first}))
    return problems


def _parents(units: dict[str, UnitRow]) -> set[str]:
    return {u.parent_code for u in units.values() if u.parent_code}


# --- The import ------------------------------------------------------------------------------


@dataclass
class _Plan:
    units: list[UnitRow] = field(default_factory=list)
    new: list[PersonRow] = field(default_factory=list)
    changed: list[tuple[PersonRow, Staff]] = field(default_factory=list)
    logins: list[tuple[PersonRow, Staff | None]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[dict] = field(default_factory=list)


def import_roster_file(
    data: bytes,
    filename: str,
    *,
    area: Region,
    actor,
    skip_bad_rows: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Read a roster file and import it (see do_import_roster)."""
    check_manages(actor, area)
    report = progress or (lambda message: None)
    rows, problems = read_roster_file(
        data,
        filename,
        area,
        progress=lambda n: report(_("Checking: %(n)d rows read") % {"n": n}),
    )
    report(_("Writing %(n)d rows") % {"n": len(rows)})
    return do_import_roster(
        area, rows, actor=actor, skip_bad_rows=skip_bad_rows, file_problems=problems
    )


@transaction.atomic
def do_import_roster(
    area: Region,
    rows: list[RosterRow],
    *,
    actor,
    skip_bad_rows: bool = False,
    file_problems: Iterable[dict] = (),
) -> dict:
    """Bring the area's units and staff in line with checked roster rows, all or nothing (or
    without the bad rows when `skip_bad_rows`). A person found by ID number or employee number
    is updated where the file differs and otherwise left alone; the others are created, with
    a login (no password, an invitation) when the row names a username. One audit row."""
    check_manages(actor, area)
    plan = _plan(rows)
    problems = sorted([*file_problems, *plan.problems], key=lambda p: p.get("row") or 0)
    if problems and not skip_bad_rows:
        raise InvalidInput(_("The roster has problems; nothing was imported."), details=problems)
    bad = {p.get("row") for p in plan.problems}  # a refused login leaves the row's unit be
    units = _write_units(plan.units)
    invited = _write_logins([(p, s) for p, s in plan.logins if p.row not in bad])
    created = _write_people([p for p in plan.new if p.row not in bad], units, invited)
    updated = _update_people([(p, s) for p, s in plan.changed if p.row not in bad], units)
    for person, staff in plan.logins:
        if staff is not None and person.row not in bad:
            Staff.objects.filter(pk=staff.pk).update(user=invited[person.row])
    summary = {
        "rows": len(rows) + len({p.get("row") for p in file_problems}),
        "units_created": len(units),
        "staff_created": len(created),
        "staff_updated": len(updated),
        "unchanged": plan.unchanged,
        "logins_created": len(invited),
        "rows_skipped": len({p.get("row") for p in problems}),
    }
    audit.record(
        "org.roster.import",
        actor=actor,
        target=area,
        summary=_("%(area)s: %(n)d roster rows imported") % {"area": area.name, "n": len(rows)},
        changes={
            **summary,
            # Per row, what became of it (no personal values): the import's own record.
            "created_rows": [p.row for p in created],
            "updated_rows": [p.row for p in updated],
            "units": sorted(units),
        },
    )
    return {**summary, "problems": problems, "invited": [u.pk for u in invited.values()]}


def _plan(rows: list[RosterRow]) -> _Plan:
    plan = _Plan(units=[r.unit for r in rows if r.unit is not None])
    people = [r.person for r in rows if r.person is not None]
    by_id, by_employee = _existing(people)
    usernames = _taken_usernames([p.username for p in people if p.username])
    for person in people:
        staff = by_id.get(person.id_digest) or by_employee.get(person.data.employee_number)
        wants_login = bool(person.username) and (staff is None or staff.user_id is None)
        if wants_login and person.username in usernames:
            plan.problems.append(problem(person.row, USERNAME, _("the username %(u)s is taken")
                                         % {"u": person.username}))  # fmt: skip
            continue
        if staff is None:
            plan.new.append(person)
        elif _differs(person, staff):
            plan.changed.append((person, staff))
        else:
            plan.unchanged += 1
        if wants_login:
            plan.logins.append((person, staff))
    return plan


def _existing(people: list[PersonRow]) -> tuple[dict, dict]:
    """Stored staff by ID-number digest and by employee number (their first post)."""
    digests = [p.id_digest for p in people if p.id_digest]
    numbers = [p.data.employee_number for p in people if p.data.employee_number]
    by_id, by_employee = {}, {}
    base = Staff.objects.select_related("department").order_by("pk")
    for start in range(0, len(digests), CHUNK):
        for staff in base.filter(id_number_digest__in=digests[start : start + CHUNK]):
            by_id.setdefault(staff.id_number_digest, staff)
    for start in range(0, len(numbers), CHUNK):
        for staff in base.filter(employee_number__in=numbers[start : start + CHUNK]):
            by_employee.setdefault(staff.employee_number, staff)
    return by_id, by_employee


def _taken_usernames(names: list[str]) -> set[str]:
    User = get_user_model()
    taken = set()
    for start in range(0, len(names), CHUNK):
        chunk = names[start : start + CHUNK]
        taken |= set(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    return taken


PERSON_FIELDS = ("name", "phone", "id_number", "employee_number")


def _differs(person: PersonRow, staff: Staff) -> bool:
    fresh = _new_staff(person.data)
    post = (staff.role, staff.region_id, staff.department.code if staff.department else "")
    return post != (fresh.role, fresh.region.pk, person.department_code) or any(
        getattr(fresh, f) != getattr(staff, f) for f in PERSON_FIELDS if getattr(fresh, f)
    )


def _write_units(units: list[UnitRow]) -> dict[str, Department]:
    """Create the new units, parents first; their paths need their ids."""
    created: dict[str, Department] = {}
    waiting = {u.code: u for u in units}
    while waiting:
        ready = [u for u in waiting.values() if not u.parent_code or u.parent_code not in waiting]
        if not ready:
            raise InvalidInput(_("The units' parents form a loop."))
        for unit in ready:
            parent = created.get(unit.parent_code) or (
                Department.objects.filter(code=unit.parent_code).first()
                if unit.parent_code
                else None
            )
            department = Department.objects.create(
                code=unit.code,
                name=unit.name,
                kind=unit.kind,
                region=unit.region,
                parent=parent,
                is_enforcement=unit.is_enforcement,
            )
            department.path = f"{parent.path if parent else '/'}{department.pk}/"
            department.save(update_fields=["path"])
            created[unit.code] = department
            del waiting[unit.code]
    return created


def _write_logins(logins: list[tuple[PersonRow, Staff | None]]) -> dict:
    """Logins without a usable password (the invitation sets it), by row."""
    User = get_user_model()
    users = [User(username=person.username, password=make_password(None)) for person, _s in logins]
    User.objects.bulk_create(users, batch_size=1000)
    if users and users[0].pk is None:  # a database that does not return ids
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list(
                "username", "pk"
            )
        )
        for user in users:
            user.pk = ids[user.username]
    return {person.row: user for (person, _s), user in zip(logins, users, strict=True)}


def _department(code: str, units: dict[str, Department]) -> Department | None:
    if not code:
        return None
    return units.get(code) or Department.objects.get(code=code)


def _write_people(people: list[PersonRow], units: dict, invited: dict) -> list[PersonRow]:
    known = {}
    rows = []
    for person in people:
        code = person.department_code
        if code and code not in known:
            known[code] = _department(code, units)
        staff = _new_staff(person.data)
        staff.department = known.get(code)
        staff.user = invited.get(person.row)
        rows.append(staff)
    Staff.objects.bulk_create(rows, batch_size=1000)
    return people


def _update_people(changed: list[tuple[PersonRow, Staff]], units: dict) -> list[PersonRow]:
    """Few rows change on a re-import: saved one by one so that the digests follow."""
    for person, staff in changed:
        fresh = _new_staff(person.data)
        staff.role, staff.region = fresh.role, fresh.region
        staff.department = _department(person.department_code, units)
        for name in PERSON_FIELDS:
            if getattr(fresh, name):
                setattr(staff, name, getattr(fresh, name))
        staff.save()
    return [person for person, _staff in changed]


# --- The files people download ---------------------------------------------------------------


def template_rows() -> list[list[str]]:
    """Two example rows: a unit the file adds with its first officer, and a grid worker."""
    return [
        ["330402-DSJ", "南湖区大数据发展管理局", "其他", "330402", "", "否",
         "张伟", "NH0001", "33040219900101006X", "13912345678", "部门/执法人员", "330402",
         "zhangwei"],
        ["", "", "", "", "", "", "李娜", "NH0002", "", "13812345678", "网格员",
         "330402013001001", ""],
    ]  # fmt: skip


def export_rows(staff: Iterable[Staff]) -> Iterator[list[str]]:
    """The roster as people may read it: phones and ID numbers masked."""
    with translation.override("zh-hans"):
        for s in staff:
            unit = s.department
            yield [
                unit.code if unit else "",
                unit.name if unit else "",
                str(unit.get_kind_display()) if unit else "",
                unit.region.code if unit else "",
                unit.parent.code if unit and unit.parent else "",
                ("是" if unit.is_enforcement else "否") if unit else "",
                s.name,
                s.employee_number,
                mask_id_number(s.id_number) if s.id_number else "",
                mask_phone(s.phone) if s.phone else "",
                str(s.get_role_display()),
                s.region.code,
                s.user.username if s.user_id else "",
            ]
