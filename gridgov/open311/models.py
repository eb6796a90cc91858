"""What GridGov offers through Open311 GeoReport v2: a public face on some event categories.

An administrator decides which categories are public services and which extra questions
(attributes) a client must ask. A service request is an event; nothing else is stored here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.org.scoping import ScopeRule


class Datatype(models.TextChoices):
    """The attribute datatypes GeoReport v2 names."""

    STRING = "string", _("short text")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("long text")
    SINGLEVALUELIST = "singlevaluelist", _("one choice")
    MULTIVALUELIST = "multivaluelist", _("several choices")


class PublicServiceQuerySet(models.QuerySet):
    def offered(self):
        """The services the public may use now: published, of a category still in use."""
        return self.filter(is_public=True, category__is_active=True).select_related(
            "category", "category__parent"
        )


class PublicService(models.Model):
    category = models.OneToOneField(
        "events.EventCategory",
        verbose_name=_("event category"),
        on_delete=models.CASCADE,
        related_name="public_service",
    )
    description = models.CharField(_("description"), max_length=255, blank=True)
    keywords = models.CharField(_("keywords"), max_length=255, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    scope_rule = ScopeRule(all_staff=True)

    objects = PublicServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        ordering = ["category__sort_order", "category__code"]

    def __str__(self):
        return str(self.category)


class ServiceAttribute(models.Model):
    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="attributes")
    code = models.SlugField(_("code"), max_length=50)
    description = models.CharField(_("question"), max_length=255)
    datatype = models.CharField(_("datatype"), max_length=16, choices=Datatype.choices)
    datatype_description = models.CharField(_("hint"), max_length=255, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # False: text shown to the person, no answer expected (GeoReport's "variable").
    variable = models.BooleanField(_("asks for an answer"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    values = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_('[{"key": "…", "name": "…"}, …]')
    )
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("service attribute")
        verbose_name_plural = _("service attributes")
        ordering = ["service", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "code"], name="one_attribute_code_per_service"
            )
        ]

    def __str__(self):
        return self.code


class ClientApplication(models.Model):
    """A 311 app or website allowed to submit requests; it sends its api_key with each POST.

    Only the key's SHA-256 is stored; the key is shown once, when it is issued."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("Open311 client application")
        verbose_name_plural = _("Open311 client applications")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
