"""Settings shared by every environment. Environment-specific modules import this one."""

import re
from datetime import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gridgov.env import env_decimal, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("GRIDGOV_VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "gridgov.core.thirdparty.BackgroundTasksConfig",  # django_tasks_db, named in Chinese
    "gridgov.core.thirdparty.SignInLockoutsConfig",  # axes, named in Chinese
    "gridgov.core",
    "gridgov.accounts",
    "gridgov.regions",
    "gridgov.org",
    "gridgov.workflow",
    "gridgov.rollups",
    "gridgov.events",
    "gridgov.open311",
    "gridgov.citizens",
    "gridgov.powers",
    "gridgov.inspections",
    "gridgov.alerts",
    "gridgov.filings",
    "gridgov.households",
    "gridgov.campaigns",
    "gridgov.supervision",
    "gridgov.care",
    "gridgov.mobile",
    "gridgov.assistance",
    "gridgov.appointments",
    "gridgov.cockpit",
    "gridgov.evaluation",
    "gridgov.webhooks",
    "gridgov.reports",
    "gridgov.worktime",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gridgov.core.middleware.ContentSecurityPolicyMiddleware",
    # Before anything reads the body: an oversized one is refused unread (413).
    "gridgov.core.middleware.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session is looked up by its cookie, and before any view.
    "gridgov.core.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gridgov.accounts.middleware.PasswordChangeRequired",
    "gridgov.org.middleware.ChosenPost",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gridgov.core.middleware.DomainErrorMiddleware",
    # Last, so that it sees the authentication outcome of every view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gridgov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridgov.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL is the production engine. Both come from one URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gridgov.sqlite3'}")


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=env_int("GRIDGOV_DB_CONN_MAX_AGE", 60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Many readers, one writer: WAL lets reads proceed during a write, IMMEDIATE takes the
        # write lock at BEGIN so that two writers queue on the busy timeout instead of failing
        # with "database is locked" half-way through a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the lock before "database is locked" (the worker and
            # the clock then wait and try again; see core.resilience).
            "timeout": env_int("GRIDGOV_SQLITE_TIMEOUT", 20),
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA mmap_size=134217728;"
                "PRAGMA cache_size=-32000;"
            ),
        }
        config["CONN_MAX_AGE"] = None
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # Planner settings for what we run on, measured by bench/events.py on 10M events:
        # JIT compiling the KPI aggregates cost more than it saved; and on SSDs a random read
        # costs about a sequential one, so a year of a city's events is read through its index
        # (0.6–0.75 s) instead of by scanning ten years (1.4 s). Override with GRIDGOV_PG_OPTIONS.
        config.setdefault("OPTIONS", {})["options"] = env_str(
            "GRIDGOV_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
        )
        # A kept connection is checked before a request reuses it: after the server restarts,
        # the first request opens a new one instead of failing on the dead one.
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_url(DATABASE_URL)}
# A streaming replica for the reads that tolerate a few seconds' lag (gridgov.core.routers):
# the models of these apps ("rollups") or these models ("app.Model"). Unset: one database.
GRIDGOV_REPLICA_APPS = env_list("GRIDGOV_REPLICA_APPS", ["rollups"])
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL)
    # The test suite reads the primary's test database through it (none is created for it).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["gridgov.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout after repeated failures, per account and address: a stolen password list tried
# from one machine is stopped, while a colleague at another desk can still sign in; and per
# address across usernames, so that spraying many usernames from one machine is stopped too
# (GRIDGOV_LOGIN_LOCKOUT_BY_IP=0 turns that off, e.g. when a whole office shares one address
# that the proxies cannot tell apart).
AXES_FAILURE_LIMIT = env_int("GRIDGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("GRIDGOV_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]] + (
    ["ip_address"] if env_int("GRIDGOV_LOGIN_LOCKOUT_BY_IP", 1) else []
)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "gridgov.core.audit.client_ip"
# How many reverse proxies (TLS terminators, load balancers) stand in front of the app; the
# client address is then read from X-Forwarded-For. 0: use the socket's address.
TRUSTED_PROXY_COUNT = env_int("GRIDGOV_TRUSTED_PROXY_COUNT", 0)
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("GRIDGOV_SESSION_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The Content-Security-Policy of every answer (gridgov.core.middleware): empty, the built-in
# one (this site only, plus the map tile server); set, it replaces it whole.
GRIDGOV_CSP = env_str("GRIDGOV_CSP", "")

# --- Personal information (PIPL) ----------------------------------------------------------
# Fernet keys, newest first; older keys stay listed until every row is re-encrypted.
PII_KEYS: list[str] = []
# Key for the keyed hashes that let us find a row by phone or ID number without decrypting.
PII_INDEX_KEY = ""

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gridgov" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Working hours ------------------------------------------------------------------------
# Event deadlines count working time only: this window (HH:MM, local time in TIME_ZONE) of each
# working day. Working days are Monday to Friday, except for the calendar's holidays and
# make-up working days (gridgov.worktime, `manage.py import_holidays`).


def env_clock_time(name: str, default: str) -> time:
    raw = env_str(name, default).strip()
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw)
    if match is None:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a time of day (HH:MM, e.g. 08:30).")
    return time(int(match[1]), int(match[2]))


