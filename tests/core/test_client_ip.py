import pytest
from django.test import RequestFactory

from gridgov.core.audit import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy trusted: the header proves nothing
        (1, "203.0.113.9", "203.0.113.9"),  # what our proxy saw
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own claim is ignored
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (1, "", "10.0.0.2"),  # header missing: the socket's address
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_comes_from_the_trusted_proxies_only(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
