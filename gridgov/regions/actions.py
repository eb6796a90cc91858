"""The write paths of the region tree. Commands, pages and the API all call these."""

from dataclasses import dataclass

import shapely
from django.db import models, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.bulk import update_rows
from gridgov.core.errors import Conflict
from gridgov.org.scoping import scope_of, scoped

from .boundaries import (
    DEFAULT_OVERLAP_TOLERANCE_M2,
    BoundaryFeature,
    KnownRegion,
    PlannedRegion,
    check_features,
)
from .choices import DIVISION_LEVELS, GRID_LEVELS, LEVELS
from .divisions import DivisionRow
from .locate import current_revision
from .models import BoundaryRevision, Region


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    not_in_file: int = 0

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "not_in_file": self.not_in_file,
        }


# --- Divisions ----------------------------------------------------------------------------


@transaction.atomic
def do_import_divisions(rows: list[DivisionRow], *, actor) -> ImportSummary:
    """Create or update the division tree from checked rows. Running it twice changes nothing."""
    revision = lock_region_tree()
    existing = {r.code: r for r in Region.objects.filter(level__in=DIVISION_LEVELS)}
    created = updated = 0
    for level in DIVISION_LEVELS:
        new, changed = [], []
        for row in (r for r in rows if r.level == level):
            parent = existing.get(row.parent_code) if row.parent_code else None
            region = existing.get(row.code)
            if region is None:
                region = Region(code=row.code, name=row.name, level=level, parent=parent)
                new.append(region)
                existing[row.code] = region
            elif (region.name, region.parent_id) != (row.name, parent.pk if parent else None):
                region.name, region.parent = row.name, parent
                changed.append(region)
        Region.objects.bulk_create(new, batch_size=1000)
        Region.objects.bulk_update(changed, ["name", "parent"], batch_size=1000)
        created, updated = created + len(new), updated + len(changed)
    refresh_ancestors()
    if created or updated:
        bump_revision(revision)
    in_file = {row.code for row in rows}
    summary = ImportSummary(
        created=created,
        updated=updated,
        unchanged=len(rows) - created - updated,
        not_in_file=sum(1 for code in existing if code not in in_file),
    )
    audit.record(
        "regions.import_divisions",
        actor=actor,
        summary=f"divisions: {created} created, {updated} updated",
        changes=summary.as_dict(),
    )
    return summary


def refresh_ancestors() -> None:
    """Recompute the per-level ancestor columns of the regions that are new or have moved.

    Called by every action that adds or moves regions, so the columns never drift from the
    parent links they are derived from. One set-based UPDATE per level, top down: each level
    copies its parent's columns, which the previous statement has just made right. Only stale
    rows are written: new ones (their own column is still empty) and those whose columns no
    longer match their parent's.
    """
    for depth, level in enumerate(LEVELS):
        inherited = {
            above: Subquery(Region.objects.filter(pk=OuterRef("parent")).values(above)[:1])
            for above in LEVELS[:depth]
        }
        stale = Q(**{f"{level}__isnull": True})
        for above, from_parent in inherited.items():
            stale |= ~Q(**{above: from_parent})
        Region.objects.filter(stale, level=level).update(
            **inherited, **{level: F("pk")}, **dict.fromkeys(LEVELS[depth + 1 :])
        )


# --- Boundaries ---------------------------------------------------------------------------


def known_regions() -> dict[str, KnownRegion]:
    """Every region with what a boundary check needs, loaded in one query."""
    rows = Region.objects.values_list("code", "name", "level", "parent__code", "boundary")
    return {
        code: KnownRegion(
            code, name, level, parent_code, shapely.from_wkb(bytes(wkb)) if wkb else None
        )
        for code, name, level, parent_code, wkb in rows.iterator(chunk_size=5000)
    }


