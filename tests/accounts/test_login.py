import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_login_page_is_in_chinese_by_default():
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_english_is_available():
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in" in response.content.decode()


def test_a_staff_member_signs_in_and_lands_on_the_workbench(gridworker_a):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": gridworker_a.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"
    page = client.get("/").content.decode()
    assert "工作台" in page and "化东社区第1网格" in page


def test_repeated_failures_lock_the_account_even_with_the_right_password(gridworker_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/accounts/login/", {"username": gridworker_a.username,
                                                     "password": "wrong-password"})  # fmt: skip
        assert response.status_code in (200, 429)
    response = client.post(
        "/accounts/login/", {"username": gridworker_a.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_login_without_the_csrf_token_is_refused(gridworker_a):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": gridworker_a.username, "password": PASSWORD}
    )
    assert response.status_code == 403


def test_passwords_are_hashed_with_argon2_in_production():
    from gridgov.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"])
def test_a_stored_password_is_an_argon2_hash(gridworker_a):
    gridworker_a.set_password(PASSWORD)
    assert gridworker_a.password.startswith("argon2$argon2id$")


def _production_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    env.update(
        DJANGO_SETTINGS_MODULE="gridgov.settings.production",
        DATABASE_URL="sqlite:///:memory:",
        GRIDGOV_SECRET_KEY="a-long-random-production-secret-key-" + "z" * 40,
        GRIDGOV_PII_KEYS="bXFtcW1xbXFtcW1xbXFtcW1xbXFtcW1xbXFtcW1xbXE=",
        GRIDGOV_PII_INDEX_KEY="another-production-secret",
        GRIDGOV_ALLOWED_HOSTS="gridgov.example.gov.cn",
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def _manage(*args, env):
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "missing",
    ["GRIDGOV_SECRET_KEY", "GRIDGOV_PII_KEYS", "GRIDGOV_PII_INDEX_KEY", "GRIDGOV_ALLOWED_HOSTS"],
)
def test_production_refuses_to_start_without_its_secrets(missing):
    result = _manage("check", env=_production_env(**{missing: None}))
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert result.returncode == 0, result.stderr
