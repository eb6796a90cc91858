"""Sign-in through the organisation's identity provider: a fake OpenID Connect provider (its
token, JWKS and userinfo endpoints answered in-process, no network) names a staff member by a
claim; unknown and deactivated people are refused; local passwords stay."""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from gridgov.org.actions import do_create_account, do_deactivate_staff, do_update_staff
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROVIDER = "https://idp.example.gov.cn"
CLIENT_ID = "gridgov"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
JWK = {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key())), "kid": "k1",
       "alg": "RS256", "use": "sig"}  # fmt: skip


class Answer:
    """What `requests` would return: enough of a Response for the library."""

    def __init__(self, body, status=200):
        self.body, self.status_code = body, status
        self.headers = {"content-type": "application/json"}
        self.url, self.text = "", json.dumps(body)

    def json(self):
        return self.body

    def raise_for_status(self):
        if self.status_code >= 400:
            raise AssertionError(f"HTTP {self.status_code}")


class FakeProvider:
    """The provider's endpoints; `claims` is what its userinfo says about the person."""

    def __init__(self, monkeypatch, claims):
        self.claims, self.nonce, self.calls = claims, None, []
        monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", self.post)
        monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", self.get)

    def post(self, url, data=None, **kwargs):
        self.calls.append(url)
        assert url == f"{PROVIDER}/token" and data["client_id"] == CLIENT_ID
        now = int(time.time())
        id_token = jwt.encode(
            {"iss": PROVIDER, "aud": CLIENT_ID, "sub": "p-1", "nonce": self.nonce,
             "iat": now, "exp": now + 300},
            KEY,
            algorithm="RS256",
            headers={"kid": "k1"},
        )  # fmt: skip
        return Answer({"id_token": id_token, "access_token": "at-1", "token_type": "Bearer"})

    def get(self, url, headers=None, **kwargs):
        self.calls.append(url)
        if url == f"{PROVIDER}/jwks":
            return Answer({"keys": [JWK]})
        assert url == f"{PROVIDER}/userinfo" and headers["Authorization"] == "Bearer at-1"
        return Answer({"sub": "p-1", **self.claims})


@pytest.fixture
def oidc(settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "s3cret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid profile"
    settings.OIDC_USE_PKCE = True
    settings.GRIDGOV_OIDC_CLAIM = "employee_number"
    settings.GRIDGOV_OIDC_MATCH = "employee_number"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "gridgov.accounts.oidc.StaffOIDCBackend",
    ]
    return settings


@pytest.fixture
def officer(db):
    staff = Staff.objects.filter(role=Role.OFFICER, user__isnull=True).order_by("pk").first()
    do_update_staff(staff, actor="test", name=staff.name, phone=staff.phone,
                    id_number=staff.id_number, employee_number="NH-0042")  # fmt: skip
    do_create_account(staff, actor="test", username="oidc-officer", password=PASSWORD)
    return Staff.objects.get(pk=staff.pk)


def sign_in_through_the_provider(monkeypatch, claims) -> tuple[Client, object]:
    provider = FakeProvider(monkeypatch, claims)
    browser = Client()
    start = browser.get("/accounts/oidc/start/")
    assert start.status_code == 302 and start["Location"].startswith(f"{PROVIDER}/authorize?")
    query = parse_qs(urlparse(start["Location"]).query)
    assert query["client_id"] == [CLIENT_ID] and "code_challenge" in query
    provider.nonce = query["nonce"][0]
    back = browser.get("/accounts/oidc/callback/", {"code": "c-1", "state": query["state"][0]})
    return browser, back


def test_the_provider_signs_in_the_staff_member_its_claim_names(oidc, officer, monkeypatch):
    browser, back = sign_in_through_the_provider(monkeypatch, {"employee_number": "NH-0042"})
    assert back.status_code == 302 and "oidc=refused" not in back["Location"]
    assert browser.session["_auth_user_id"] == str(officer.user_id)
    assert browser.get("/api/v1/me").json()["username"] == "oidc-officer"


def test_a_phone_claim_is_matched_by_digest(oidc, officer, monkeypatch):
    oidc.GRIDGOV_OIDC_CLAIM = "phone_number"
    oidc.GRIDGOV_OIDC_MATCH = "phone"
    browser, _back = sign_in_through_the_provider(monkeypatch, {"phone_number": officer.phone})
    assert browser.session["_auth_user_id"] == str(officer.user_id)


def test_someone_the_roster_does_not_know_is_refused(oidc, officer, monkeypatch):
    browser, back = sign_in_through_the_provider(monkeypatch, {"employee_number": "NOBODY"})
    assert back["Location"] == "/accounts/login/?oidc=refused"
    assert "_auth_user_id" not in browser.session
    assert "oidc=refused" in back["Location"]


def test_a_deactivated_person_is_refused(oidc, officer, monkeypatch):
    do_deactivate_staff(officer, actor="test")
    browser, back = sign_in_through_the_provider(monkeypatch, {"employee_number": "NH-0042"})
    assert back["Location"] == "/accounts/login/?oidc=refused"
    assert "_auth_user_id" not in browser.session


def test_a_forged_token_is_refused(oidc, officer, monkeypatch):
    provider = FakeProvider(monkeypatch, {"employee_number": "NH-0042"})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = provider.post

    def forged(url, data=None, **kwargs):
        answer = original(url, data=data, **kwargs)
        claims = jwt.decode(answer.body["id_token"], options={"verify_signature": False})
        answer.body["id_token"] = jwt.encode(
            claims, other_key, algorithm="RS256", headers={"kid": "k1"}
        )
        return answer

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", forged)
    browser = Client()
    query = parse_qs(urlparse(browser.get("/accounts/oidc/start/")["Location"]).query)
    provider.nonce = query["nonce"][0]
    back = browser.get("/accounts/oidc/callback/", {"code": "c-1", "state": query["state"][0]})
    assert back.status_code in (302, 400)
    assert "_auth_user_id" not in browser.session


def test_local_passwords_still_work_beside_the_provider(oidc, officer):
    response = Client().post("/accounts/login/", {"username": "oidc-officer", "password": PASSWORD})
    assert response.status_code == 302


def test_the_login_page_offers_the_provider_only_when_configured(oidc, settings):
    assert 'id="oidc-sign-in"' in Client().get("/accounts/login/").content.decode()
    del settings.OIDC_RP_CLIENT_ID
    assert 'id="oidc-sign-in"' not in Client().get("/accounts/login/").content.decode()
    assert Client().get("/accounts/oidc/start/").status_code == 404
