"""Open311 POST requests: an api_key'd client submits a citizen's request, which becomes an
event in the closed loop; every bad request gets the spec's error and creates nothing."""

import json
import re

import pytest
from django.test import Client

from gridgov.core.models import AuditEntry
from gridgov.events.models import Event
from gridgov.open311.actions import do_issue_client_key, do_revoke_client_key
from tests.conftest import GRID_A
from tests.events.conftest import jpeg, point_in

from .test_georeport import validator

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    _client, secret = do_issue_client_key("嘉兴市民APP", actor="test")
    return secret


def post(fmt="json", **fields):
    return Client().post(f"/open311/v2/requests.{fmt}", fields)


def base(key, **extra):
    lon, lat = point_in(GRID_A)
    fields = {
        "api_key": key, "service_code": "0201", "lat": lat, "long": lon,
        "description": "夜里十一点还在施工，噪声很大", "attribute[when]": "night",
        "first_name": "先生", "last_name": "王", "phone": "13812345678",
    }  # fmt: skip
    fields.update(extra)
    return fields


def test_a_client_submits_a_request_that_enters_the_loop(key):
    response = post(**base(key, **{"attribute[source_kind]": ["construction", "shop"]}))
    assert response.status_code == 200, response.content
    (answer,) = response.json()
    event = Event.objects.get(number=answer["service_request_id"])
    assert event.source == "citizen" and event.status == "reported"
    assert event.grid.code == GRID_A and event.category.code == "0201"
    assert event.reporter_name == "王 先生" and event.reporter_phone == "13812345678"
    report = event.timeline.get()
    assert report.actor_label == "open311:嘉兴市民APP"
    assert report.data["open311"]["answers"] == {
        "when": "night",
        "source_kind": ["construction", "shop"],
    }
    assert AuditEntry.objects.filter(action="events.report", target_id=str(event.pk)).exists()
    # It is then readable as a service request, without the caller's details.
    body = Client().get(f"/open311/v2/requests/{event.number}.json").json()
    validator("requests.json").validate(body)
    assert "13812345678" not in json.dumps(body) and "王" not in json.dumps(
        body, ensure_ascii=False
    )


def test_a_request_with_a_photo(key):
    response = post(**base(key, media=jpeg()))
    assert response.status_code == 200
    event = Event.objects.get(number=response.json()[0]["service_request_id"])
    assert event.timeline.get().attachments.count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"api_key": ""}, 403),
        ({"service_code": "9999"}, 400),
        ({"lat": "north"}, 400),
        ({"lat": "30.0", "long": "100.0"}, 400),  # outside every grid
        ({"attribute[when]": ""}, 400),  # required
        ({"attribute[when]": "sometimes"}, 400),  # not one of the values
        ({"attribute[source_kind]": ["fireworks"]}, 400),
        ({"attribute[since]": "last week"}, 400),  # not a datetime
        ({"description": "长" * 4001}, 400),
        ({"phone": "12345"}, 400),
        ({"jurisdiction_id": "elsewhere"}, 404),
    ],
)
def test_bad_requests_get_the_specs_errors_and_create_nothing(key, change, status):
    before = Event.objects.count()
    response = post(**base(key, **change))
    assert response.status_code == status, response.content
    (problem,) = response.json()
    assert problem["code"] == status and problem["description"]
    assert Event.objects.count() == before


def test_a_revoked_key_is_refused(key):
    from gridgov.open311.models import ClientApplication

    do_revoke_client_key(ClientApplication.objects.get(), actor="test")
    assert post(**base(key)).status_code == 403


