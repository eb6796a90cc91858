"""Managing webhooks: the address checks (SSRF), the secret shown once, the pages and the API,
the buttons (test message, redeliver, switch on and off), and scope."""

import json

import pytest
from django.urls import reverse

from gridgov.core.errors import InvalidInput
from gridgov.core.models import AuditEntry
from gridgov.regions.models import Region
from gridgov.webhooks.addresses import checked_endpoint
from gridgov.webhooks.choices import MessageStatus
from gridgov.webhooks.delivery import receive
from gridgov.webhooks.models import Message, Subscription
from tests.conftest import DEMO_TOWN, GRID_A, OTHER_TOWN, client_for

from .conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://172.16.5.4/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "http://93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "https://user:pass@93.184.216.34/hook",
        "not a url",
        "https://no-such-host.invalid/hook",
    ],
)
def test_addresses_into_private_networks_or_without_https_are_refused(url):
    with pytest.raises(InvalidInput) as refused:
        checked_endpoint(url)
    assert refused.value.details[0]["field"] == "url"


def test_localhost_is_refused_unless_the_setting_allows_it(settings):
    settings.GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST = False
    for url in ("http://localhost:8000/hook", "https://127.0.0.1/hook", "https://[::1]/h"):
        with pytest.raises(InvalidInput):
            checked_endpoint(url)
    settings.GRIDGOV_WEBHOOKS_ALLOW_LOCALHOST = True
    assert checked_endpoint("http://127.0.0.1:9/hook").address == "127.0.0.1"
    with pytest.raises(InvalidInput):  # still not another private address
        checked_endpoint("http://10.0.0.1/hook")


def test_a_public_https_address_is_taken_with_the_address_it_resolved_to():
    endpoint = checked_endpoint("https://93.184.216.34:8443/robot/send?access_token=x")
    assert (endpoint.scheme, endpoint.port, endpoint.address) == ("https", 8443, "93.184.216.34")
    assert endpoint.path == "/robot/send?access_token=x"


