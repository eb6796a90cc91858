from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "gridgov.regions"
    label = "regions"
    verbose_name = _("Regions and grids")

    def ready(self):
        from . import jobs  # noqa: F401 - registers the boundary import handler
