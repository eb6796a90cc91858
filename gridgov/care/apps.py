from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "gridgov.care"
    verbose_name = _("Frontline care")
