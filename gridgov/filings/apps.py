from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "gridgov.filings"
    verbose_name = _("Night-construction filings")
