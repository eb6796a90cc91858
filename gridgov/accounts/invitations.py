"""Invitation links: how someone whose login was created for them (a roster import) sets their
first password. Signed, expiring, and good once: the signature covers the stored password
hash, which the first use replaces."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens under their own salt; they expire after PASSWORD_RESET_TIMEOUT,
    which the settings derive from GRIDGOV_INVITATION_DAYS."""

    key_salt = "gridgov.accounts.invitation"


invitations = InvitationTokenGenerator()


def invitation_path(user) -> str:
    """The path of `user`'s invitation (the site's address is the caller's to add)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:invitation", args=[uid, invitations.make_token(user)])


def invited_user(uidb64: str, token: str):
    """The user an invitation link names if it is genuine, unexpired and unused; else None."""
    from django.contrib.auth import get_user_model

    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or not invitations.check_token(user, token):
        return None
    return user
