"""What the closed-loop engine brings to the platform: the message list, and the deadline sweep
over every kind of work item (every minute, by default).

Read once at start-up (`gridgov.core.apps`).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    NavEntry,
    UploadHandler,
    register_job,
    register_navigation,
    register_upload_handler,
)

from .attachments import discard_unused_photos, prepare_request_photos

register_navigation(NavEntry(_("Messages"), "workflow:notifications", 50))
register_job("gridgov.workflow.deadlines.check_deadlines", settings.GRIDGOV_DEADLINE_SWEEP_SECONDS)
register_job("gridgov.workflow.tasks.purge_orphan_photos", 3600)
# Photos of an idempotent request are decoded and stored before its transaction opens.
register_upload_handler(UploadHandler(prepare_request_photos, discard_unused_photos))
