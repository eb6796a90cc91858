"""Typed readers for environment variables.

Settings come from the environment so that one build runs anywhere. A setting that production
cannot do without has no default: reading it fails loudly at start-up instead of quietly
running with a development value.
"""

import os
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ImproperlyConfigured

_REQUIRED = object()


def env_str(name: str, default: str | object = _REQUIRED) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is _REQUIRED:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be set (see README.md, 'Deploying')."
            )
        return default  # type: ignore[return-value]
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_decimal(name: str, default: str) -> Decimal:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return Decimal(default)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ImproperlyConfigured(f"{name}={raw!r} is not a decimal number.")
    return value


def env_list(name: str, default: list[str] | object = _REQUIRED) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if default is _REQUIRED:
            raise ImproperlyConfigured(
                f"The environment variable {name} must be set to a comma-separated list."
            )
        return list(default)  # type: ignore[call-overload]
    return [item.strip() for item in raw.split(",") if item.strip()]
