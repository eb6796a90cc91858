"""Where a webhook may be sent: HTTPS to a public address. Anything else a member of staff
could type would let the server be used against the network it sits in (SSRF): localhost,
private ranges, link-local cloud metadata (169.254.169.254), multicast, reserved space.

The name is resolved when the subscription is saved and again at every delivery, and the
delivery connects to the address that was checked (never resolving a second time), so a
name that changes its answer between the two (DNS rebinding) gains nothing. Plain HTTP to
localhost is allowed only where GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST is on (development, tests).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput, field_problem

LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class Endpoint:
    """A checked URL: where to connect (`address`), and what to say to it (host, path)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def localhost_allowed() -> bool:
    return bool(getattr(settings, "GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST", settings.DEBUG))


def refuse(message) -> InvalidInput:
    return InvalidInput(message, details=[field_problem("url", message)])


def checked_endpoint(url: str) -> Endpoint:
    """The endpoint a URL names, resolved and checked; InvalidInput (field "url") otherwise."""
    try:
        parts = urlsplit((url or "").strip())
        port = parts.port
    except ValueError:
        raise refuse(_("This is not a URL.")) from None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise refuse(_("Give an https:// address."))
    if parts.username or parts.password:
        raise refuse(_("An address with a user name or password in it is refused."))
    local = host in LOCAL_NAMES
    if local and not localhost_allowed():
        raise refuse(_("Webhooks are not sent to this server itself."))
    if parts.scheme == "http" and not local:
        raise refuse(_("Give an https:// address."))
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Endpoint(parts.scheme, host, port, path, _permitted_address(host, port, local))


def _permitted_address(host: str, port: int, local: bool) -> str:
    try:
        found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise refuse(_("The host name of this address does not resolve.")) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    for address in addresses:
        if getattr(address, "ipv4_mapped", None) is not None:
            address = address.ipv4_mapped
        allowed = address.is_loopback if local else _public(address)
        if not allowed:
            raise refuse(_("This address leads into a private or reserved network; it is refused."))
    return str(addresses[0])


def _public(address) -> bool:
    return address.is_global and not address.is_multicast
