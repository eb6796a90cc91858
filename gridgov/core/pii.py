"""Personal information at rest (PIPL): encrypted columns, keyed digests for lookup, masking.

* `EncryptedTextField` stores an authenticated token; Python code sees the plaintext. The
  ciphertext is randomised, so the column cannot be searched: filter on its `DigestField` instead.
  Tokens are AES-256-GCM ("v2:" + base64 of nonce and ciphertext, the key derived with HKDF from
  the first configured PII key): a fifth of a Fernet token's cost, which a ledger import of a
  million residents pays twice a row. Fernet tokens written before still decrypt, and every
  configured key is tried, so keys rotate as before (the new key first, the old ones after).
* `DigestField(source=...)` keeps an HMAC of the normalised plaintext, derived on every save, so
  "find the resident with this ID number" is an indexed equality without decrypting anything.
* `mask_*` give what screens and exports show; the plaintext is shown only through an audited
  reveal (see `gridgov.core.audit`).
"""

import base64
import binascii
import hmac
import os
import re
from collections.abc import Callable
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PII_KEYS is empty: set GRIDGOV_PII_KEYS.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError:
        raise ImproperlyConfigured(
            "GRIDGOV_PII_KEYS must hold url-safe base64 32-byte Fernet keys "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())')."
        ) from None


V2 = "v2:"
_NONCE = 12
_V2_INFO = b"gridgov pii v2 aes-256-gcm"


@lru_cache(maxsize=4)
def _aead(keys: tuple[str, ...]) -> tuple[AESGCM, ...]:
    """One AES-256-GCM key per configured PII key (checked by `_cipher` first), derived with
    HKDF so that the same secret never serves two algorithms as is."""
    _cipher(keys)
    return tuple(
        AESGCM(
            HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_V2_INFO).derive(
                base64.urlsafe_b64decode(key.encode())
            )
        )
        for key in keys
    )


def encrypt(plaintext: str) -> str:
    return encrypter()(plaintext)


def decrypt(token: str) -> str:
    keys = tuple(settings.PII_KEYS)
    try:
        if token.startswith(V2):
            return _decrypt_v2(keys, token)
        return _cipher(keys).decrypt(token.encode()).decode()
    except InvalidToken:
        # A row written under a key that is no longer configured, or altered: refuse loudly
        # rather than show ciphertext as if it were a phone number.
        raise ImproperlyConfigured(
            "A personal-information value cannot be decrypted with the configured PII keys."
        ) from None


def _decrypt_v2(keys: tuple[str, ...], token: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(token[len(V2) :].encode())
    except (binascii.Error, ValueError):
        raise InvalidToken from None
    nonce, sealed = raw[:_NONCE], raw[_NONCE:]
    for aead in _aead(keys):
        try:
            return aead.decrypt(nonce, sealed, None).decode()
        except (InvalidTag, ValueError):
            continue
    raise InvalidToken


_SEPARATORS = re.compile(r"[\s-]")


def normalise(value: str) -> str:
    """Spaces and case must not make the same number hash differently."""
    return _SEPARATORS.sub("", value).upper()


def digest(value: str) -> str:
    return hmac.digest(settings.PII_INDEX_KEY.encode(), normalise(value).encode(), "sha256").hex()


def digester() -> Callable[[str], str]:
    """`digest` with the key read once, for a loop over a million values (reading a setting
    costs as much as the digest)."""
    key = settings.PII_INDEX_KEY.encode()
    return lambda value: hmac.digest(key, normalise(value).encode(), "sha256").hex()


def encrypter() -> Callable[[str], str]:
    """`encrypt` with the key found once, for a loop over a million values."""
    aead = _aead(tuple(settings.PII_KEYS))[0]

    def seal(plaintext: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = aead.encrypt(nonce, plaintext.encode(), None)
        return V2 + base64.urlsafe_b64encode(nonce + sealed).decode()

    return seal


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name):
        # Tokens are randomised: an equality lookup would silently never match.
        if lookup_name not in {"isnull"}:
            raise TypeError(
                f"{self.name} is encrypted and cannot be filtered with '{lookup_name}'; "
                "filter on its digest field instead."
            )
        return super().get_lookup(lookup_name)


class DigestField(models.CharField):
    """HMAC-SHA256 of another field's plaintext, recomputed whenever the row is saved.

    `bulk_update` does not call `pre_save`: include the digest in any bulk update of its source
    by saving rows one by one, or set it with `digest()` yourself.
    """

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        # Indexed unless told otherwise: say so when not, or a migration would put it back.
        if not self.db_index:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        plaintext = getattr(model_instance, self.source)
        value = digest(plaintext) if plaintext else ""
        setattr(model_instance, self.attname, value)
        return value


def mask_phone(value: str) -> str:
    """138****5678 — enough for a colleague to recognise, not enough to call."""
    if not value:
        return ""
    digits = normalise(value)
    if len(digits) <= 4:
        return "*" * len(digits)
    keep_head = 3 if len(digits) >= 7 else 1
    return digits[:keep_head] + "*" * (len(digits) - keep_head - 4) + digits[-4:]


def mask_id_number(value: str) -> str:
    """330402********123X: region and last four, never the birth date."""
    if not value:
        return ""
    text = normalise(value)
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_name(value: str) -> str:
    """张*、欧阳** — the family name only."""
    if not value:
        return ""
    head = 2 if len(value) >= 4 else 1
    return value[:head] + "*" * (len(value) - head)
