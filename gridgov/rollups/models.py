"""Counts kept per day × region × dimensions, for every level of the region tree.

A cell holds what one source counted on one day in one region (a city, a county… a micro-grid:
every level has its own cells), for one combination of the source's dimensions (`d1`…`d3`):
`n` rows and the sums `v1`…`v5` the source declares. Reading a city's ten-year trend is one
range over the (source, region, day) index, never a sum over grids or a scan of raw rows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

DIMENSIONS = 3  # d1..d3
SUMS = 5  # v1..v5


class RollupSource(models.Model):
    """Where a source's refresh stands: the watermark (changes at or after it, less the
    overlap, are still to be counted), a lease so that one worker refreshes it at a time, and a
    revision bumped whenever its cells change (caches key on it)."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    watermark = models.DateTimeField(_("counted up to"), null=True, blank=True)
    leased_until = models.DateTimeField(_("being refreshed until"), null=True, blank=True)
    revision = models.PositiveBigIntegerField(_("revision"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup source")
        verbose_name_plural = _("rollup sources")

    def __str__(self):
        return self.name


def _dimension():
    return models.CharField(max_length=40, blank=True, default="")


def _sum():
    return models.BigIntegerField(default=0)


class RollupCell(models.Model):
    source = models.CharField(_("source"), max_length=40)
    day = models.DateField(_("day"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    d1 = _dimension()
    d2 = _dimension()
    d3 = _dimension()
    n = models.BigIntegerField(_("rows"), default=0)
    v1 = _sum()
    v2 = _sum()
    v3 = _sum()
    v4 = _sum()
    v5 = _sum()

    class Meta:
        verbose_name = _("rollup cell")
        verbose_name_plural = _("rollup cells")
        indexes = [
            models.Index(fields=["source", "region", "day"], name="rollup_source_region_day"),
            models.Index(fields=["source", "day"], name="rollup_source_day"),
        ]

    def __str__(self):
        return f"{self.source} {self.day} {self.region_id}"
