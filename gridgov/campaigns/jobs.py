"""The worker side of item uploads."""

from gridgov.core.jobs import job_handler

from .files import import_item_file
from .models import Campaign

IMPORT_ITEMS = "campaigns.import_items"


@job_handler(IMPORT_ITEMS)
def import_items(job) -> dict:
    with job.upload.open("rb") as upload:
        data = upload.read()
    return import_item_file(
        data,
        job.upload_name,
        Campaign.objects.get(number=job.params["campaign"]),
        actor=job.created_by,
        skip_bad_rows=job.params.get("skip_bad_rows", False),
    )
