"""The board: the demo's funnel from its own rows, stuck items flagged, the burn-down against
the plan, the map's places as stored, a fixed number of queries, the export and the wall map."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gridgov.campaigns.actions import do_set_plan
from gridgov.campaigns.demo import NAME, TOWN
from gridgov.campaigns.models import Campaign
from gridgov.core.csvfiles import xlsx_records
from gridgov.org.choices import Role
from tests.conftest import client_for, staff_user

from .conftest import add_items, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_dispatcher(db):
    return staff_user(role=Role.DISPATCHER, region__code=TOWN)


def test_the_demo_board_shows_the_seed_s_funnel_counted_from_its_rows(town_dispatcher):
    campaign = Campaign.objects.get(name=NAME)
    client = client_for(town_dispatcher)
    board = client.get(f"/api/v1/campaigns/{campaign.number}/board").json()
    assert [s["name"] for s in board["stages"]] == ["复评", "签约", "腾空", "拆除"]
    assert [s["reached"] for s in board["stages"]] == [448, 379, 257, 160]
    assert round(board["stages"][0]["area_mu"]) == 1645 == round(board["campaign"]["area_mu"])
    assert len(board["items"]["features"]) == 448
    assert len(board["teams"]) == 5
    assert campaign.teams.filter(kind="working_group").count() == 6
    page = client.get(f"/campaigns/{campaign.number}/").content.decode()
    for figure in ("448", "379", "257", "160", "1,645"):
        assert figure in page


def test_items_longer_than_the_limit_in_a_stage_are_flagged_but_not_at_the_last_stage(
    campaign, dispatcher_town
):
    add_items(campaign, 2, reached={"复评": days_ago(40)})
    add_items(campaign, 1, reached={"复评": days_ago(10)})  # F001 again: unchanged
    fresh = campaign.items.get(code="F002")
    from gridgov.campaigns.actions import do_move_item

    do_move_item(fresh.pk, stage=campaign.stages.get(name="签约"), actor=dispatcher_town)
    board = client_for(dispatcher_town).get(f"/api/v1/campaigns/{campaign.number}/board").json()
    flagged = {
        f["properties"]["code"] for f in board["items"]["features"] if f["properties"]["stuck"]
    }
    assert flagged == {"F001"}
    assert board["stages"][0]["stuck"] == 1 and board["campaign"]["stuck"] == 1
    page = client_for(dispatcher_town).get(f"/campaigns/{campaign.number}/").content.decode()
    assert 'class="stuck"' in page and "F001" in page


def test_the_burn_down_counts_down_from_the_items_and_shows_the_plan(campaign, dispatcher_town):
    add_items(campaign, 4, reached={"复评": days_ago(20)})
    first = campaign.stages.get(name="复评")
    do_set_plan(campaign, stage=first, due_on=days_ago(10), count=3, actor=dispatcher_town)
    board = client_for(dispatcher_town).get(f"/api/v1/campaigns/{campaign.number}/board").json()
    series = board["burndown"]["series"][f"{first.pk}:"]
    assert series["actual"] == [[days_ago(20).isoformat(), 0]]
    assert series["plan"] == [[days_ago(10).isoformat(), 1]]


def test_places_are_sent_as_stored_and_the_board_costs_a_fixed_number_of_queries(
    campaign, dispatcher_town
):
    client = client_for(dispatcher_town)
    url = f"/api/v1/campaigns/{campaign.number}/board"
    add_items(campaign, 2, reached={"复评": days_ago(3)})
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_items(campaign, 40, reached={"复评": days_ago(3), "签约": days_ago(1)})
    with CaptureQueriesContext(connection) as many:
        answer = client.get(url)
    assert len(many) == len(few)
    feature = answer.json()["items"]["features"][0]
    stored = campaign.items.get(pk=feature["properties"]["id"]).geometry
    assert feature["geometry"] == json.loads(stored)


def test_the_items_page_costs_a_fixed_number_of_queries(
    campaign, dispatcher_town, django_assert_num_queries
):
    add_items(campaign, 35, reached={"复评": days_ago(3)})
    client = client_for(dispatcher_town)
    url = f"/campaigns/{campaign.number}/items/"
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_export_reads_back_as_the_same_items(campaign, dispatcher_town):
    from gridgov.campaigns.files import read_item_file

    add_items(campaign, 3, reached={"复评": days_ago(5), "签约": days_ago(2)})
    response = client_for(dispatcher_town).get(f"/campaigns/{campaign.number}/export/")
    assert response.status_code == 200
    data = b"".join(response) if response.streaming else response.content
    records = list(xlsx_records(data))
    assert records[0][1][:3] == ["编号", "名称", "类型"] and len(records) == 4
    rows, problems = read_item_file(data, "导出.xlsx", campaign)
    assert problems == [] and [r.code for r in rows] == ["F001", "F002", "F003"]
    from gridgov.campaigns.actions import do_save_items

    summary = do_save_items(campaign, rows, actor="command:test")
    assert summary == {"created": 0, "updated": 0, "unchanged": 3, "stages_recorded": 0}


def test_the_wall_map_is_an_a3_landscape_page(campaign, dispatcher_town):
    page = client_for(dispatcher_town).get(f"/campaigns/{campaign.number}/wall/")
    assert page.status_code == 200
    assert "campaigns.css" in page.content.decode()
    from django.contrib.staticfiles import finders

    with open(finders.find("gridgov/campaigns.css"), encoding="utf-8") as sheet:
        css = sheet.read()
    assert "size: A3 landscape" in css and "@media print" in css
