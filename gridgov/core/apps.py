from django.apps import AppConfig
from django.conf import settings
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from .registry import register_job


class CoreConfig(AppConfig):
    name = "gridgov.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self):
        register_job("gridgov.core.tasks.purge_expired", 3600)
        # Jobs whose worker died: queued again or failed with a reason.
        register_job("gridgov.core.jobs.sweep_stuck_jobs_task", settings.GRIDGOV_JOB_SWEEP_SECONDS)
        # Every app's `registry` module declares what it brings (its part of the demo, its
        # workbench tiles, navigation and periodic jobs): core reads them, never imports them.
        autodiscover_modules("registry")