def test_the_answer_comes_in_xml_too(key):
    from xml.etree import ElementTree

    root = ElementTree.fromstring(post("xml", **base(key)).content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text


def test_a_token_is_the_request_id(key):
    number = post(**base(key)).json()[0]["service_request_id"]
    body = Client().get(f"/open311/v2/tokens/{number}.json").json()
    assert body == [{"service_request_id": number, "token": number}]


def test_submissions_are_limited_per_address_and_per_key(key, settings):
    settings.GRIDGOV_OPEN311_IP_LIMIT = {"limit": 2, "seconds": 3600}
    before = Event.objects.count()
    codes = [post(**base(key)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Event.objects.count() == before + 2
    settings.GRIDGOV_OPEN311_IP_LIMIT = {"limit": 100, "seconds": 3600}
    settings.GRIDGOV_OPEN311_KEY_LIMIT = {"limit": 3, "seconds": 3600}
    assert post(**base(key)).status_code == 200
    (problem,) = post(**base(key)).json()
    assert problem["code"] == 429


def test_the_housekeeping_task_forgets_old_counters(key):
    from datetime import timedelta

    from django.utils import timezone

    from gridgov.core.models import RateCounter
    from gridgov.core.tasks import purge_expired

    post(**base(key))
    RateCounter.objects.update(window_start=timezone.now() - timedelta(days=3))
    purge_expired.call()
    assert not RateCounter.objects.exists()


# --- Requests placed without coordinates ------------------------------------------------------


def without_point(key, **where):
    fields = base(key)
    del fields["lat"], fields["long"]
    fields.update(where)
    return fields


def test_a_request_is_placed_by_the_division_names_in_its_address(key):
    response = post(**without_point(key, address_string="嘉兴市南湖区东栅街道化东社区菜场门口"))
    assert response.status_code == 200, response.content
    event = Event.objects.get(number=response.json()[0]["service_request_id"])
    assert event.village.name == "化东社区居委会" and event.town.code == "330402013"
    assert event.address == "嘉兴市南湖区东栅街道化东社区菜场门口"


def test_a_request_is_placed_by_a_region_code_as_address_id(key):
    response = post(**without_point(key, address_id=GRID_A))
    assert response.status_code == 200, response.content
    event = Event.objects.get(number=response.json()[0]["service_request_id"])
    assert event.grid.code == GRID_A


def test_an_ambiguous_address_names_the_candidates_and_creates_nothing(key):
    from gridgov.regions.models import Region

    village = Region.objects.get(level="village", name="化东社区居委会")
    other_town = Region.objects.filter(level="town", county=village.county).exclude(
        pk=village.town_id
    ).first()  # fmt: skip
    Region.objects.create(
        code=other_town.code + "999", name="化东社区", level="village", parent=other_town,
        city=other_town.city, county=other_town.county, town=other_town,
        label_lon=village.label_lon, label_lat=village.label_lat,
    )  # fmt: skip
    before = Event.objects.count()
    response = post(**without_point(key, address_string="化东社区菜场门口"))
    assert response.status_code == 400
    assert other_town.name in response.json()[0]["description"]
    # Naming the town settles it.
    named = post(**without_point(key, address_string=f"{village.town.name}化东社区菜场门口"))
    assert named.status_code == 200, named.content
    assert Event.objects.count() == before + 1


@pytest.mark.parametrize(
    "where",
    [
        {},
        {"address_string": "火星基地一号"},
        {"address_id": "999999"},
        {"lat": "30.75"},  # long missing
    ],
)
def test_a_request_that_cannot_be_placed_is_refused(key, where):
    before = Event.objects.count()
    response = post(**without_point(key, **where))
    assert response.status_code == 400, response.content
    assert response.json()[0]["description"]
    assert Event.objects.count() == before


# --- Found by the fuzz run (tests/fuzz/test_open311.py) -----------------------------------


def _spec_error(response, status):
    assert response.status_code == status, response.content
    (problem,) = response.json()
    assert problem["code"] == status and problem["description"]


def test_a_body_that_cannot_be_read_gets_the_specs_400_and_creates_nothing(key, settings):
    """Multipart with a field name too long to parse, and a form with too many fields, were
    answered by Django's bare 400 instead of the spec's error."""
    before = Event.objects.count()
    fields = base(key)
    fields["x" * 20_000] = "1"
    _spec_error(Client().post("/open311/v2/requests.json", fields), 400)  # multipart
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    many = "&".join(f"f{i}=1" for i in range(20))
    _spec_error(
        Client().post(
            "/open311/v2/requests.json", many, content_type="application/x-www-form-urlencoded"
        ),
        400,
    )
    _spec_error(Client().get("/open311/v2/requests.json?" + many), 400)
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "change",
    [
        {"description": "噪声\x00很大"},
        {"service_code": "0201\x00"},
        {"attribute[when]": "night\x00"},
        {"attribute[\x00]": "x"},
        {"address_id": "3304\x00"},
    ],
)
def test_a_nul_character_gets_the_specs_400_and_creates_nothing(key, change):
    """PostgreSQL cannot hold NUL in text: such a request was a 500 there."""
    before = Event.objects.count()
    _spec_error(post(**base(key, **change)), 400)
    _spec_error(Client().get("/open311/v2/requests.json", {"service_code": "0201\x00"}), 400)
    assert Event.objects.count() == before


def test_the_answer_gives_a_tracking_code_that_opens_the_public_page(key):
    (answer,) = post(**base(key)).json()
    number = answer["service_request_id"]
    notice = answer["service_notice"]
    code = re.search(r"([2-9A-Z]{8})", notice.split(number, 1)[1]).group(1)
    assert "/public/track/" in notice
    citizen = Client()
    response = citizen.post("/public/track/", {"number": number, "code": code})
    assert response.status_code == 302 and response["Location"] == f"/public/track/{number}/"
    assert number in citizen.get(response["Location"]).content.decode()
    # The code is kept only as a digest, and the read side never shows it.
    assert code not in Client().get(f"/open311/v2/requests/{number}.json").content.decode()
