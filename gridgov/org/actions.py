"""Write paths for departments, staff and their accounts. Pages, API, admin and demo share them."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.accounts.actions import check_password
from gridgov.core import audit
from gridgov.core.bulk import update_rows
from gridgov.core.errors import InvalidInput, NotPermitted, field_problem
from gridgov.core.pii import EncryptedTextField, mask_name
from gridgov.core.validators import validate_id_number, validate_phone
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .choices import Capability, RevealPurpose, Role
from .models import Department, Staff
from .roles import has_capability

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
    )


@transaction.atomic
def do_create_staff(data: StaffData, *, actor) -> Staff:
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
    """Create many staff at once (roster imports, the demo); all rows are checked first."""
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


@transaction.atomic
def do_create_account(staff: Staff, *, actor, username: str, password: str, is_superuser=False):
    """Give a staff member a login. The password must pass the configured validators."""
    User = get_user_model()
    if staff.user_id is not None:
        raise InvalidInput(_("This staff member already has an account."))
    if User.objects.filter(username=username).exists():
        raise InvalidInput(_("The username %(u)s is taken.") % {"u": username})
    user = User(username=username, is_superuser=is_superuser, is_staff=is_superuser)
    check_password(password, user)
    user.set_password(password)
    user.save()
    staff.user = user
    staff.save(update_fields=["user", "updated_at"])
    audit.record("org.account.create", actor=actor, target=staff, summary=username)
    return user


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
def do_deactivate_staff(staff: Staff, *, actor) -> None:
    """Someone leaves their post: they keep their history but see and count for nothing."""
    if not staff.is_active:
        return
    staff.is_active = False
    staff.save(update_fields=["is_active", "updated_at"])
    audit.record("org.staff.deactivate", actor=actor, target=staff, summary=mask_name(staff.name))


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
