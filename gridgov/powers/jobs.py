"""The worker side of catalogue uploads."""

from gridgov.core.jobs import job_handler

from .actions import import_power_item_file
from .selectors import jurisdiction_named

IMPORT_POWER_ITEMS = "powers.import_power_items"


@job_handler(IMPORT_POWER_ITEMS)
def import_power_items(job) -> dict:
    with job.upload.open("rb") as upload:
        data = upload.read()
    return import_power_item_file(
        data,
        job.upload_name,
        jurisdiction=jurisdiction_named(job.params["jurisdiction"]),
        actor=job.created_by,
        skip_bad_rows=job.params.get("skip_bad_rows", False),
    )
