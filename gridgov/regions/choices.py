from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    CITY = "city", _("city")
    COUNTY = "county", _("county")
    TOWN = "town", _("town")
    VILLAGE = "village", _("village")
    GRID = "grid", _("grid")
    MICROGRID = "microgrid", _("micro-grid")


# Top to bottom; the position of a level is its depth in the tree.
LEVELS: tuple[str, ...] = tuple(RegionLevel.values)
# Levels that come from the official division file; the levels below are drawn by the
# command centre and come from GeoJSON.
DIVISION_LEVELS: tuple[str, ...] = LEVELS[:4]
GRID_LEVELS: tuple[str, ...] = LEVELS[4:]
# "Sunk to the grassroots" means working at town level or below (seed: 下沉到基层一线).
GRASSROOTS_LEVELS: tuple[str, ...] = LEVELS[2:]


def depth(level: str) -> int:
    return LEVELS.index(level)


def child_level(level: str) -> str | None:
    i = depth(level)
    return LEVELS[i + 1] if i + 1 < len(LEVELS) else None


def parent_level(level: str) -> str | None:
    i = depth(level)
    return LEVELS[i - 1] if i > 0 else None


class CRS(models.TextChoices):
    WGS84 = "wgs84", "WGS84"
    GCJ02 = "gcj02", "GCJ-02"
