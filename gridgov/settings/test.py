"""Settings for the test suite. The database comes from DATABASE_URL like everywhere else."""

from .development import *  # noqa: F403

DEBUG = False
# Fast hashing: the suite creates many users; production hashing is tested explicitly.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # the browser tests' pages load their files from the tree
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Apps that exist only for the tests (a kind of work item defined under tests/, say): every
# tests/<name>/apps.py is installed, with no other setting to touch.
INSTALLED_APPS = [
    *INSTALLED_APPS,  # noqa: F405
    *(f"tests.{p.parent.name}" for p in sorted((BASE_DIR / "tests").glob("*/apps.py"))),  # noqa: F405
]
GRIDGOV_DEMO_RESIDENTS = 2_000  # the demo town's ledgers, kept small for the suite's start
