"""Production settings: every secret must come from the environment, or start-up fails; so
does a secret published with the code (development.py's) or a malformed encryption key."""

import base64
import binascii

from django.core.exceptions import ImproperlyConfigured

from gridgov.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

# Only the values: development.py itself is not loaded (it would change other settings).
PUBLISHED_SECRETS = {
    "development-only-not-secret-" + "x" * 32,
    "ZGV2ZWxvcG1lbnQtb25seS1waWkta2V5LTAwMDAwMDA=",
    "development-only-pii-index-key",
}


def refuse_published(name: str, values: list[str]) -> None:
    published = [v for v in values if v.strip() in PUBLISHED_SECRETS]
    if published:
        raise ImproperlyConfigured(
            f"{name} holds a development key published with the code; generate your own."
        )


def refuse_malformed_fernet_keys(keys: list[str]) -> None:
    """Each key must be a Fernet key (32 bytes, url-safe base64): found now, not at the first
    encryption of a phone number."""
    for number, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.strip().encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured(
                f"GRIDGOV_PII_KEYS: key {number} is not a Fernet key (32 bytes, url-safe "
                "base64); generate one with python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'."
            )


DEBUG = False
SECRET_KEY = env_str("GRIDGOV_SECRET_KEY")
PII_KEYS = env_list("GRIDGOV_PII_KEYS")
PII_INDEX_KEY = env_str("GRIDGOV_PII_INDEX_KEY")
refuse_published("GRIDGOV_SECRET_KEY", [SECRET_KEY])
refuse_published("GRIDGOV_PII_KEYS", PII_KEYS)
refuse_published("GRIDGOV_PII_INDEX_KEY", [PII_INDEX_KEY])
refuse_malformed_fernet_keys(PII_KEYS)
ALLOWED_HOSTS = env_list("GRIDGOV_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("GRIDGOV_CSRF_TRUSTED_ORIGINS", [])

# Behind the command centre's TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = env_int("GRIDGOV_TRUSTED_PROXY_COUNT", 1)
SECURE_SSL_REDIRECT = env_bool("GRIDGOV_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("GRIDGOV_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("GRIDGOV_HSTS_PRELOAD", False)
# Preloading is a one-way commitment to the browsers' list; a deployment opts in knowingly.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
