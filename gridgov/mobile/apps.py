from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobileConfig(AppConfig):
    name = "gridgov.mobile"
    verbose_name = _("Grid worker's phone app")
