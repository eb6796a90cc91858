"""Production settings: every secret must come from the environment, or start-up fails."""

from gridgov.env import env_bool, env_int, env_list, env_str

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env_str("GRIDGOV_SECRET_KEY")
PII_KEYS = env_list("GRIDGOV_PII_KEYS")
PII_INDEX_KEY = env_str("GRIDGOV_PII_INDEX_KEY")
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
