"""Production refuses to start with the development keys published in development.py, or with
a malformed GRIDGOV_PII_KEYS (which used to fail only at the first encryption)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from gridgov.settings import development

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "GRIDGOV_SECRET_KEY": "s" * 50,
    "GRIDGOV_PII_KEYS": Fernet.generate_key().decode(),
    "GRIDGOV_PII_INDEX_KEY": "i" * 40,
    "GRIDGOV_ALLOWED_HOSTS": "gridgov.example",
}


def start(**env) -> subprocess.CompletedProcess:
    """Load the production settings in a fresh interpreter, as a server's start does."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    environment.update(GOOD, **env, PYTHONPATH=str(ROOT))
    environment["DJANGO_SETTINGS_MODULE"] = "gridgov.settings.production"
    code = "import django; django.setup(); from django.conf import settings; settings.PII_KEYS"
    return subprocess.run(  # noqa: S603 (this interpreter, a fixed command)
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_starts_with_its_own_keys():
    started = start()
    assert started.returncode == 0, started.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GRIDGOV_SECRET_KEY", development.DEVELOPMENT_SECRET_KEY),
        ("GRIDGOV_PII_KEYS", development.DEVELOPMENT_PII_KEY),
        ("GRIDGOV_PII_KEYS", f"{Fernet.generate_key().decode()},{development.DEVELOPMENT_PII_KEY}"),
        ("GRIDGOV_PII_INDEX_KEY", development.DEVELOPMENT_PII_INDEX_KEY),
    ],
)
def test_production_refuses_a_development_key(variable, value):
    started = start(**{variable: value})
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr
    assert f"{variable} holds a development key" in started.stderr


@pytest.mark.parametrize("keys", ["not-a-key", "c2hvcnQ=", f"{Fernet.generate_key().decode()},x"])
def test_production_refuses_malformed_encryption_keys(keys):
    started = start(GRIDGOV_PII_KEYS=keys)
    assert started.returncode != 0
    assert "is not a Fernet key" in started.stderr
