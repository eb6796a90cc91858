from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.scope_rules import ScopeRule


class CalendarDay(models.Model):
    """An exception to the normal working week (Monday to Friday).

    A public holiday that falls on a weekday (is_working_day false), or a weekend day worked in
    exchange for a longer holiday, 调休 (is_working_day true). Holidays on a weekend may be
    listed too; they change nothing. Written only by `actions.do_set_calendar_days`.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # With the row count, tells every process when to reload its copy of the calendar.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}"
