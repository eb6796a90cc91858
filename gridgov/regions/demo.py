"""Demo regions: the real Jiaxing division tree with generated grids and polygons."""

from . import demo_geometry
from .actions import do_import_boundaries, do_import_divisions
from .boundaries import BoundaryFeature
from .divisions import JIAXING_DIVISIONS, read_division_csv


def load_demo_regions(*, scale: str, seed: int, actor) -> dict:
    """Import the shipped division file, then the generated geometry through the same
    checked import a command centre would use for its own GeoJSON."""
    rows = read_division_csv(JIAXING_DIVISIONS.read_text(encoding="utf-8"))
    do_import_divisions(rows, actor=actor)
    areas = demo_geometry.generate(rows, scale=scale, seed=seed)
    features = [
        BoundaryFeature(
            number=number,
            code=area.code,
            name=area.name,
            parent_code=area.parent_code,
            level=area.level,
            geometry=area.polygon,
        )
        for number, area in enumerate(areas, start=1)
    ]
    summary = do_import_boundaries(features, actor=actor)
    return {"divisions": len(rows), **summary.as_dict()}
