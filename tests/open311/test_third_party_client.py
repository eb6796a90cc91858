"""A third-party Open311 client from PyPI, unchanged, against a running GridGov.

The client is ``georeport`` (GeoReport v2 wrapper, Python 3, requests + xmltodict), pinned in
the dev dependencies. It reads only: services, a service definition, requests (with the
spec's filters) and one request, in JSON and in XML. It cannot post (its own documentation
says so), so the request it reads back was posted the way any 311 client posts one: a form
with an api_key issued through gridgov.open311's actions, sent with ``requests``.

(``three``, the client the issue names, and ``open311`` 1.1 are Python 2 only: ``three``
imports ``itertools.ifilter`` and needs ``relaxml``; ``open311`` relies on implicit relative
imports. Neither imports on Python 3.)

The server is pytest-django's live server in another thread; the test commits, so the demo
is put back after it (``_demo_snapshot``, tests/conftest.py).
"""

from datetime import timedelta

import pytest
import requests
from django.conf import settings
from georeport import GeoReport

from gridgov.events.models import Event
from gridgov.open311.actions import do_issue_client_key
from tests.conftest import GRID_A
from tests.events.conftest import point_in

JURISDICTION = settings.GRIDGOV_OPEN311_JURISDICTION


@pytest.fixture
def root(_demo_snapshot, live_server, monkeypatch):
    # Straight to the live server, whatever proxy the environment names.
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_georeport_lists_services_reads_a_definition_and_requests(root, output_format):
    client = GeoReport(root, jurisdiction=JURISDICTION, output_format=output_format)

    services = client.get_service_list()
    codes = {s["service_code"] for s in services}
    assert {"0101", "0201", "0701"} <= codes
    with_questions = [s for s in services if str(s["metadata"]).lower() == "true"]
    assert {s["service_code"] for s in with_questions} >= {"0201"}

    definition = client.get_service_definition("0201")
    attributes = definition["attributes"]
    if output_format == "xml":  # <attributes><attribute>…</attribute>…</attributes>
        attributes = attributes["attribute"]
    by_code = {a["code"]: a for a in attributes}
    assert by_code["when"]["datatype"] == "singlevaluelist"
    assert by_code["source_kind"]["datatype"] == "multivaluelist"

    recent = client.get_service_requests()  # the last 90 days by default
    assert recent, "the demo has citizens' requests from the last 90 days"
    assert all(r["status"] in ("open", "closed") for r in recent)

    # a window that holds a closed public request (the demo's citizens' reports are few)
    end = Event.objects.filter(
        publication__isnull=False, status="closed", category__code__in=("0101", "0201", "0701")
    ).latest("reported_at").reported_at + timedelta(seconds=1)
    start = end - timedelta(days=30)
    closed = client.get_service_requests(
        service_code="0101,0201,0701",
        start_date=start.isoformat(timespec="seconds"),
        end_date=end.isoformat(timespec="seconds"),
        status="closed",
    )
    if isinstance(closed, dict):  # xmltodict: one <request> is a dict, not a list
        closed = [closed]
    assert all(r["status"] == "closed" for r in closed)
    assert all(r["service_code"] in ("0101", "0201", "0701") for r in closed)

    one = client.get_service_request(recent[0]["service_request_id"])
    assert one["service_request_id"] == recent[0]["service_request_id"]
    assert one["status"] == recent[0]["status"]


def test_a_request_posted_with_an_api_key_is_read_back_by_georeport(root):
    _app, api_key = do_issue_client_key("第三方客户端测试", actor="test")
    lon, lat = point_in(GRID_A)
    # As a 311 client posts (the spec's form): georeport has no POST of its own.
    answer = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": api_key,
            "jurisdiction_id": JURISDICTION,
            "service_code": "0201",
            "lat": lat,
            "long": lon,
            "description": "夜里十一点还在施工",
            "attribute[when]": "night",
            "attribute[source_kind]": ["construction", "shop"],
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    number = answer.json()[0]["service_request_id"]

    client = GeoReport(root, jurisdiction=JURISDICTION, api_key=api_key)
    read = client.get_service_request(number)
    assert read["service_request_id"] == number
    assert read["status"] == "open" and read["service_code"] == "0201"
    assert number in {r["service_request_id"] for r in client.get_service_requests()}

    refused = requests.post(
        f"{root}/requests.json",
        data={"api_key": "wrong", "service_code": "0201", "lat": lat, "long": lon},
        timeout=30,
    )
    assert refused.status_code == 403
    assert refused.json()[0]["code"] == 403
