"""How a message is signed and shaped for its endpoint.

Standard Webhooks (https://www.standardwebhooks.com/): the body is JSON, and the headers
`webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` ("v1,<base64 HMAC-SHA256
of id.timestamp.body>") are made by the `standardwebhooks` package with a "whsec_" secret.

A DingTalk group robot takes {"msgtype": "markdown", "markdown": {"title", "text"}} and signs
with its own scheme: timestamp (milliseconds) + "\\n" + secret, HMAC-SHA256 keyed by the
secret, base64, URL-encoded, sent as the `timestamp` and `sign` query parameters.
"""

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime
from urllib.parse import quote_plus

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix the specification gives secrets


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def standard_headers(secret: str, msg_id: str, at: datetime, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "content-type": "application/json",
    }


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), text, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_path(path: str, secret: str, at: datetime) -> str:
    """The robot's path with `timestamp` and `sign` added to its query (access_token stays)."""
    timestamp_ms = int(at.timestamp() * 1000)
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_body(title: str, lines: list[str]) -> bytes:
    text = "\n\n".join([f"#### {title}", *lines])
    return body_bytes({"msgtype": "markdown", "markdown": {"title": title, "text": text}})
