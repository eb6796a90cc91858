import shapely
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope_rules import ScopeRule

from .choices import RegionLevel


class Region(models.Model):
    """One node of the tree 市 → 区县 → 镇街 → 村社 → 网格 → 微网格.

    Division levels come from the official code file; grids and micro-grids carry polygons
    drawn by the command centre. Geometry is WGS84 lon/lat stored as WKB; spatial queries run
    in-process on shapely (see `locate`), so no spatial database extension is needed.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The region at each level that contains this one, itself included at its own level.
    # "Everything in this town" is then one indexed equality (town_id = …) on any table that
    # points at a region, instead of a walk down the tree.
    city = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    town = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    microgrid = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    boundary = models.BinaryField(_("boundary (WKB, WGS84)"), null=True, blank=True)
    label_lon = models.FloatField(_("label longitude"), null=True, blank=True)
    label_lat = models.FloatField(_("label latitude"), null=True, blank=True)
    leader = models.ForeignKey(
        "org.Staff",
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_regions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(region="")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def geometry(self):
        return shapely.from_wkb(bytes(self.boundary)) if self.boundary else None

    def contains(self, place) -> bool:
        """Whether `place` — a region, or a row placed in the tree (`Placed`) — lies in this
        region (itself included). One equality on the place's own ancestor column."""
        return place is not None and getattr(place, f"{self.level}_id", None) == self.pk


class BoundaryRevision(models.Model):
    """A counter bumped in the same transaction as any change to the region tree or its
    boundaries; its row is also the lock that imports queue on.

    Every process keeps its own spatial index; comparing this number tells it when to rebuild,
    without a message bus. An import that checked its file against one revision writes only if
    the number is still the same.
    """

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("boundary revision")

    def __str__(self):
        return str(self.number)


def _region_fk(name, *, constraint: bool = True):
    # Indexed through the tables' own (level, time) indexes, not on its own.
    return models.ForeignKey(
        "regions.Region",
        verbose_name=name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=constraint,
    )


class Placed(models.Model):
    """A row placed in the region tree (an event, an inspection, a warning…): the regions at
    every level that contain its place, so that "in this town" is one equality
    (`town_id = …`) on its own table, served by its own (level, time) indexes."""

    city = _region_fk(_("city"))
    county = _region_fk(_("county"))
    town = _region_fk(_("town"))
    village = _region_fk(_("village"))
    grid = _region_fk(_("grid"))
    microgrid = _region_fk(_("micro-grid"))

    class Meta:
        abstract = True

    def place_in(self, region) -> None:
        """Copy a region's ancestors (the region itself included at its level)."""
        for level in ("city", "county", "town", "village", "grid", "microgrid"):
            setattr(self, f"{level}_id", getattr(region, f"{level}_id"))

    @property
    def deepest_region_id(self) -> int | None:
        """The smallest region the row is placed in (what a published happening names)."""
        for level in ("microgrid", "grid", "village", "town", "county", "city"):
            if getattr(self, f"{level}_id"):
                return getattr(self, f"{level}_id")
        return None


class CopiedPlace(Placed):
    """`Placed` for rows whose place is a copy of another row's, written a million at a time
    (a resident's place is their household's, a household's its house's): the six columns keep
    no foreign-key constraint in the database. PostgreSQL checks each constraint row by row,
    one index probe each, and six copies of a place already checked cost most of a ledger
    import's time there. Deleting a region in use is still refused: PROTECT is Django's."""

    city = _region_fk(_("city"), constraint=False)
    county = _region_fk(_("county"), constraint=False)
    town = _region_fk(_("town"), constraint=False)
    village = _region_fk(_("village"), constraint=False)
    grid = _region_fk(_("grid"), constraint=False)
    microgrid = _region_fk(_("micro-grid"), constraint=False)

    class Meta:
        abstract = True
