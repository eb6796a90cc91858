from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "gridgov.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from . import jobs  # noqa: F401 - registers the roster import handler
