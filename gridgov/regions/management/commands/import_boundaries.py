from pathlib import Path

from django.utils.translation import gettext as _

from gridgov.core.management.base import ActionCommand
from gridgov.regions.actions import do_import_boundaries
from gridgov.regions.boundaries import DEFAULT_OVERLAP_TOLERANCE_M2, read_geojson
from gridgov.regions.choices import CRS


class Command(ActionCommand):
    help = (
        "Import region boundaries from GeoJSON: polygons for existing regions, and new grids "
        "and micro-grids (properties: code, name, parent_code). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--crs",
            choices=CRS.values,
            required=True,
            help="Coordinate system of the file: wgs84 (GPS) or gcj02 (高德/腾讯 maps).",
        )
        parser.add_argument(
            "--overlap-tolerance",
            type=float,
            default=DEFAULT_OVERLAP_TOLERANCE_M2,
            help="Largest overlap between two regions of one level, in m² (default %(default)s).",
        )

    def handle(self, *args, path, crs, overlap_tolerance, **options):
        features = read_geojson(Path(path).read_bytes(), crs=crs)
        summary = do_import_boundaries(
            features, actor=self.actor, overlap_tolerance_m2=overlap_tolerance
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(n)d features: %(created)d regions created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {"n": len(features), **summary.as_dict()}
            )
        )
