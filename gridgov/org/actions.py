"""Write paths for departments, staff and their accounts. Pages, API, admin and demo share them."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.actions import check_password, do_disable_login, do_enable_login
from gridgov.core import audit
from gridgov.core.bulk import update_rows
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted, field_problem
from gridgov.core.pii import EncryptedTextField, mask_name
from gridgov.core.validators import validate_id_number, validate_phone
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .choices import Capability, DepartmentKind, RevealPurpose, Role
from .models import Department, Staff
from .roles import has_capability
from .scoping import scope_of

# Where each role may be posted: a grid worker works in one grid, a dispatcher in a command
# centre of a town, county or city, and so on. Checked on every create and update.
ROLE_POSTING_LEVELS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset({RegionLevel.GRID}),
    Role.MICROGRID_LEADER: frozenset({RegionLevel.MICROGRID}),
    Role.DISPATCHER: frozenset({RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN}),
    Role.OFFICER: frozenset({RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN}),
    Role.SUPERVISOR: frozenset(
        {RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.VILLAGE}
    ),
    Role.LEADER: frozenset({RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN}),
    Role.ADMIN: frozenset({RegionLevel.CITY, RegionLevel.COUNTY}),
    Role.INTEGRATION: frozenset({RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN}),
}


@dataclass(frozen=True)
class StaffData:
    """Everything needed to create a staff member; checked by `check_staff_data`."""

    name: str
    role: str
    region: Region
    department: Department | None = None
    phone: str = ""
    id_number: str = ""
    employee_number: str = ""


def check_staff_data(data: StaffData) -> list[dict]:
    """Every problem with one staff record, as {field, reason}."""
    problems = []

    def add(field, reason):
        problems.append({"field": field, "reason": str(reason)})

    if not data.name.strip() or len(data.name) > 64:
        add("name", _("a name of 1 to 64 characters is required"))
    if data.role not in Role.values:
        add("role", _("unknown role %(role)r") % {"role": data.role})
    elif data.region.level not in ROLE_POSTING_LEVELS[data.role]:
        add(
            "region",
            _("a %(role)s cannot be posted to a %(level)s")
            % {"role": Role(data.role).label, "level": RegionLevel(data.region.level).label},
        )
    if len(data.employee_number.strip()) > 32:
        add("employee_number", _("an employee number has at most 32 characters"))
    if data.role == Role.OFFICER and data.department is None:
        add("department", _("an officer belongs to a department"))
    if data.department is not None and not _region_within(data.region, data.department.region):
        add(
            "region",
            _("%(region)s is outside the area of %(department)s")
            % {"region": data.region.name, "department": data.department.name},
        )
    for field, validator, value in (
        ("phone", validate_phone, data.phone),
        ("id_number", validate_id_number, data.id_number),
    ):
        if value:
            try:
                validator(value)
            except ValidationError as exc:
                add(field, exc.messages[0])
    return problems


def _region_within(region: Region, area: Region) -> bool:
    return area.contains(region)


def _raise_if(problems: list[dict], message: str) -> None:
    if problems:
        raise InvalidInput(message, details=problems)


def _new_staff(data: StaffData) -> Staff:
    return Staff(
        name=data.name.strip(),
        role=data.role,
        region=data.region,
        department=data.department,
        phone=data.phone.replace(" ", ""),
        id_number=data.id_number.strip().upper(),
        employee_number=data.employee_number.strip(),
    )


def check_manages(actor, region: Region) -> None:
    """A person acting — not a command, the demo or a test — needs the manage_staff capability
    and `region` inside their own area. Outside it, what they name does not exist for them
    (404, as for every out-of-scope read)."""
    if not isinstance(actor, models.Model):
        return
    if not has_capability(actor, Capability.MANAGE_STAFF):
        raise NotPermitted(_("Your role may not manage departments, staff or logins."))
    if not scope_of(actor).covers_region(region):
        raise NotFound(_("%(region)s is outside your area.") % {"region": region.name})


@transaction.atomic
def do_create_staff(data: StaffData, *, actor) -> Staff:
    check_manages(actor, data.region)
    _raise_if(check_staff_data(data), _("The staff record is not valid."))
    staff = _new_staff(data)
    staff.save()
    audit.record(
        "org.staff.create",
        actor=actor,
        target=staff,
        summary=f"{mask_name(staff.name)} ({staff.role}) @ {data.region.code}",
    )
    return staff


@transaction.atomic
def do_bulk_create_staff(rows: list[StaffData], *, actor) -> list[Staff]:
    """Create many staff at once (the demo); all rows are checked first."""
    for region in {data.region for data in rows}:
        check_manages(actor, region)
    problems = [
        {"row": number, **item}
        for number, data in enumerate(rows, start=1)
        for item in check_staff_data(data)
    ]
    _raise_if(problems, _("Some staff rows are not valid; nothing was created."))
    created = Staff.objects.bulk_create([_new_staff(data) for data in rows], batch_size=2000)
    audit.record(
        "org.staff.bulk_create",
        actor=actor,
        summary=f"{len(created)} staff created",
        changes={"count": len(created)},
    )
    return created


@transaction.atomic
def do_create_department(
    *, actor, code: str, name: str, kind: str, region: Region, parent=None, is_enforcement=False
) -> Department:
    check_manages(actor, region)
    _raise_if(_department_problems(code, name, kind), _("The department is not valid."))
    if Department.objects.filter(code=code).exists():
        raise InvalidInput(_("A department with code %(code)s already exists.") % {"code": code})
    if parent is not None and not _region_within(region, parent.region):
        raise InvalidInput(_("A sub-unit must work inside its parent unit's area."))
    department = Department.objects.create(
        code=code,
        name=name,
        kind=kind,
        region=region,
        parent=parent,
        is_enforcement=is_enforcement,
    )
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.save(update_fields=["path"])
    audit.record("org.department.create", actor=actor, target=department, summary=name)
    return department


def _department_problems(code: str, name: str, kind: str) -> list[dict]:
    problems = []
    if not code or len(code) > 32 or any(c.isspace() for c in code):
        problems.append({"field": "code", "reason": _("a code of 1 to 32 characters, no spaces")})
    if not name.strip() or len(name) > 100:
        problems.append({"field": "name", "reason": _("a name of 1 to 100 characters")})
    if kind not in DepartmentKind.values:
        problems.append({"field": "kind", "reason": _("unknown kind %(kind)r") % {"kind": kind}})
    return problems


@transaction.atomic
def do_update_department(
    department: Department, *, actor, name: str, kind: str, is_enforcement: bool
) -> Department:
    check_manages(actor, department.region)
    _raise_if(_department_problems(department.code, name, kind), _("The department is not valid."))
    before = {"name": department.name, "kind": department.kind, "enf": department.is_enforcement}
    department.name, department.kind = name.strip(), kind
    department.is_enforcement = is_enforcement
    department.save(update_fields=["name", "kind", "is_enforcement"])
    audit.record(
        "org.department.update",
        actor=actor,
        target=department,
        summary=department.name,
        changes={"before": before},
    )
    return department


@transaction.atomic
def do_set_department_active(department: Department, active: bool, *, actor) -> Department:
    """Close a unit (no active staff may remain in it or its sub-units) or open it again."""
    check_manages(actor, department.region)
    if department.is_active == active:
        return department
    if (
        not active
        and Staff.objects.filter(
            department__path__startswith=department.path, is_active=True
        ).exists()
    ):
        raise Conflict(_("Move or deactivate the unit's active staff first."))
    department.is_active = active
    department.save(update_fields=["is_active"])
    verb = "reactivate" if active else "deactivate"
    audit.record(f"org.department.{verb}", actor=actor, target=department, summary=department.name)
    return department


def _person_posts(staff: Staff):
    """Every post of the person `staff` is a post of: those sharing their login, or just it."""
    if staff.user_id is not None:
        return Staff.objects.filter(user_id=staff.user_id)
    return Staff.objects.filter(pk=staff.pk)


@transaction.atomic
def do_update_staff(staff: Staff, *, actor, name, phone, id_number, employee_number) -> Staff:
    """Correct a person's own details (on every post they hold); the post stays."""
    check_manages(actor, staff.region)
    data = StaffData(
        name=name,
        role=staff.role,
        region=staff.region,
        department=staff.department,
        phone=phone,
        id_number=id_number,
        employee_number=employee_number,
    )
    _raise_if(check_staff_data(data), _("The staff record is not valid."))
    fresh = _new_staff(data)
    changed = [
        field
        for field in ("name", "phone", "id_number", "employee_number")
        if getattr(fresh, field) != getattr(staff, field)
    ]
    for post in _person_posts(staff).select_for_update():
        for field in changed:
            setattr(post, field, getattr(fresh, field))
        post.save()  # one by one: the digests follow their fields
    staff.refresh_from_db()
    audit.record(
        "org.staff.update",
        actor=actor,
        target=staff,
        summary=mask_name(staff.name),
        changes={"fields": changed},  # which, never the personal values themselves
    )
    return staff


