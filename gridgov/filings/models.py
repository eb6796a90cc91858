"""Night-construction filings (夜间施工报备, M9): a company asks to work at a construction site
at night, the responsible department approves or rejects it, and an approved filing can be
revoked. A filing is a kind of work item of the closed-loop engine: its status changes only
through `gridgov.filings.workflow.FILING_WORKFLOW`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import EncryptedTextField, mask_phone
from gridgov.org.scoping import ScopeRule
from gridgov.regions.models import Placed
from gridgov.workflow.models import TimelineEntry, WorkItem

from . import nights
from .choices import FilingChannel, FilingStatus, FilingStep, Validity


class NightWorkFiling(Placed, WorkItem):
    """A company's filing to build at night at one site, over a run of nights."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    site = models.ForeignKey(
        "inspections.InspectionTarget",
        verbose_name=_("construction site"),
        on_delete=models.PROTECT,
        related_name="night_filings",
    )
    company_name = models.CharField(_("company"), max_length=120)
    company_uscc = models.CharField(_("unified social credit code"), max_length=18)
    contact_name = models.CharField(_("contact person"), max_length=64)
    contact_phone = EncryptedTextField(_("contact phone"))

    first_night = models.DateField(_("first night"))
    last_night = models.DateField(_("last night"))
    start_time = models.TimeField(_("work starts at"))
    end_time = models.TimeField(
        _("work ends at"), help_text=_("Earlier than the start: the next morning.")
    )
    reason = models.CharField(_("reason"), max_length=200)
    noise_limit_db = models.PositiveSmallIntegerField(_("noise limit, dB(A)"))
    noise_measures = models.TextField(_("noise measures"))
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("filed through"), max_length=8, choices=FilingChannel.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("typed in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    status = models.CharField(_("status"), max_length=16, choices=FilingStatus.choices)
    step = models.CharField(_("timed step"), max_length=16, choices=FilingStep.choices, blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    # Staff see the filings of their area; officers those of their department; whoever typed
    # one in on a company's behalf keeps seeing it.
    scope_rule = ScopeRule(region="", department="department", filed_by="submitted_by")

    class Meta:
        verbose_name = _("night-construction filing")
        verbose_name_plural = _("night-construction filings")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_night__gte=F("first_night")), name="filing_period_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(start_time=F("end_time")), name="filing_hours_not_empty"
            ),
        ]
        indexes = [
            models.Index(fields=["site", "status", "last_night"], name="filing_site_status_last"),
            models.Index(fields=["status", "last_night"], name="filing_status_last"),
            models.Index(fields=["county", "submitted_at"], name="filing_county_time"),
            models.Index(fields=["town", "submitted_at"], name="filing_town_time"),
            models.Index(fields=["department", "status"], name="filing_department_status"),
            models.Index(
                fields=["due_at"], name="filing_running_deadline", condition=Q(due_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("filings:detail", args=[self.number])

    @property
    def masked_contact_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def night_count(self) -> int:
        return nights.night_count(self.first_night, self.last_night)

    @property
    def crosses_midnight(self) -> bool:
        return nights.crosses_midnight(self.start_time, self.end_time)

    def covers(self, moment) -> bool:
        """Whether this filing, approved, allows work at `moment`."""
        return self.status == FilingStatus.APPROVED and nights.covers(
            self.first_night, self.last_night, self.start_time, self.end_time, moment
        )

    def validity(self, now=None) -> str:
        """For an approved filing: not begun, in force or expired at `now`; else ""."""
        if self.status != FilingStatus.APPROVED:
            return ""
        now = now or timezone.now()
        first_begin, _end = nights.window(self.first_night, self.start_time, self.end_time)
        _begin, last_end = nights.window(self.last_night, self.start_time, self.end_time)
        if now < first_begin:
            return Validity.UPCOMING
        return Validity.CURRENT if now < last_end else Validity.EXPIRED


class FilingTimelineEntry(TimelineEntry):
    item = models.ForeignKey(NightWorkFiling, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = _("filing timeline entry")
        verbose_name_plural = _("filing timeline")
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="filing_timeline_seq")]
