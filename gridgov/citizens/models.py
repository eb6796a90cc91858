"""The one thing the public pages keep beside the event itself: the reporter's tracking code.

A person without an account proves they filed an event with its number and this code, which
they are shown once, when they submit. Only its SHA-256 is stored.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule


class Ticket(models.Model):
    event = models.OneToOneField(
        "events.Event", verbose_name=_("event"), on_delete=models.CASCADE, related_name="ticket"
    )
    code_digest = models.CharField(_("tracking code digest"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Tickets are read through their event, in its scope; no one lists them.
    scope_rule = ScopeRule(region="event")

    class Meta:
        verbose_name = _("tracking code")
        verbose_name_plural = _("tracking codes")

    def __str__(self):
        return str(self.event_id)
