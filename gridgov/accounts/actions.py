"""Write paths for login accounts and their API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.errors import Conflict, InvalidInput, NotPermitted

from .models import ApiToken

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
TOKEN_PREFIX = "ggv_"  # noqa: S105 (a prefix, not a secret)


def check_password(password: str, user) -> None:
    """Raise InvalidInput listing every rule the password breaks."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            _("The password is too weak."),
            details=[{"field": "password", "reason": message} for message in exc.messages],
        ) from None


@transaction.atomic
def do_set_password(user, password: str, *, actor) -> None:
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("accounts.user.set_password", actor=actor, target=user)


def token_digest(secret: str) -> str:
    """What is stored of a token, and looked up when it is presented: its SHA-256."""
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def do_issue_token(
    user, *, actor, name: str = "", lifetime: timedelta | None = None, ip_address=None
) -> tuple[ApiToken, str]:
    """Issue an API token for `user`; the secret is returned here and never again.

    `lifetime` None: the token is valid until revoked.
    """
    name = (name or "").strip()
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise InvalidInput(_("The token name is too long (at most 100 characters)."))
    if not user.is_active:
        raise InvalidInput(_("This account is disabled; it cannot get an API token."))
    if lifetime is not None and lifetime <= timedelta(0):
        raise InvalidInput(_("A token must be valid for a positive time."))
    if isinstance(actor, models.Model) and actor.pk != user.pk and not actor.is_superuser:
        raise NotPermitted(_("You can only issue API tokens for yourself."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=secret[:8],
        key_digest=token_digest(secret),
        created_at=now,
        expires_at=now + lifetime if lifetime is not None else None,
    )
    audit.record(
        "accounts.token.issue",
        actor=actor,
        target=token,
        summary=f"{user.get_username()} {token.prefix} {name}",
        changes={
            "user": user.get_username(),
            "name": name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
        ip_address=ip_address,
    )
    return token, secret


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor, ip_address=None) -> None:
    """Revoke a token for good: requests presenting it are refused from now on."""
    if isinstance(actor, models.Model) and actor.pk != token.user_id and not actor.is_superuser:
        raise NotPermitted(_("You can only revoke your own API tokens."))
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not revoked:
        raise Conflict(_("This API token was already revoked."))
    token.refresh_from_db(fields=["revoked_at"])
    audit.record(
        "accounts.token.revoke",
        actor=actor,
        target=token,
        summary=f"{token.user.get_username()} {token.prefix} {token.name}",
        changes={"user": token.user.get_username(), "prefix": token.prefix},
        ip_address=ip_address,
    )
