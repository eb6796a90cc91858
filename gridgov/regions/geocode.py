"""Placing a report that came without coordinates: by a region's code, or by the official
division names written in its address ("南湖区新兴街道新兴社区…").

No outside geocoder: the official division tree is the one address system every level of
government here shares. A place is the region's label point, which lies inside the region;
the report is then located from that point like any other. Grids and micro-grids are named
locally and their names repeat, so free text is matched against counties, towns and villages
only; a code may name a region at any level.
"""

from dataclasses import dataclass

from .choices import DIVISION_LEVELS, depth
from .locate import PLACE_FIELDS, get_index
from .models import Region

CODE, NAME, LEVEL, PARENT = (PLACE_FIELDS.index(f) for f in ("code", "name", "level", "parent_id"))
LON, LAT = PLACE_FIELDS.index("label_lon"), PLACE_FIELDS.index("label_lat")
NAMED_LEVELS = DIVISION_LEVELS[1:]  # the city's own name says nothing about where in it
# Official village names are their committees' ("化东社区居委会", "博山村委会"); people write the
# place ("化东社区", "博山村").
COMMITTEE_SUFFIXES = (("居民委员会", ""), ("居委会", ""), ("村民委员会", "村"), ("村委会", "村"))


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    lon: float
    lat: float


class AmbiguousAddress(ValueError):
    """The address names several places equally well (two villages of the same name)."""

    def __init__(self, names: list[str]):
        super().__init__(", ".join(names))
        self.names = names


def place_by_code(code: str) -> Place | None:
    row = Region.objects.filter(code=(code or "").strip()[:32]).values_list(*PLACE_FIELDS).first()
    return _place(row) if row else None


def place_in_address(text: str) -> Place | None:
    """The most specific division named in `text`; None when none is.

    Among divisions of the same level named, the one whose ancestors' names also appear wins
    (两个“城南社区”: the one in the town the address names); a tie raises AmbiguousAddress."""
    text = (text or "").strip()
    if not text:
        return None
    places = get_index().places
    named = [
        row
        for row in places.values()
        if row[LEVEL] in NAMED_LEVELS and _is_named(row, text) and _has_point(row)
    ]
    if not named:
        return None
    deepest = max(depth(row[LEVEL]) for row in named)
    candidates = [row for row in named if depth(row[LEVEL]) == deepest]
    scored = sorted(((_ancestors_named(row, places, text), row) for row in candidates),
                    key=lambda pair: -pair[0])  # fmt: skip
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        raise AmbiguousAddress([_full_name(row, places) for _score, row in scored[:5]])
    return _place(scored[0][1])


def _ancestors_named(row, places, text: str) -> int:
    count, parent = 0, places.get(row[PARENT])
    while parent is not None:
        count += _is_named(parent, text)
        parent = places.get(parent[PARENT])
    return count


def _is_named(row, text: str) -> bool:
    name = row[NAME]
    if not name:
        return False
    if name in text:
        return True
    for suffix, replacement in COMMITTEE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)] + replacement in text
    return False


def _full_name(row, places) -> str:
    names, current = [], row
    while current is not None:
        names.append(current[NAME])
        current = places.get(current[PARENT])
    return "".join(reversed(names))


def _has_point(row) -> bool:
    return row[LON] is not None and row[LAT] is not None


def _place(row) -> Place | None:
    if not _has_point(row):
        return None
    return Place(code=row[CODE], name=row[NAME], lon=row[LON], lat=row[LAT])
