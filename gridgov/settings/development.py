"""Settings for a developer's machine and for `make demo`. Never for a public deployment."""

from gridgov.env import env_bool, env_list, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("GRIDGOV_DEBUG", True)
# Development keys are public (they are in this file): production refuses to start with any of
# them (production.py's PUBLISHED_SECRETS repeats them), as it does without its own.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret-" + "x" * 32
DEVELOPMENT_PII_KEY = "ZGV2ZWxvcG1lbnQtb25seS1waWkta2V5LTAwMDAwMDA="
DEVELOPMENT_PII_INDEX_KEY = "development-only-pii-index-key"
SECRET_KEY = env_str("GRIDGOV_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
PII_KEYS = env_list("GRIDGOV_PII_KEYS", [DEVELOPMENT_PII_KEY])
PII_INDEX_KEY = env_str("GRIDGOV_PII_INDEX_KEY", DEVELOPMENT_PII_INDEX_KEY)

# While developing, static files are served straight from the source tree, no collectstatic
# needed. The demo (`make demo`, GRIDGOV_DEBUG=false) serves them as production does: collected,
# compressed and fingerprinted (base.py's storage), cached for good by browsers.
if DEBUG:
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# The SQLite file and uploads live here; create it so a fresh checkout just works.
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST = env_bool("GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST", DEBUG)
