from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login identity. What the person may see and do comes from their Staff post
    (`gridgov.org.roles.post_of(user)`), not from this row; a user without a post sees nothing."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def display_name(self) -> str:
        from gridgov.org.roles import post_of

        staff = post_of(self)
        return staff.name if staff is not None else self.get_username()
