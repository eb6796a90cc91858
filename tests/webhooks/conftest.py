import pytest

from gridgov.regions.models import Region
from gridgov.webhooks.actions import SubscriptionData, do_create_subscription
from tests.conftest import DEMO_TOWN

from .receiver import Receiver


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST = True
    settings.GRIDGOV_WEBHOOK_TIMEOUT_SECONDS = 2
    settings.GRIDGOV_WEBHOOK_MAX_FAILURES = 10
    settings.GRIDGOV_SITE_URL = "https://grid.example.cn"
    return settings


@pytest.fixture
def town(db):
    return Region.objects.get(code=DEMO_TOWN)


def subscribe(actor, url, *, region, topics=("warning.raised",), fmt="standard", secret=""):
    data = SubscriptionData(
        name="指挥中心", url=url, topics=list(topics), region=region, format=fmt, secret=secret
    )
    return do_create_subscription(data, actor=actor)


@pytest.fixture
def receiver():
    """A standard receiver; its secret is set once the subscription is made."""
    with Receiver() as running:
        yield running
