from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule

from .choices import PowerKind, PowerStatus


class PowerItem(models.Model):
    """An administrative power (权力事项) of one jurisdiction's catalogue — a county's, as the
    seed's 南湖区 with its 8,995 items — identified by its catalogue code there.

    Who holds it and whether it is in force change over time; those live in `PowerItemVersion`
    rows, each effective from a date, so the catalogue can be read as of any day.
    """

    jurisdiction = models.ForeignKey(
        "regions.Region",
        verbose_name=_("jurisdiction"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=PowerKind.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The catalogue is published (权力清单); every staff member may read it.
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("power item")
        verbose_name_plural = _("power items")
        ordering = ["jurisdiction_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="power_code_per_area")
        ]
        indexes = [models.Index(fields=["jurisdiction", "kind"], name="power_area_kind")]

    def __str__(self):
        return f"{self.code} {self.name}"


class PowerItemVersion(models.Model):
    """From `effective_from` on, this department holds the item, in this status — until the
    item's next version. A transfer (e.g. to the comprehensive enforcement bureau) is a new
    version with its document number."""

    item = models.ForeignKey(
        PowerItem, verbose_name=_("power item"), on_delete=models.CASCADE, related_name="versions"
    )
    effective_from = models.DateField(_("effective from"))
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("holding department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PowerStatus.choices, default=PowerStatus.ACTIVE
    )
    document_number = models.CharField(_("document number"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("power item version")
        verbose_name_plural = _("power item versions")
        ordering = ["item_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["item", "effective_from"], name="power_version_day")
        ]
        indexes = [models.Index(fields=["department", "effective_from"], name="power_dept_day")]

    def __str__(self):
        return f"{self.item_id}@{self.effective_from}"
