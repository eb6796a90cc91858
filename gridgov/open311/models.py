"""What GridGov offers through Open311 GeoReport v2: a public face on some event categories.

An administrator decides which categories are public services and which extra questions
(attributes) a client must ask. A service request is an event; beside it only whether the
public may see it (Publication).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class Channel(models.TextChoices):
    OPEN311 = "open311", _("Open311 client")
    WEB = "web", _("public web form")
    STAFF = "staff", _("published by staff")


class Publication(models.Model):
    """An event the public feed (Open311 requests and updates) may show.

    Only what came in through a public channel is published of itself; anything else (the
    12345 hotline, supervision, inspections, warnings, grid workers' reports) stays internal
    until a dispatcher publishes it (audited). What the feed shows of an event comes from
    here: the citizen's own words, or for a published internal event only its title."""

    event = models.OneToOneField(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    scope_rule = ScopeRule(region="event")

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self):
        return f"{self.event_id} ({self.channel})"
