"""The residents of an area as a table people open in Excel: in the import's columns, so an
exported file imports again as it is — but with ID numbers and phones masked (a masked file
imports nothing: its ID numbers fail their check), scoped to the reader's area, and streamed
row by row, so a county of a million residents never sits in memory."""

from collections.abc import Iterator

from django.db.models import Prefetch

from gridgov.org.scoping import scoped

from .ledger_import import RELATIONS, RESIDENCES, USES
from .models import Resident, SpecialGroup

# The file's words for the stored values (the first word of each in the import's vocabulary).
_WORDS = {
    kind: {value: word for word, value in reversed(vocabulary.items()) if word and word != value}
    for kind, vocabulary in (("use", USES), ("relation", RELATIONS), ("residence", RESIDENCES))
}
CHUNK = 2000


def residents_of(area, user):
    """The residents of `area` that `user` may read, in ledger order."""
    residents = Resident.objects.filter(**{area.level: area}).order_by("household_id", "pk")
    return scoped(residents, user)


def export_rows(residents) -> Iterator[list[str]]:
    """A table row per resident, masked. Read in chunks with their building, house and
    household; groups prefetched per chunk."""
    rows = residents.select_related(
        "household__house__building", "village", "grid", "microgrid"
    ).prefetch_related(Prefetch("groups", queryset=SpecialGroup.objects.only("pk", "name")))
    for resident in rows.iterator(chunk_size=CHUNK):
        yield row_of(resident)


def row_of(resident: Resident) -> list[str]:
    household = resident.household
    house = household.house
    building = house.building
    region = resident.microgrid or resident.grid or resident.village
    return [
        region.code if region else "",
        building.address_code,
        building.name,
        house.unit,
        "" if house.floor is None else str(house.floor),
        house.room,
        _WORDS["use"].get(house.use, house.use),
        household.number,
        _WORDS["relation"].get(resident.relation, resident.relation),
        resident.name,
        resident.masked_id_number,
        resident.masked_phone,
        _WORDS["residence"].get(resident.residence, resident.residence),
        "、".join(group.name for group in resident.groups.all()),
        resident.note,
    ]
