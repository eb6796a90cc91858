"""The audit trail: every write and every reveal of personal information leaves one row.

Action functions call `record` inside their transaction, so an audit row exists exactly when
the change it describes was committed.
"""

import ipaddress

from django.conf import settings
from django.db import models

from .models import AuditEntry


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


def _target_fields(target) -> dict:
    if target is None:
        return {"target_type": "", "target_id": ""}
    if isinstance(target, models.Model):
        return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}
    kind, ident = target
    return {"target_type": kind, "target_id": str(ident)}


def record(
    action: str,
    *,
    actor,
    target=None,
    summary: str = "",
    changes: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one audit row.

    `actor` is a user, None for the system, or a label such as "command:import_divisions".
    `target` is a model instance or a (type, id) pair.
    """
    return AuditEntry.objects.create(
        actor=actor if isinstance(actor, models.Model) else None,
        actor_label=actor_label(actor),
        action=action,
        summary=summary[:255],
        changes=changes or {},
        ip_address=ip_address,
        **_target_fields(target),
    )


def client_ip(request) -> str | None:
    """The address a request came from, for audit rows and login lockout.

    REMOTE_ADDR, unless settings.TRUSTED_PROXY_COUNT reverse proxies stand in front of us: then
    the address the outermost of them saw, which it appended to X-Forwarded-For. Entries to the
    left of that one came from the client and prove nothing.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