def _post_data(staff: Staff, role: str, region: Region, department) -> StaffData:
    return StaffData(
        name=staff.name,
        role=role,
        region=region,
        department=department,
        phone=staff.phone,
        id_number=staff.id_number,
        employee_number=staff.employee_number,
    )


def _post_label(role, region, department) -> str:
    return f"{role}@{region.code}" + (f"/{department.code}" if department else "")


@transaction.atomic
def do_move_staff(staff: Staff, *, actor, role: str, region: Region, department=None) -> Staff:
    """Move a person to another post (role, region, department): both ends in the actor's area."""
    check_manages(actor, staff.region)
    check_manages(actor, region)
    _raise_if(
        check_staff_data(_post_data(staff, role, region, department)),
        _("The new post is not valid."),
    )
    before = _post_label(staff.role, staff.region, staff.department)
    staff.role, staff.region, staff.department = role, region, department
    staff.save(update_fields=["role", "region", "department", "updated_at"])
    audit.record(
        "org.staff.move",
        actor=actor,
        target=staff,
        summary=f"{mask_name(staff.name)}: {before} → {_post_label(role, region, department)}",
        changes={"from": before, "to": _post_label(role, region, department)},
    )
    return staff


@transaction.atomic
def do_add_post(staff: Staff, *, actor, role: str, region: Region, department=None) -> Staff:
    """Give a person a second post: a new row with their details and their login."""
    check_manages(actor, staff.region)
    check_manages(actor, region)
    data = _post_data(staff, role, region, department)
    _raise_if(check_staff_data(data), _("The new post is not valid."))
    if _person_posts(staff).filter(role=role, region=region, department=department).exists():
        raise Conflict(_("This person already holds this post."))
    post = _new_staff(data)
    post.user_id = staff.user_id
    post.save()
    audit.record(
        "org.staff.add_post",
        actor=actor,
        target=post,
        summary=f"{mask_name(staff.name)} + {_post_label(role, region, department)}",
        changes={"person": staff.pk},
    )
    return post


