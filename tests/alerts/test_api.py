"""The REST API: the signal intake with a technical account's token, warnings and their loop,
rules with versions and the dry run; never a 5xx, whatever is sent; fixed query counts."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.accounts.actions import do_issue_token
from gridgov.alerts.models import EarlyWarning
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.alerts.conftest import NIGHT_NOISE, evaluate, make_rule, noise, offset, recent
from tests.alerts.test_warnings import night_of_noise
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensor_client(admin_user):
    """A data feed account for the noise sensors' gateway, with an API token an
    administrator issued."""
    staff = do_create_staff(
        StaffData("噪声监测网关", Role.INTEGRATION, Region.objects.get(code="3304")),
        actor=admin_user,
    )
    user = do_create_account(staff, actor=admin_user, username="noise-gateway", password=PASSWORD)
    _token, secret = do_issue_token(user, actor=admin_user, name="噪声监测")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def reading(site, minutes_ago=1, value=58, ident=None):
    lon, lat = offset(site.lon, site.lat, east_m=30)
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return noise(at, lon, lat, value, ident=ident)


def test_a_sensor_gateway_feeds_a_signal_once(sensor_client, site):
    row = reading(site, ident="GW-1")
    first = post(sensor_client, "/api/v1/signals", row)
    assert first.status_code == 201 and first.json()["accepted"] == 1
    again = post(sensor_client, "/api/v1/signals", row)
    assert again.status_code == 200 and again.json()["duplicates"] == [{"index": 0, "id": "GW-1"}]


def test_a_refused_single_signal_answers_400_with_the_field(sensor_client, site):
    response = post(sensor_client, "/api/v1/signals", {**reading(site), "value": 999})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "value"


def test_a_batch_keeps_the_good_rows_and_lists_the_bad(sensor_client, site):
    rows = [reading(site, m, ident=f"B-{m}") for m in range(1, 4)] + [{"source": "noise"}]
    body = post(sensor_client, "/api/v1/signals", rows).json()
    assert body["accepted"] == 3 and [r["index"] for r in body["rejected"]] == [3]


def test_a_batch_of_only_bad_rows_is_a_400(sensor_client):
    response = post(sensor_client, "/api/v1/signals", [{"source": "noise"}, 42])
    assert response.status_code == 400 and len(response.json()["rejected"]) == 2


def test_a_data_feed_account_reads_nothing_of_its_area(sensor_client):
    for url in ("/api/v1/events", "/api/v1/staff", "/api/v1/warnings", "/api/v1/inspections"):
        answer = sensor_client.get(url)
        assert answer.status_code in (200, 403), url
        if answer.status_code == 200:
            assert answer.json()["count"] == 0, url
    assert sensor_client.get("/api/v1/events/SJ0").status_code == 404


def test_staff_without_the_capability_cannot_feed(dispatcher_town, site):
    response = post(client_for(dispatcher_town), "/api/v1/signals", reading(site))
    assert response.status_code == 403


def test_fed_signals_are_evaluated_once_the_batch_commits(
    sensor_client, scenarios, site, django_capture_on_commit_callbacks
):
    make_rule({**NIGHT_NOISE, "time_of_day": None,
               "action": {"type": "event", "category": "0201"}})  # fmt: skip
    rows = [reading(site, 12 - m, value=70, ident=f"L-{m}") for m in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        post(sensor_client, "/api/v1/signals", rows)
    warning = EarlyWarning.objects.get()
    assert warning.event is not None and warning.signal_count == 11


@pytest.fixture
def warning(scenarios, site):
    make_rule({**NIGHT_NOISE, "action": {"type": "inspection", "scenario": "T-YJZF"}})
    night_of_noise(site, days_ago=3)
    evaluate()
    return EarlyWarning.objects.get()


def test_warnings_are_listed_read_and_worked_through_the_api(warning, dispatcher_town):
    client = client_for(dispatcher_town)
    listed = client.get("/api/v1/warnings", {"status": "open"}).json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == warning.number
    detail = client.get(f"/api/v1/warnings/{warning.number}").json()
    assert len(detail["signals"]) == 11 and detail["inspection"] == warning.inspection.number
    assert detail["actions"] == ["handle", "dismiss"]
    done = post(client, f"/api/v1/warnings/{warning.number}/handle", {"note": "已核实"})
    assert done.status_code == 200 and done.json()["status"] == "handled"
    stale = post(client, f"/api/v1/warnings/{warning.number}/close", {"version": 1})
    assert stale.status_code == 409
    assert post(client, f"/api/v1/warnings/{warning.number}/fly", {}).status_code == 404


def test_a_warning_outside_ones_area_is_not_found(warning, dispatcher_other_town):
    client = client_for(dispatcher_other_town)
    assert client.get(f"/api/v1/warnings/{warning.number}").status_code == 404
    assert client.get("/api/v1/warnings").json()["count"] == 0


def test_rules_are_created_edited_and_dry_run_through_the_api(admin_user, scenarios, site):
    client = client_for(admin_user)
    definition = {**NIGHT_NOISE, "action": {"type": "event", "category": "0201"}}
    body = {"name": "夜间噪声", "jurisdiction": "330402", "definition": definition}
    created = post(client, "/api/v1/warning-rules", body)
    assert created.status_code == 201 and created.json()["version"] == 1
    pk = created.json()["id"]
    changed = {**body, "definition": {**body["definition"], "filing": "forbid"}, "version": 1}
    updated = client.put(f"/api/v1/warning-rules/{pk}", json.dumps(changed),
                         content_type="application/json")  # fmt: skip
    assert updated.status_code == 200 and [v["number"] for v in updated.json()["versions"]] == [
        2,
        1,
    ]
    night_of_noise(site, days_ago=2)
    dry = post(client, f"/api/v1/warning-rules/{pk}/dry-run", {"version": 1}).json()
    assert dry["warnings"] == 1 and dry["firings"][0]["subject"] == f"target:{site.pk}"
    assert EarlyWarning.objects.count() == 0


def test_an_invalid_rule_answers_400_naming_the_fields(admin_user):
    body = {"name": "坏规则", "jurisdiction": "330402", "definition": {"condition": {}}}
    response = post(client_for(admin_user), "/api/v1/warning-rules", body)
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"condition.type", "scope", "action", "signals"} <= fields


def test_only_rule_managers_may_create_rules_or_dry_run(dispatcher_town, scenarios):
    client = client_for(dispatcher_town)
    rule = make_rule({**NIGHT_NOISE, "action": {"type": "event", "category": "0201"}})
    body = {"name": "x", "jurisdiction": "330402", "definition": rule.current.definition}
    assert post(client, "/api/v1/warning-rules", body).status_code == 403
    assert post(client, f"/api/v1/warning-rules/{rule.pk}/dry-run", {}).status_code == 403
    assert client.get(f"/api/v1/warning-rules/{rule.pk}").status_code == 200


def test_a_dry_run_period_is_bounded(admin_user, scenarios):
    rule = make_rule({**NIGHT_NOISE, "action": {"type": "event", "category": "0201"}})
    body = {"start": "2020-01-01", "end": "2026-01-01"}
    response = post(client_for(admin_user), f"/api/v1/warning-rules/{rule.pk}/dry-run", body)
    assert response.status_code == 400


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
signal_like = st.fixed_dictionaries(
    {},
    optional={
        "source": st.sampled_from(["noise", "complaints", "warnings", "x"]) | st.text(max_size=5),
        "id": st.text(max_size=70) | st.integers(),
        "kind": json_values,
        "value": json_values,
        "observed_at": st.sampled_from([recent(1, 23).isoformat(), "2026-13-45T99:00", ""])
        | st.text(max_size=40),
        "lon": st.floats() | st.integers(-1000, 1000) | st.text(max_size=5),
        "lat": st.floats() | st.integers(-1000, 1000),
        "crs": st.sampled_from(["wgs84", "gcj02", "mars"]),
        "target": json_values,
        "device": json_values,
        "payload": json_values,
    },
)


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(body=st.one_of(signal_like, st.lists(signal_like, max_size=5), json_values))
def test_whatever_is_fed_the_intake_answers_without_a_server_error(admin_user, body):
    response = post(client_for(admin_user), "/api/v1/signals", body)
    assert response.status_code < 500


definition_like = st.fixed_dictionaries(
    {},
    optional={
        part: json_values | st.fixed_dictionaries({}, optional={k: json_values for k in keys})
        for part, keys in {
            "signals": ("sources", "kinds"),
            "condition": ("type", "at_least", "at_most", "minutes", "rules", "max_gap_minutes"),
            "window": ("minutes", "days", "calendar"),
            "scope": ("type", "target_kinds", "radius_m", "lon", "lat"),
            "time_of_day": ("from", "to"),
            "action": ("type", "scenario", "category", "priority", "level"),
            "filing": (),
        }.items()
    },
)


@settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip
@given(definition=definition_like, jurisdiction=st.sampled_from(["330402", "3304", "x", ""]))
def test_whatever_rule_is_sent_the_api_answers_without_a_server_error(
    admin_user, definition, jurisdiction
):
    body = {"name": "fuzz", "jurisdiction": jurisdiction, "definition": definition}
    response = post(client_for(admin_user), "/api/v1/warning-rules", body)
    assert response.status_code in (201, 400)


@pytest.mark.parametrize("many", [1, 4])
def test_the_warning_list_costs_the_same_queries_however_many_it_shows(
    scenarios, admin_user, county_leader, django_assert_num_queries, many
):
    from gridgov.inspections.actions import TargetData, do_create_target

    make_rule({**NIGHT_NOISE, "action": {"type": "event", "category": "0201"}})
    base = Region.objects.filter(level="microgrid", town__code="330402013").order_by("code")[0]
    for i in range(many):
        lon, lat = offset(base.label_lon, base.label_lat, east_m=300 * i)
        target = do_create_target(
            TargetData(kind="construction_site", name=f"工地{i}", lon=lon, lat=lat),
            actor=admin_user,
        )
        night_of_noise(target, days_ago=2, device=f"N-{i}")
    evaluate()
    assert EarlyWarning.objects.count() == many
    client = client_for(county_leader)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/warnings")
    assert response.json()["count"] == many


def test_an_administrator_defines_a_signal_source_and_it_takes_readings(admin_user, site):
    client = client_for(admin_user)
    body = {"code": "vibration", "name": "振动监测", "kind": "sensor", "metric": "vibration_mm_s",
            "unit": "mm/s", "min_value": 0, "max_value": 50}  # fmt: skip
    assert post(client, "/api/v1/signal-sources", body).status_code == 201
    assert post(client, "/api/v1/signal-sources", body).status_code == 409
    reading = {"source": "vibration", "id": "V-1", "value": 12.5, "target": site.pk,
               "observed_at": timezone.now().isoformat()}  # fmt: skip
    assert post(client, "/api/v1/signals", reading).json()["accepted"] == 1
    too_high = post(client, "/api/v1/signals", {**reading, "id": "V-2", "value": 80})
    assert too_high.json()["errors"][0]["field"] == "value"
    changed = client.put("/api/v1/signal-sources/vibration", json.dumps({**body, "max_value": 100}),
                         content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["max_value"] == 100


def test_a_bad_source_is_refused_with_its_fields_and_only_managers_define_them(
    admin_user, dispatcher_town
):
    body = {"code": "bad code!", "name": "", "kind": "complaint", "min_value": 5, "max_value": 1}
    response = post(client_for(admin_user), "/api/v1/signal-sources", body)
    assert response.status_code == 400
    good = {"code": "air", "name": "空气", "kind": "sensor"}
    assert post(client_for(dispatcher_town), "/api/v1/signal-sources", good).status_code == 403
    kept = client_for(admin_user).put(
        "/api/v1/signal-sources/warnings", "{}", content_type="application/json"
    )
    assert kept.status_code == 400


def test_a_refused_signal_lists_every_problem_at_once(sensor_client, site):
    bad = {**reading(site), "value": "loud", "observed_at": "yesterday", "device": "rule:9",
           "target": "the school"}  # fmt: skip
    response = post(sensor_client, "/api/v1/signals", bad)
    assert response.status_code == 400
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == ["value", "observed_at", "target", "device"]
    batch = post(sensor_client, "/api/v1/signals", [bad, {**bad, "source": "nope"}]).json()
    first, second = batch["rejected"]
    assert first["field"] == "value" and len(first["problems"]) == 4
    assert second["field"] == "source" and len(second["problems"]) == 5


def test_the_api_schema_describes_a_signal_to_send(admin_user):
    schema = client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    body = schema["paths"]["/api/v1/signals"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    feed = schema["components"]["schemas"][ref]
    signal = feed["oneOf"][0]["$ref"].rsplit("/", 1)[1]
    properties = schema["components"]["schemas"][signal]["properties"]
    assert {"source", "id", "value", "observed_at", "lon", "lat", "target"} <= set(properties)
    assert feed["oneOf"][1]["type"] == "array"