GRIDGOV_WORKDAY_START = env_clock_time("GRIDGOV_WORKDAY_START", "08:30")
GRIDGOV_WORKDAY_END = env_clock_time("GRIDGOV_WORKDAY_END", "17:30")
if GRIDGOV_WORKDAY_END <= GRIDGOV_WORKDAY_START:
    raise ImproperlyConfigured(
        f"GRIDGOV_WORKDAY_END ({GRIDGOV_WORKDAY_END:%H:%M}) must be later than "
        f"GRIDGOV_WORKDAY_START ({GRIDGOV_WORKDAY_START:%H:%M})."
    )

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gridgov" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "gridgov.core.storage.CompressedManifestStorage"},
}
# Fingerprinted files (name.<hash>.css) never change: WhiteNoise serves them as immutable for a
# year; the few others (favicon links written by hand) for a day, not WhiteNoise's 60 seconds.
WHITENOISE_MAX_AGE = 24 * 3600
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Maps ---------------------------------------------------------------------------------
# Empty: polygons are drawn on a blank canvas, which works offline. A command centre points
# this at its own tile server (e.g. a 天地图 or internal WMTS proxy).
MAP_TILE_URL = env_str("GRIDGOV_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("GRIDGOV_MAP_TILE_ATTRIBUTION", "")

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: its challenge makes a bad token a 401 (see BearerTokenAuthentication).
        "gridgov.accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON with a bound on nesting (gridgov.core.parsers); forms and multipart as DRF reads them.
    "DEFAULT_PARSER_CLASSES": [
        "gridgov.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["gridgov.core.throttles.UserWriteThrottle"],
    "DEFAULT_PAGINATION_CLASS": "gridgov.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "gridgov.core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# How deep a JSON body (or uploaded JSON file) may nest: deeper ones are refused with a 400
# before parsing (Python's decoder recurses once per level).
GRIDGOV_JSON_MAX_DEPTH = env_int("GRIDGOV_JSON_MAX_DEPTH", 64)
# API writes per user (any token or session) and window: beyond it a 429 with Retry-After.
GRIDGOV_API_WRITE_LIMIT = {
    "limit": env_int("GRIDGOV_API_WRITES_PER_MINUTE", 300),
    "seconds": 60,
}
# Signing in for a token (POST /api/v1/auth/token), per address and per username an hour.
GRIDGOV_TOKEN_IP_LIMIT = {"limit": env_int("GRIDGOV_TOKENS_PER_IP_HOUR", 60), "seconds": 3600}
GRIDGOV_TOKEN_USER_LIMIT = {
    "limit": env_int("GRIDGOV_TOKENS_PER_USER_HOUR", 20),
    "seconds": 3600,
}
# Tokens issued by POST /api/v1/auth/token expire after this many days (0: never).
GRIDGOV_API_TOKEN_DAYS = env_int("GRIDGOV_API_TOKEN_DAYS", 90)
# Sign-in through the organisation's OpenID Connect provider (gridgov.accounts.oidc), enabled
# when GRIDGOV_OIDC_CLIENT_ID is set; its secret and endpoints are then required. The provider's
# user is the staff member whose GRIDGOV_OIDC_MATCH field (employee_number, phone, id_number or
# username) equals the GRIDGOV_OIDC_CLAIM claim. Local passwords stay.
GRIDGOV_OIDC_CLAIM = env_str("GRIDGOV_OIDC_CLAIM", "employee_number")
GRIDGOV_OIDC_MATCH = env_str("GRIDGOV_OIDC_MATCH", "employee_number")
GRIDGOV_OIDC_NAME = env_str("GRIDGOV_OIDC_NAME", "统一身份认证")
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?oidc=refused"
if env_str("GRIDGOV_OIDC_CLIENT_ID", ""):
    OIDC_RP_CLIENT_ID = env_str("GRIDGOV_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = env_str("GRIDGOV_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("GRIDGOV_OIDC_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env_str("GRIDGOV_OIDC_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env_str("GRIDGOV_OIDC_USERINFO_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env_str("GRIDGOV_OIDC_JWKS_ENDPOINT", "") or None
    OIDC_RP_SIGN_ALGO = env_str("GRIDGOV_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = env_str("GRIDGOV_OIDC_SCOPES", "openid profile")
    OIDC_USE_PKCE = True
    OIDC_TIMEOUT = 10
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "gridgov.accounts.oidc.StaffOIDCBackend"]
# Invitation links (logins created by a roster import) work once, for this many days.
GRIDGOV_INVITATION_DAYS = env_int("GRIDGOV_INVITATION_DAYS", 14)
PASSWORD_RESET_TIMEOUT = GRIDGOV_INVITATION_DAYS * 86400
SPECTACULAR_SETTINGS = {
    "TITLE": "GridGov API",
    "DESCRIPTION": "基层治理综合信息平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that several areas call "kind" or "status" get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "PowerKindEnum": "gridgov.powers.choices.PowerKind",
        "PowerStatusEnum": "gridgov.powers.choices.PowerStatus",
        "DepartmentKindEnum": "gridgov.org.choices.DepartmentKind",
        "TargetKindEnum": "gridgov.inspections.choices.TargetKind",
        "RegionLevelEnum": "gridgov.regions.choices.RegionLevel",
        "CoverageLevelEnum": "gridgov.households.choices.CoverageLevel",
        "ColourEnum": "gridgov.households.choices.Colour",
    },
}

# --- Background work ----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("GRIDGOV_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

ALLOWED_HOSTS = env_list("GRIDGOV_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_NAME = _("Grassroots Governance Platform")

# --- Uploads ------------------------------------------------------------------------------
GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES = env_int("GRIDGOV_MAX_BOUNDARY_UPLOAD_MB", 100) * 2**20
GRIDGOV_MAX_PHOTO_BYTES = env_int("GRIDGOV_MAX_PHOTO_MB", 10) * 2**20
# Large uploads go to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
# The fields of a form or a JSON body read whole (files excepted).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("GRIDGOV_MAX_FORM_MB", 5) * 2**20
# The largest request body, by path (gridgov.core.middleware.BodyLimitMiddleware): a 413,
# before anything is read. Photo uploads take up to MAX_PHOTOS photos of the largest size,
# imports their files; everything else GRIDGOV_MAX_BODY_BYTES.
GRIDGOV_MAX_BODY_BYTES = env_int("GRIDGOV_MAX_BODY_MB", 2) * 2**20
_PHOTOS_BODY = env_int("GRIDGOV_MAX_PHOTOS_PER_REQUEST", 9) * GRIDGOV_MAX_PHOTO_BYTES + 2**20
_PUBLIC_PHOTOS_BODY = env_int("GRIDGOV_MAX_PUBLIC_PHOTOS", 6) * GRIDGOV_MAX_PHOTO_BYTES + 2**20
GRIDGOV_BODY_LIMITS = [
    # staff steps and reports with photos: pages and API
    (r"^/(api/v1/)?(events|inspections|rectifications|cases)(/|$)", _PHOTOS_BODY),
    # the public's reports with photos
    (r"^/(open311/v2/requests\.|public/new/)", _PUBLIC_PHOTOS_BODY),
    (r"^/regions/import/", GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES + 2**20),
    (r"^/powers/import/", env_int("GRIDGOV_MAX_SPREADSHEET_UPLOAD_MB", 20) * 2**20 + 2**20),
    (r"^/households/import/", env_int("GRIDGOV_MAX_LEDGER_UPLOAD_MB", 200) * 2**20 + 2**20),
    # a batch of up to 5,000 signals
    (r"^/api/v1/signals$", 16 * 2**20),
]

# --- Events -------------------------------------------------------------------------------
# How long after closing a reporter may reopen an event (and rate it).
GRIDGOV_REOPEN_DAYS = env_int("GRIDGOV_REOPEN_DAYS", 7)
# A new report suggests open events of its category this close, reported this recently.
GRIDGOV_DUPLICATE_RADIUS_M = env_int("GRIDGOV_DUPLICATE_RADIUS_M", 200)
GRIDGOV_DUPLICATE_WINDOW_HOURS = env_int("GRIDGOV_DUPLICATE_WINDOW_HOURS", 72)

# --- Inspections --------------------------------------------------------------------------
# How long an inspection's QR code (行政行为码) stays valid for the inspected party to check
# and rate it.
GRIDGOV_INSPECTION_CODE_DAYS = env_int("GRIDGOV_INSPECTION_CODE_DAYS", 365)
# How many inspection visits the planner gives one officer a day.
GRIDGOV_INSPECTIONS_PER_OFFICER_DAY = env_int("GRIDGOV_INSPECTIONS_PER_OFFICER_DAY", 4)

# --- Power items --------------------------------------------------------------------------
# The provincial target for the share of penalty items (%) held by the comprehensive
# enforcement bureau; the statistics show how far above or below it a county is.
GRIDGOV_PENALTY_SHARE_TARGET = env_decimal("GRIDGOV_PENALTY_SHARE_TARGET", "20.88")
GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES = env_int("GRIDGOV_MAX_SPREADSHEET_UPLOAD_MB", 20) * 2**20

# --- Background jobs ----------------------------------------------------------------------
# A running job's worker renews its lease every third of this; a job whose lease ran out is
# queued again (or failed after 3 attempts) by the sweep. A task row left RUNNING longer than
# GRIDGOV_TASK_ABANDONED_SECONDS lost its worker too (periodic tasks take seconds).
GRIDGOV_JOB_LEASE_SECONDS = env_int("GRIDGOV_JOB_LEASE_SECONDS", 30)
GRIDGOV_TASK_ABANDONED_SECONDS = env_int("GRIDGOV_TASK_ABANDONED_SECONDS", 600)
GRIDGOV_JOB_SWEEP_SECONDS = env_int("GRIDGOV_JOB_SWEEP_SECONDS", 15)

# --- Periodic tasks (each app registers its own; `manage.py run_clock` queues them) --------
GRIDGOV_DEADLINE_SWEEP_SECONDS = env_int("GRIDGOV_DEADLINE_SWEEP_SECONDS", 60)
GRIDGOV_WARNING_SWEEP_SECONDS = env_int("GRIDGOV_WARNING_SWEEP_SECONDS", 5)

# --- Open311 GeoReport v2 -------------------------------------------------------------------
GRIDGOV_OPEN311_JURISDICTION = env_str("GRIDGOV_OPEN311_JURISDICTION", "jiaxing.gridgov")
GRIDGOV_OPEN311_CONTACT = env_str("GRIDGOV_OPEN311_CONTACT", "")
GRIDGOV_OPEN311_KEY_SERVICE = env_str("GRIDGOV_OPEN311_KEY_SERVICE", "")
# Submissions per hour: from one address, and with one client application's key.
GRIDGOV_OPEN311_IP_LIMIT = {"limit": env_int("GRIDGOV_OPEN311_IP_PER_HOUR", 30), "seconds": 3600}
GRIDGOV_OPEN311_KEY_LIMIT = {
    "limit": env_int("GRIDGOV_OPEN311_KEY_PER_HOUR", 2000),
    "seconds": 3600,
}
# The public pages: complaints, and tracking-code lookups (with rating and reopening), per
# address per hour.
GRIDGOV_PUBLIC_SUBMIT_LIMIT = {
    "limit": env_int("GRIDGOV_PUBLIC_SUBMITS_PER_HOUR", 10),
    "seconds": 3600,
}
GRIDGOV_PUBLIC_LOOKUP_LIMIT = {
    "limit": env_int("GRIDGOV_PUBLIC_LOOKUPS_PER_HOUR", 60),
    "seconds": 3600,
}

# --- Households ---------------------------------------------------------------------------
# How many residents the demo town's ledgers hold (the test suite loads fewer).
GRIDGOV_DEMO_RESIDENTS = env_int("GRIDGOV_DEMO_RESIDENTS", 30_000)
# The largest ledger file the import page takes (a million residents is some 60 MB of .xlsx);
# the job reads it from the upload's temporary file, never the request's memory.
GRIDGOV_MAX_LEDGER_UPLOAD_BYTES = env_int("GRIDGOV_MAX_LEDGER_UPLOAD_MB", 200) * 2**20

# Outgoing webhooks (gridgov.webhooks) and scheduled reports (gridgov.reports). Links sent out
# start with GRIDGOV_SITE_URL; plain http:// to localhost only where allowed (never in
# production); a subscription is switched off after that many failed attempts in a row.
GRIDGOV_SITE_URL = env_str("GRIDGOV_SITE_URL", "http://localhost:8000").rstrip("/")
GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST = False  # development settings may turn it on
GRIDGOV_WEBHOOK_TIMEOUT_SECONDS = env_int("GRIDGOV_WEBHOOK_TIMEOUT_SECONDS", 10)
GRIDGOV_WEBHOOK_MAX_FAILURES = env_int("GRIDGOV_WEBHOOK_MAX_FAILURES", 10)