def api(user):
    return client_for(user)


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_creating_a_webhook_through_the_api_answers_its_secret_once(county_leader):
    client = api(county_leader)
    response = post_json(
        client,
        "/api/v1/webhooks",
        {"name": "值班群", "url": "http://127.0.0.1:9/h", "topics": ["event.overdue"],
         "region": DEMO_TOWN},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    assert secret.startswith("whsec_")
    listed = client.get("/api/v1/webhooks").json()["results"]
    assert [w["name"] for w in listed] == ["值班群"] and "secret" not in listed[0]
    subscription = Subscription.objects.get(pk=response.json()["id"])
    assert subscription.secret == secret
    page = client_for(county_leader).get(subscription.get_absolute_url()).content.decode()
    assert secret not in page
    entry = AuditEntry.objects.get(action="webhooks.subscription.create")
    assert secret not in json.dumps(entry.changes)


def test_a_private_address_is_refused_by_the_api_and_nothing_is_written(county_leader):
    before = AuditEntry.objects.count()
    response = post_json(
        api(county_leader),
        "/api/v1/webhooks",
        {"name": "x", "url": "https://169.254.169.254/", "topics": ["event.overdue"],
         "region": DEMO_TOWN},
    )  # fmt: skip
    assert response.status_code == 400
    assert "url" in {e["field"] for e in response.json()["errors"]}
    assert not Subscription.objects.exists() and AuditEntry.objects.count() == before


def test_a_dingtalk_robot_needs_its_sec_secret(county_leader):
    response = post_json(
        api(county_leader),
        "/api/v1/webhooks",
        {"name": "钉钉", "url": "http://127.0.0.1:9/robot/send?access_token=t",
         "topics": ["warning.raised"], "region": DEMO_TOWN, "format": "dingtalk"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "secret" in {e["field"] for e in response.json()["errors"]}


def test_the_page_adds_a_webhook_and_shows_its_secret_on_the_answer_only(county_leader):
    client = client_for(county_leader)
    page = client.get(reverse("webhooks:list"))
    assert page.status_code == 200 and "添加" in page.content.decode()
    answer = client.post(
        reverse("webhooks:list"),
        {"name": "平台", "url": "http://127.0.0.1:9/h", "topics": ["warning.raised"],
         "region": DEMO_TOWN, "format": "standard"},
    )  # fmt: skip
    assert answer.status_code == 201
    subscription = Subscription.objects.get()
    assert subscription.secret in answer.content.decode()
    assert subscription.secret not in client.get(reverse("webhooks:list")).content.decode()


def test_the_page_says_what_is_wrong_with_a_refused_webhook(county_leader):
    answer = client_for(county_leader).post(
        reverse("webhooks:list"),
        {"name": "", "url": "https://10.0.0.1/", "topics": [], "region": OTHER_TOWN + "999"},
    )
    assert answer.status_code == 400 and not Subscription.objects.exists()


def test_people_without_the_capability_cannot_manage_webhooks(gridworker_a, dispatcher_town):
    for user in (gridworker_a, dispatcher_town):
        assert client_for(user).get(reverse("webhooks:list")).status_code == 403
        assert client_for(user).get("/api/v1/webhooks").status_code == 403


def test_another_towns_webhook_is_not_found_and_stays_as_it_was(county_leader, admin_user):
    other = Region.objects.get(code=OTHER_TOWN)
    subscription, _ = subscribe(admin_user, "http://127.0.0.1:9/h", region=other)
    town_leader = _town_leader()
    client = client_for(town_leader)
    before = AuditEntry.objects.count()
    assert client.get(subscription.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("webhooks:switch", args=[subscription.pk]), {"active": "0"}).status_code
        == 404
    )
    assert client.post(reverse("webhooks:test", args=[subscription.pk])).status_code == 404
    assert client.delete(f"/api/v1/webhooks/{subscription.pk}").status_code == 404
    assert client.get(f"/api/v1/webhooks/{subscription.pk}/messages").status_code == 404
    subscription.refresh_from_db()
    assert subscription.is_active and AuditEntry.objects.count() == before


def _town_leader():
    """A leader of 东栅街道 (the demo has county leaders; a town one is made here)."""
    from gridgov.org.actions import StaffData, do_create_account, do_create_staff
    from gridgov.org.choices import Role

    staff = do_create_staff(
        StaffData("东栅街道领导", Role.LEADER, Region.objects.get(code=DEMO_TOWN)), actor="test"
    )
    return do_create_account(staff, actor="test", username="town-leader", password="x-pass-123!")


def test_a_webhook_of_a_region_outside_the_area_cannot_be_created(county_leader):
    town_leader = _town_leader()
    response = post_json(
        api(town_leader),
        "/api/v1/webhooks",
        {"name": "x", "url": "http://127.0.0.1:9/h", "topics": ["event.overdue"],
         "region": OTHER_TOWN},
    )  # fmt: skip
    assert response.status_code == 400
    assert "region" in {e["field"] for e in response.json()["errors"]}


def test_the_test_button_sends_a_message_the_receiver_verifies(
    county_leader, town, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret = secret
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(county_leader).post(reverse("webhooks:test", args=[subscription.pk]))
    assert response.status_code == 302
    assert receiver.received[0]["verified"]
    assert receiver.received[0]["json"]["type"] == "webhook.test"
    page = client_for(county_leader).get(subscription.get_absolute_url()).content.decode()
    assert "测试消息" in page and "200" in page


def test_redelivering_sends_the_same_message_id_again(
    county_leader, town, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(county_leader, receiver.url, region=town)
    receiver.secret = secret
    with django_capture_on_commit_callbacks(execute=True):
        receive("warning.raised", {"title": "t"}, Region.objects.get(code=GRID_A).pk)
    message = Message.objects.get()
    client = client_for(county_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/webhook-messages/{message.pk}/redeliver")
    assert response.status_code == 202
    ids = [r["headers"]["webhook-id"] for r in receiver.received]
    assert ids == [message.msg_id, message.msg_id]
    message.refresh_from_db()
    assert message.status == MessageStatus.DELIVERED and message.attempt_log.count() == 2
    log = client.get(f"/api/v1/webhooks/{subscription.pk}/messages").json()["results"][0]["log"]
    assert [a["status_code"] for a in log] == [200, 200]


def test_a_message_still_being_sent_cannot_be_redelivered(county_leader, town):
    _subscription, _ = subscribe(county_leader, "http://127.0.0.1:9/h", region=town)
    receive("warning.raised", {"title": "t"}, town.pk)
    message = Message.objects.get()
    response = api(county_leader).post(f"/api/v1/webhook-messages/{message.pk}/redeliver")
    assert response.status_code == 409


def test_switching_a_webhook_off_fails_what_waits_and_on_again_starts_counting_afresh(
    county_leader, town
):
    subscription, _ = subscribe(county_leader, "http://127.0.0.1:9/h", region=town)
    receive("warning.raised", {"title": "t"}, town.pk)
    client = api(county_leader)
    off = post_json(client, f"/api/v1/webhooks/{subscription.pk}/active", {"active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert Message.objects.get().status == MessageStatus.FAILED
    assert client.post(f"/api/v1/webhooks/{subscription.pk}/test").status_code == 409
    Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=9)
    on = post_json(client, f"/api/v1/webhooks/{subscription.pk}/active", {"active": True})
    assert on.json()["is_active"] is True and on.json()["consecutive_failures"] == 0


@pytest.mark.parametrize("page", [False, True])
def test_a_webhooks_messages_cost_the_same_queries_however_many_there_are(
    county_leader, town, page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.webhooks.delivery import attempt_delivery

    subscription, _ = subscribe(county_leader, "http://127.0.0.1:9/h", region=town)
    url = (
        subscription.get_absolute_url() if page else f"/api/v1/webhooks/{subscription.pk}/messages"
    )
    client = client_for(county_leader)
    counts = []
    for messages in (1, 12):
        for _n in range(messages):
            receive("warning.raised", {"title": "t"}, town.pk)
        for message in Message.objects.filter(attempts=0):
            attempt_delivery(message.pk)  # nobody listens on port 9: one failed attempt each
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
