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
def do_set_password(user, password: str, *, actor, must_change: bool | None = None) -> int:
    """Set a password: the person's own (a change), or one someone else chose (a reset).

    Either way every API token of the user is revoked: whoever held the old password may have
    minted one. Someone else's choice must be replaced at the next sign-in unless
    `must_change` says otherwise. Returns how many tokens were revoked."""
    check_password(password, user)
    own = isinstance(actor, models.Model) and actor.pk == user.pk
    user.set_password(password)
    user.must_change_password = (not own) if must_change is None else must_change
    user.save(update_fields=["password", "must_change_password"])
    revoked = revoke_all_tokens(user, actor=actor, reason="password")
    audit.record(
        "accounts.user.set_password",
        actor=actor,
        target=user,
        changes={"tokens_revoked": revoked, "must_change": user.must_change_password},
    )
    return revoked


def revoke_all_tokens(user, *, actor, reason: str) -> int:
    """Revoke every live token of `user` (inside the caller's transaction, audited there)."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        audit.record(
            "accounts.token.revoke_all",
            actor=actor,
            target=user,
            summary=f"{user.get_username()}: {revoked} ({reason})",
            changes={"count": revoked, "reason": reason},
        )
    return revoked


def end_sessions(user, *, keep: str | None = None) -> int:
    """Sign `user` out of every browser: delete their sessions (but `keep`, a session key).

    Sessions are stored by key, not by user, so the live ones are read; a county's live
    sessions are a few thousand rows at most."""
    from django.contrib.sessions.models import Session

    user_id = str(user.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == user_id
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def do_disable_login(user, *, actor, ip_address=None) -> None:
    """Nobody may sign in as `user` any more: sessions ended, tokens revoked. Audited."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    sessions = end_sessions(user)
    tokens = revoke_all_tokens(user, actor=actor, reason="disabled")
    audit.record(
        "accounts.user.disable",
        actor=actor,
        target=user,
        summary=user.get_username(),
        changes={"sessions_ended": sessions, "tokens_revoked": tokens},
        ip_address=ip_address,
    )


@transaction.atomic
def do_enable_login(user, *, actor, ip_address=None) -> None:
    if user.is_active:
        return
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(
        "accounts.user.enable", actor=actor, target=user, summary=user.get_username(),
        ip_address=ip_address,
    )  # fmt: skip


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
