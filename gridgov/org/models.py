from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.core.pii import DigestField, EncryptedTextField, mask_phone
from gridgov.core.scope_rules import ScopeRule

from .choices import DepartmentKind, Role


class Department(models.Model):
    """A functional department, an enforcement agency or a command centre, or a sub-unit of one
    (e.g. a squad of the comprehensive enforcement bureau stationed in a town)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=DepartmentKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_enforcement = models.BooleanField(
        _("enforcement agency"),
        default=False,
        help_text=_("Its staff count as enforcement staff (执法力量)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Ids from the top unit down to this one, "/3/17/": a unit and all its sub-units are the
    # rows whose path starts with the unit's, one indexed prefix match. Set on creation.
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)
    # Every staff member needs the directory of units to route and hand over work.
    scope_rule = ScopeRule(all_staff=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def level(self) -> str:
        """A unit works at the level of the region it belongs to."""
        return self.region.level

    def contains(self, unit) -> bool:
        """Whether `unit` is this department or one of its sub-units (a bureau contains its
        squads): its path starts with this one's."""
        return unit is not None and unit.path.startswith(self.path)

    @staticmethod
    def top_unit_of(path: str) -> int:
        """The id of the top unit (a bureau, for its squads) of a department path."""
        return int(path.strip("/").split("/")[0])


class Staff(models.Model):
    """A person's post in the governance network: a role in a region (and department). May
    exist without a login (HR roster). Someone holding a second post has a second row with the
    same person fields and login; they act in their first active post unless they choose
    another (org.middleware.ChosenPost)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
        # `User.objects.filter(staff__role=…)` reads as before posts could be more than one.
        related_query_name="staff",
    )
    name = models.CharField(_("name"), max_length=64)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("posting"),
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Where the person works; also the root of what they may see."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_digest = DigestField(source="phone")
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_digest = DigestField(source="id_number")
    # The employer's own number for the person (工号): with the ID number, what a roster
    # import recognises someone by.
    employee_number = models.CharField(_("employee number"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_rule = ScopeRule(region="region", department="department")

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["region__code", "name", "id"]
        indexes = [
            models.Index(fields=["role", "is_active"]),
            models.Index(fields=["employee_number"]),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