def new_initial_password() -> str:
    """A password for someone else to hand over once; the person replaces it at sign-in."""
    return "-".join(secrets.token_urlsafe(6) for _part in range(3))


@transaction.atomic
def do_create_account(
    staff: Staff,
    *,
    actor,
    username: str,
    password: str,
    is_superuser=False,
    must_change=False,
):
    """Give a staff member a login. The password must pass the configured validators;
    `must_change` when someone else chose it."""
    User = get_user_model()
    check_manages(actor, staff.region)
    if staff.user_id is not None:
        raise InvalidInput(_("This staff member already has an account."))
    username = username.strip()
    if not username or len(username) > 150:
        raise InvalidInput(_("A username of 1 to 150 characters is required."))
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("The username %(u)s is taken.") % {"u": username})
    user = User(
        username=username,
        is_superuser=is_superuser,
        is_staff=is_superuser,
        is_active=staff.is_active,
        must_change_password=must_change,
    )
    check_password(password, user)
    user.set_password(password)
    user.save()
    staff.user = user
    staff.save(update_fields=["user", "updated_at"])
    audit.record("org.account.create", actor=actor, target=staff, summary=username)
    return user


@transaction.atomic
def do_create_demo_accounts(staff_by_username: dict[str, Staff], *, actor, password: str) -> int:
    """Logins for many demo staff sharing the demo's published password: hashed once (Argon2
    takes about half a second a hash) and written at once. For the demo only: real people get
    their own password or an invitation (see `do_create_login`, `roster`). Audited once."""
    User = get_user_model()
    check_password(password, User(username="demo"))
    taken = User.objects.filter(username__in=list(staff_by_username)).exists()
    if taken or any(staff.user_id for staff in staff_by_username.values()):
        raise InvalidInput(_("Some of these demo logins exist already."))
    encoded = make_password(password)
    users = User.objects.bulk_create(
        [User(username=username, password=encoded) for username in staff_by_username]
    )
    by_name = {user.username: user for user in users}
    if any(user.pk is None for user in users):  # a database that does not return ids
        by_name = {u.username: u for u in User.objects.filter(username__in=list(by_name))}
    for username, staff in staff_by_username.items():
        staff.user = by_name[username]
    Staff.objects.bulk_update(list(staff_by_username.values()), ["user"])
    audit.record(
        "org.account.create_demo",
        actor=actor,
        summary=f"{len(users)} demo logins",
        changes={"usernames": sorted(staff_by_username)},
    )
    return len(users)


