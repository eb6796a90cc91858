"""Campaigns belong to a region: people of another area neither see nor change them."""

import pytest

from gridgov.campaigns.models import Item
from tests.conftest import client_for

from .conftest import add_items

pytestmark = pytest.mark.django_db


def test_another_town_gets_404_for_the_campaign_its_board_items_and_pages(
    campaign, dispatcher_other_town
):
    item = add_items(campaign, 1)[0]
    client = client_for(dispatcher_other_town)
    base = f"/api/v1/campaigns/{campaign.number}"
    for url in (base, f"{base}/board", f"{base}/items", f"{base}/items/{item.pk}"):
        assert client.get(url).status_code == 404, url
    for url in ("", "wall/", "export/", "items/", f"items/{item.pk}/", "import/"):
        assert client.get(f"/campaigns/{campaign.number}/{url}").status_code == 404, url
    listed = client.get("/api/v1/campaigns").json()["results"]
    assert campaign.number not in {c["number"] for c in listed}
    assert (
        client.post(
            f"/campaigns/{campaign.number}/items/{item.pk}/undo/", {"reason": "x"}
        ).status_code
        == 404
    )
    assert Item.objects.get(pk=item.pk).version == item.version


def test_the_county_sees_its_towns_campaigns(campaign, county_leader):
    listed = client_for(county_leader).get("/api/v1/campaigns").json()["results"]
    assert campaign.number in {c["number"] for c in listed}


def test_a_grid_worker_cannot_set_up_a_campaign(gridworker_a):
    client = client_for(gridworker_a)
    body = {"name": "试点", "region": "330402013", "started_on": "2024-01-01",
            "stages": [{"name": "签约"}]}  # fmt: skip
    assert (
        client.post("/api/v1/campaigns", body, content_type="application/json").status_code == 403
    )


def test_a_campaign_is_set_up_through_the_api_with_its_stages(
    dispatcher_town, dispatcher_other_town
):
    body = {
        "name": "沿街店招整治",
        "region": "330402013",
        "started_on": "2024-01-01",
        "stages": [{"name": "摸排"}, {"name": "整改", "skippable": True}, {"name": "验收"}],
    }
    answer = client_for(dispatcher_town).post(
        "/api/v1/campaigns", body, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    assert [s["name"] for s in answer.json()["stages"]] == ["摸排", "整改", "验收"]
    twice = {**body, "stages": [{"name": "摸排"}, {"name": "摸排"}]}
    refused = client_for(dispatcher_town).post(
        "/api/v1/campaigns", twice, content_type="application/json"
    )
    assert refused.status_code == 400
    elsewhere = client_for(dispatcher_other_town).post(
        "/api/v1/campaigns", body, content_type="application/json"
    )
    assert elsewhere.status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(admin_user):
    schema = (
        client_for(admin_user).get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    )
    for path in ("board", "items", "items/{id}", "items/{id}/moves", "items/{id}/undo"):
        assert f"/api/v1/campaigns/{{number}}/{path}" in schema
