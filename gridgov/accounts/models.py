from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login identity. What the person may see and do comes from their Staff post
    (`gridgov.org.roles.post_of(user)`), not from this row; a user without a post sees nothing."""

    # Set when someone else chose the password (an initial one, a reset): the person must pick
    # their own before doing anything else (accounts.middleware.PasswordChangeRequired).
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def staff(self):
        """The post the user acts in (their first active one), or None."""
        from gridgov.org.roles import post_of

        return post_of(self)

    def display_name(self) -> str:
        from gridgov.org.roles import post_of

        staff = post_of(self)
        return staff.name if staff is not None else self.get_username()


class ApiToken(models.Model):
    """A bearer token for the REST API (the phones of grid workers). Only a digest of the
    secret is kept: whoever reads the database cannot use the tokens. Issued and revoked
    through `gridgov.accounts.actions`."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    # The first characters of the secret, so that a person can tell their tokens apart.
    prefix = models.CharField(_("prefix"), max_length=8)
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.prefix}… {self.name}".strip()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