@transaction.atomic
def do_issue_invitation(staff: Staff, *, actor, ip_address=None) -> str:
    """A fresh invitation link (its path) for a login that has no password yet — one created
    by a roster import whose link was lost or expired. Shown once; audited, never stored."""
    from gridgov.accounts.invitations import invitation_path

    check_manages(actor, staff.region)
    user = staff.user
    if user is None or not user.is_active or user.has_usable_password():
        raise Conflict(_("Only an active login that has no password yet can be invited."))
    audit.record(
        "org.account.invite",
        actor=actor,
        target=staff,
        summary=user.get_username(),
        ip_address=ip_address,
    )
    return invitation_path(user)


def do_reset_login(staff: Staff, *, actor) -> str:
    """A forgotten password: a new one-time initial password for the person's login, returned
    here only. Their API tokens are revoked and their other sessions end (the stored hash
    changes); they choose their own at the next sign-in."""
    from gridgov.accounts.actions import do_set_password

    check_manages(actor, staff.region)
    if staff.user is None or not staff.user.is_active:
        raise Conflict(_("This person has no active login."))
    password = new_initial_password()
    do_set_password(staff.user, password, actor=actor, must_change=True)
    return password


def do_create_login(staff: Staff, *, actor, username: str) -> tuple:
    """A login with a one-time initial password, returned here and never stored in clear:
    shown once to whoever hands it over, changed by the person at their first sign-in."""
    password = new_initial_password()
    user = do_create_account(
        staff, actor=actor, username=username, password=password, must_change=True
    )
    return user, password


# A grid is led by its grid worker, a micro-grid by its micro-grid leader.
LEADER_ROLE = {RegionLevel.GRID: Role.GRID_WORKER, RegionLevel.MICROGRID: Role.MICROGRID_LEADER}


