from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "gridgov.workflow"
    verbose_name = _("closed-loop workflow")

    def ready(self):
        # Every app's `workflow` module declares its kinds of work item; the worker finds a
        # kind by name when it sends a step's notifications, whatever it imported before.
        autodiscover_modules("workflow")
