"""The audit trail: every write and every reveal of personal information leaves one row.

Action functions call `record` inside their transaction, so an audit row exists exactly when
the change it describes was committed.
"""

from collections.abc import Iterable

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


def changed_fields(instance: models.Model, new_values: dict) -> dict:
    """{field: [old, new]} for the values that differ; what an audit row should show."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value):
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Iterable):
        return [_jsonable(v) for v in value]
    return str(value)


def client_ip(request) -> str | None:
    """The address the request came from; REMOTE_ADDR unless a trusted proxy says otherwise."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
