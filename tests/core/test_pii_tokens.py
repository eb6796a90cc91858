"""Tokens of personal information at rest: AES-256-GCM ("v2:") written, Fernet still read,
keys rotated by listing the new one first, and any altered or foreign token refused loudly."""

import base64

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from gridgov.core.pii import V2, decrypt, encrypt

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
ID_NUMBER = "33040219900101006X"


def test_a_value_is_written_as_a_v2_token_and_read_back(settings):
    settings.PII_KEYS = [NEW_KEY]
    token = encrypt(ID_NUMBER)
    assert token.startswith(V2) and ID_NUMBER not in token
    assert decrypt(token) == ID_NUMBER


def test_the_same_value_gives_a_different_token_each_time(settings):
    settings.PII_KEYS = [NEW_KEY]
    assert encrypt(ID_NUMBER) != encrypt(ID_NUMBER)


def test_a_fernet_token_written_before_still_decrypts(settings):
    settings.PII_KEYS = [OLD_KEY]
    token = Fernet(OLD_KEY.encode()).encrypt(ID_NUMBER.encode()).decode()
    assert decrypt(token) == ID_NUMBER


def test_after_a_key_rotation_tokens_of_the_old_key_still_decrypt(settings):
    settings.PII_KEYS = [OLD_KEY]
    v2_token = encrypt(ID_NUMBER)
    fernet_token = Fernet(OLD_KEY.encode()).encrypt(ID_NUMBER.encode()).decode()
    settings.PII_KEYS = [NEW_KEY, OLD_KEY]
    assert decrypt(v2_token) == ID_NUMBER
    assert decrypt(fernet_token) == ID_NUMBER
    fresh = encrypt(ID_NUMBER)
    settings.PII_KEYS = [NEW_KEY]  # the old key retired: new tokens need only the new one
    assert decrypt(fresh) == ID_NUMBER


@pytest.mark.parametrize("token_of", ["v2", "fernet"])
def test_a_token_under_a_key_no_longer_configured_is_refused_loudly(settings, token_of):
    settings.PII_KEYS = [OLD_KEY]
    if token_of == "v2":
        token = encrypt(ID_NUMBER)
    else:
        token = Fernet(OLD_KEY.encode()).encrypt(ID_NUMBER.encode()).decode()
    settings.PII_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        decrypt(token)


def test_an_altered_token_is_refused(settings):
    settings.PII_KEYS = [NEW_KEY]
    raw = bytearray(base64.urlsafe_b64decode(encrypt(ID_NUMBER)[len(V2) :]))
    raw[-1] ^= 1
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        decrypt(V2 + base64.urlsafe_b64encode(bytes(raw)).decode())


@pytest.mark.parametrize("body", ["", "%%%", "c2hvcnQ="])
def test_a_malformed_v2_token_is_refused(settings, body):
    settings.PII_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted"):
        decrypt(V2 + body)