def do_import_boundaries(
    features: list[BoundaryFeature],
    *,
    actor,
    overlap_tolerance_m2: float = DEFAULT_OVERLAP_TOLERANCE_M2,
) -> ImportSummary:
    """Attach polygons to regions and create the grids and micro-grids a file introduces.

    Everything is checked first (see `boundaries.check_features`); on any problem this raises
    before the first write, so a bad file changes nothing. The check runs outside the write
    transaction — at city scale it takes seconds, and on SQLite a write transaction would stop
    every other writer for that long — and the write then goes ahead only if the tree has not
    changed in the meantime; otherwise the file is checked again against the new tree.
    """
    changeable = _changeable_codes(actor)
    for _attempt in range(3):
        checked_at = current_revision()
        plans = check_features(
            features,
            known_regions(),
            overlap_tolerance_m2=overlap_tolerance_m2,
            changeable=changeable,
        )
        with transaction.atomic():
            revision = lock_region_tree()
            if revision.number == checked_at:
                return _write_boundaries(plans, revision, actor=actor)
    raise Conflict(_("The region tree keeps changing under this import; try again shortly."))


def _changeable_codes(actor) -> set[str] | None:
    """The codes of the regions a person may redraw; None for the platform's own commands."""
    if not isinstance(actor, models.Model) or scope_of(actor).everything:
        return None
    return set(scoped(Region.objects.all(), actor).values_list("code", flat=True))


def _write_boundaries(plans, revision, *, actor) -> ImportSummary:
    existing = {r.code: r for r in Region.objects.filter(code__in=[p.feature.code for p in plans])}
    updated = _update_boundaries([p for p in plans if not p.is_new], existing)
    created = _create_regions([p for p in plans if p.is_new])
    refresh_ancestors()
    bump_revision(revision)
    summary = ImportSummary(
        created=created, updated=updated, unchanged=len(plans) - created - updated
    )
    audit.record(
        "regions.import_boundaries",
        actor=actor,
        summary=f"boundaries: {created} created, {updated} updated",
        changes=summary.as_dict(),
    )
    return summary


def _shape_fields(geometry) -> dict:
    label = shapely.point_on_surface(geometry)
    return {
        "boundary": shapely.to_wkb(geometry),
        "label_lon": round(label.x, 7),
        "label_lat": round(label.y, 7),
    }


def _update_boundaries(plans: list[PlannedRegion], existing: dict[str, Region]) -> int:
    fields = ["boundary", "label_lon", "label_lat", "name", "updated_at"]
    now = timezone.now()
    rows = []
    for plan in plans:
        region = existing[plan.feature.code]
        shape = _shape_fields(plan.feature.geometry)
        # Division names are official: they come from the division file, never from a map.
        name = (
            plan.feature.name if region.level in GRID_LEVELS and plan.feature.name else region.name
        )
        stored = bytes(region.boundary) if region.boundary else None
        if (stored, region.name) != (shape["boundary"], name):
            rows.append((*shape.values(), name, now, region.pk))
    return update_rows(Region, fields, rows)


def _create_regions(plans: list[PlannedRegion]) -> int:
    """Insert level by level, so that a micro-grid's new parent grid already has an id."""
    for level in LEVELS:
        batch = [p for p in plans if p.level == level]
        if not batch:
            continue
        parents = dict(
            Region.objects.filter(code__in={p.parent_code for p in batch}).values_list("code", "id")
        )
        Region.objects.bulk_create(
            [
                Region(
                    code=p.feature.code,
                    name=p.feature.name,
                    level=level,
                    parent_id=parents[p.parent_code],
                    **_shape_fields(p.feature.geometry),
                )
                for p in batch
            ],
            batch_size=1000,
        )
    return len(plans)


def lock_region_tree() -> BoundaryRevision:
    """Take the region-tree lock for the rest of the transaction. Imports queue here (on SQLite
    IMMEDIATE transactions already run one writer at a time)."""
    revision, _created = BoundaryRevision.objects.select_for_update().get_or_create(pk=1)
    return revision


def bump_revision(revision: BoundaryRevision | None = None) -> None:
    """Tell every process's locate index that the tree or its boundaries changed."""
    revision = revision or lock_region_tree()
    BoundaryRevision.objects.filter(pk=revision.pk).update(
        number=F("number") + 1, changed_at=timezone.now()
    )