@transaction.atomic
def do_set_region_leaders(leaders: dict[Region, Staff], *, actor) -> int:
    """Name the leaders of grids and micro-grids (one, or a whole roster at once)."""
    for region, staff in leaders.items():
        if LEADER_ROLE.get(region.level) != staff.role or staff.region_id != region.pk:
            raise InvalidInput(
                _("Staff member %(id)s cannot lead %(region)s: a leader is its grid worker or "
                  "micro-grid leader, posted there.")
                % {"id": staff.pk, "region": region.code}
            )  # fmt: skip
    now = timezone.now()
    update_rows(
        Region,
        ["leader", "updated_at"],
        [(staff.pk, now, region.pk) for region, staff in leaders.items()],
    )
    audit.record(
        "regions.region.set_leaders",
        actor=actor,
        summary=f"{len(leaders)} leaders named",
        changes={region.code: staff.pk for region, staff in list(leaders.items())[:100]},
    )
    return len(leaders)


@transaction.atomic
def do_deactivate_staff(staff: Staff, *, actor, ip_address=None) -> None:
    """Someone leaves their post: they keep their history but see and count for nothing.
    Left with no active post, their login is disabled: signed out everywhere, tokens revoked."""
    check_manages(actor, staff.region)
    if staff.is_active:
        staff.is_active = False
        staff.save(update_fields=["is_active", "updated_at"])
        audit.record(
            "org.staff.deactivate", actor=actor, target=staff, summary=mask_name(staff.name)
        )
    if staff.user_id is not None and not _person_posts(staff).filter(is_active=True).exists():
        do_disable_login(staff.user, actor=actor, ip_address=ip_address)


@transaction.atomic
def do_reactivate_staff(staff: Staff, *, actor, ip_address=None) -> None:
    """Someone takes up their post again; their login works again (with a fresh sign-in)."""
    check_manages(actor, staff.region)
    if not staff.is_active:
        staff.is_active = True
        staff.save(update_fields=["is_active", "updated_at"])
        audit.record(
            "org.staff.reactivate", actor=actor, target=staff, summary=mask_name(staff.name)
        )
    if staff.user_id is not None:
        do_enable_login(staff.user, actor=actor, ip_address=ip_address)


MAX_PURPOSE_NOTE = 200


def _check_purpose(purpose: str, note: str) -> None:
    """A reveal says why: one of the listed purposes, and in words when it is "other"."""
    if purpose not in RevealPurpose.values:
        raise InvalidInput(
            _("Say why you need to see it in full."),
            details=[field_problem("purpose", _("Pick a purpose from the list."))],
        )
    note = (note or "").strip()
    if (purpose == RevealPurpose.OTHER and not note) or len(note) > MAX_PURPOSE_NOTE:
        raise InvalidInput(
            _("Say why you need to see it in full."),
            details=[
                field_problem(
                    "purpose_note",
                    _("In a few words (at most %(n)d characters).") % {"n": MAX_PURPOSE_NOTE},
                )
            ],
        )


def do_reveal(
    instance, field_name: str, *, user, purpose: str, purpose_note: str = "", ip_address=None
) -> str:
    """The plaintext of one encrypted field (PIPL: allowed to some roles, for a stated
    purpose, always audited with it). The caller has already found `instance` through the
    scoping helper."""
    field = next((f for f in instance._meta.concrete_fields if f.name == field_name), None)
    if not isinstance(field, EncryptedTextField):
        raise InvalidInput(_("%(field)s is not personal information.") % {"field": field_name})
    if not has_capability(user, Capability.REVEAL_PII):
        raise NotPermitted(_("Your role may not see personal information in full."))
    _check_purpose(purpose, purpose_note)
    audit.record(
        "pii.reveal",
        actor=user,
        target=instance,
        summary=f"{field_name}: {RevealPurpose(purpose).label}",
        changes={"field": field_name, "purpose": purpose, "note": (purpose_note or "").strip()},
        ip_address=ip_address,
    )
    return getattr(instance, field_name)
