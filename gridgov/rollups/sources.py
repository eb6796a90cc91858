"""Rollup sources: what an area asks the rollups to count, declared from its own registry.py.

    register_rollup_source(RollupSpec(
        "events", model=Event, day="reported_at", dimensions=("status",),
        sums={"on_time": Count("pk", filter=Q(late=False))},
    ))

The rollups app never imports an area: areas import it and register here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from gridgov.regions.choices import LEVELS

from .models import DIMENSIONS, SUMS


@dataclass(frozen=True)
class RollupSpec:
    """One source of cells.

    model: the table counted; it carries the region columns of every level (`Placed`).
    day: the date or datetime field a row counts by (local day); it must not change once set,
      since a refresh recounts the days its changed rows count on now.
    dimensions: up to three fields the cells are split by (stored as text, "" for none).
    sums: up to five named aggregates (Count with a filter, Sum) beside the row count `n`.
    rows: a filter (Q) on the rows counted (rows outside it are not counted, e.g. merged).
    changed: the field that moves forward on every write (WorkItem.updated_at): the watermark
      follows it. Rows are found changed from `watermark - overlap`, so a row committed late by
      a slow transaction (its `changed` value earlier than its commit) is still seen.
    """

    name: str
    model: type
    day: str
    dimensions: tuple[str, ...] = ()
    sums: dict = field(default_factory=dict)
    rows: Q = field(default_factory=Q)
    changed: str = "updated_at"
    levels: tuple[str, ...] = LEVELS
    overlap: timedelta = timedelta(minutes=2)
    label: str = ""

    def column(self, name: str) -> str:
        """The cell column that holds a dimension or a sum of this source."""
        if name in self.dimensions:
            return f"d{self.dimensions.index(name) + 1}"
        if name in self.sums:
            return f"v{list(self.sums).index(name) + 1}"
        if name == "n":
            return "n"
        raise KeyError(f"{self.name} has no dimension or sum named {name}")

    def counted(self):
        return self.model._base_manager.filter(self.rows)

    def day_is_date(self) -> bool:
        return self.model._meta.get_field(self.day).get_internal_type() == "DateField"


_sources: dict[str, RollupSpec] = {}


def register_rollup_source(spec: RollupSpec) -> None:
    if len(spec.dimensions) > DIMENSIONS or len(spec.sums) > SUMS:
        raise ImproperlyConfigured(
            f"Rollup {spec.name}: at most {DIMENSIONS} dimensions and {SUMS} sums."
        )
    _sources[spec.name] = spec


def rollup_sources(names=None) -> list[RollupSpec]:
    if names is None:
        return list(_sources.values())
    unknown = set(names) - set(_sources)
    if unknown:
        raise KeyError(f"No rollup source named {', '.join(sorted(unknown))}")
    return [_sources[n] for n in names]


def source(name: str) -> RollupSpec:
    return _sources[name]


# Called by refresh after a source's cells changed (a cache may drop what it kept).
on_change: list[Callable] = []
