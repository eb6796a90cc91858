from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "gridgov.workflow"
    verbose_name = _("closed-loop workflow")
