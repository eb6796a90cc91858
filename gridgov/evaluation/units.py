"""The units a set evaluates inside its area: its towns, or its handling units (every active
department placed there but the command centres, which route work rather than handle it)."""

from dataclasses import dataclass

from gridgov.org.choices import DepartmentKind
from gridgov.org.models import Department
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .choices import UnitKind


@dataclass(frozen=True)
class Unit:
    pk: int
    code: str
    name: str


def units_of(indicator_set) -> list[Unit]:
    area = indicator_set.area
    if indicator_set.unit_kind == UnitKind.DEPARTMENTS:
        rows = (
            Department.objects.filter(is_active=True, **{f"region__{area.level}": area.pk})
            .exclude(kind=DepartmentKind.COMMAND_CENTRE)
            .order_by("code")
        )
    else:
        rows = Region.objects.filter(level=RegionLevel.TOWN, **{area.level: area.pk}).order_by(
            "code"
        )
    return [Unit(pk, code, name) for pk, code, name in rows.values_list("pk", "code", "name")]
