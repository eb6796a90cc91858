"""The worker side of boundary uploads."""

from gridgov.core.jobs import job_handler

from .actions import do_import_boundaries
from .boundaries import read_geojson

IMPORT_BOUNDARIES = "regions.import_boundaries"


@job_handler(IMPORT_BOUNDARIES)
def import_boundaries(job) -> dict:
    with job.upload.open("rb") as upload:
        features = read_geojson(upload.read(), crs=job.params["crs"])
    summary = do_import_boundaries(
        features,
        actor=job.created_by,
        overlap_tolerance_m2=job.params["overlap_tolerance_m2"],
    )
    return {"features": len(features), **summary.as_dict()}
