"""Moving an item along the campaign's chain: one action, in order, audited, undone with a
reason; refused moves change nothing."""

import pytest

from gridgov.campaigns.actions import ItemData, do_move_item, do_save_items, do_undo_move
from gridgov.campaigns.models import Item, StageRecord
from gridgov.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from gridgov.core.models import AuditEntry
from tests.conftest import client_for

from .conftest import add_items, days_ago, make_campaign

pytestmark = pytest.mark.django_db


def stage(campaign, name):
    return campaign.stages.get(name=name)


def test_an_item_moves_to_the_next_stage_and_the_move_is_recorded_and_audited(
    campaign, dispatcher_town
):
    item = add_items(campaign, 1)[0]
    moved = do_move_item(
        item.pk, stage=stage(campaign, "复评"), reached_on=days_ago(3), note="上门复评",
        actor=dispatcher_town,
    )  # fmt: skip
    assert moved.stage.name == "复评" and moved.stage_since == days_ago(3)
    assert moved.version == item.version + 1
    record = StageRecord.objects.get(item=item)
    assert (record.done_by, record.note) == (dispatcher_town, "上门复评")
    entry = AuditEntry.objects.get(action="campaigns.item.move", target_id=str(item.pk))
    assert entry.changes["to"] == "复评" and entry.actor == dispatcher_town


def test_a_stage_cannot_be_skipped_unless_the_campaign_allows_it(campaign, dispatcher_town):
    item = add_items(campaign, 1, reached={"复评": days_ago(5)})[0]
    with pytest.raises(InvalidInput) as refused:
        do_move_item(item.pk, stage=stage(campaign, "腾空"), actor=dispatcher_town)
    assert "签约" in str(refused.value.details)
    item.refresh_from_db()
    assert item.stage.name == "复评" and item.records.count() == 1


def test_a_skippable_stage_may_be_passed_over(dispatcher_town):
    campaign = make_campaign(skippable=("签约",))
    item = add_items(campaign, 1, reached={"复评": days_ago(5)})[0]
    moved = do_move_item(item.pk, stage=stage(campaign, "腾空"), actor=dispatcher_town)
    assert moved.stage.name == "腾空"


def test_an_item_never_moves_back_or_to_its_own_stage(campaign, dispatcher_town):
    item = add_items(campaign, 1, reached={"复评": days_ago(5), "签约": days_ago(4)})[0]
    for name in ("复评", "签约"):
        with pytest.raises(Conflict):
            do_move_item(item.pk, stage=stage(campaign, name), actor=dispatcher_town)
    item.refresh_from_db()
    assert item.stage.name == "签约" and item.records.count() == 2


def test_a_day_to_come_or_before_the_previous_stage_is_refused(campaign, dispatcher_town):
    item = add_items(campaign, 1, reached={"复评": days_ago(5)})[0]
    for day in (days_ago(-1), days_ago(6)):
        with pytest.raises(InvalidInput):
            do_move_item(
                item.pk, stage=stage(campaign, "签约"), reached_on=day, actor=dispatcher_town
            )
    assert Item.objects.get(pk=item.pk).stage.name == "复评"


def test_a_move_on_an_old_version_is_refused(campaign, dispatcher_town):
    item = add_items(campaign, 1)[0]
    do_move_item(
        item.pk, stage=stage(campaign, "复评"), actor=dispatcher_town, version=item.version
    )
    with pytest.raises(Conflict):
        do_move_item(
            item.pk, stage=stage(campaign, "签约"), actor=dispatcher_town, version=item.version
        )
    assert Item.objects.get(pk=item.pk).stage.name == "复评"


def test_undo_needs_a_reason_and_brings_the_item_back_keeping_the_record(campaign, dispatcher_town):
    item = add_items(campaign, 1, reached={"复评": days_ago(9), "签约": days_ago(4)})[0]
    with pytest.raises(InvalidInput):
        do_undo_move(item.pk, reason="  ", actor=dispatcher_town)
    back = do_undo_move(item.pk, reason="合同撤回", actor=dispatcher_town)
    assert back.stage.name == "复评" and back.stage_since == days_ago(9)
    undone = StageRecord.objects.get(item=item, stage__name="签约")
    assert undone.undone_by == dispatcher_town and undone.undo_reason == "合同撤回"
    assert AuditEntry.objects.filter(action="campaigns.item.undo", target_id=str(item.pk)).exists()
    again = do_move_item(item.pk, stage=stage(campaign, "签约"), actor=dispatcher_town)
    assert again.stage.name == "签约"


def test_undo_of_an_item_that_never_moved_is_a_conflict(campaign, dispatcher_town):
    item = add_items(campaign, 1)[0]
    with pytest.raises(Conflict):
        do_undo_move(item.pk, reason="错误", actor=dispatcher_town)


def test_a_team_member_moves_the_team_s_items_and_no_other(campaign, team, officer_squad):
    own = add_items(campaign, 1, task_team=team.name)[0]
    moved = do_move_item(own.pk, stage=stage(campaign, "复评"), actor=officer_squad)
    assert moved.stage.name == "复评"
    do_save_items(campaign, [ItemData(code="X1", name="别的企业")], actor="command:test")
    other = campaign.items.get(code="X1")
    with pytest.raises(NotPermitted):
        do_move_item(other.pk, stage=stage(campaign, "复评"), actor=officer_squad)
    assert Item.objects.get(pk=other.pk).stage is None


def test_someone_of_another_town_cannot_see_or_move_an_item(campaign, dispatcher_other_town):
    item = add_items(campaign, 1)[0]
    with pytest.raises(NotFound):
        do_move_item(item.pk, stage=stage(campaign, "复评"), actor=dispatcher_other_town)
    client = client_for(dispatcher_other_town)
    url = f"/api/v1/campaigns/{campaign.number}/items/{item.pk}/moves"
    assert client.post(url, {"stage": "复评"}, content_type="application/json").status_code == 404
    assert Item.objects.get(pk=item.pk).stage is None
    assert not StageRecord.objects.filter(item=item).exists()


def test_moves_and_undo_through_the_api(campaign, dispatcher_town):
    item = add_items(campaign, 1)[0]
    client = client_for(dispatcher_town)
    base = f"/api/v1/campaigns/{campaign.number}/items/{item.pk}"
    answer = client.post(f"{base}/moves", {"stage": "复评"}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["stage"] == "复评" and len(answer.json()["records"]) == 1
    skipped = client.post(f"{base}/moves", {"stage": "拆除"}, content_type="application/json")
    assert skipped.status_code == 400 and skipped.json()["errors"]
    stale = client.post(
        f"{base}/moves", {"stage": "签约", "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    unknown = client.post(f"{base}/moves", {"stage": "验收"}, content_type="application/json")
    assert unknown.status_code == 400
    undone = client.post(f"{base}/undo", {"reason": "录入错误"}, content_type="application/json")
    assert undone.status_code == 200 and undone.json()["stage"] is None
    no_reason = client.post(f"{base}/undo", {}, content_type="application/json")
    assert no_reason.status_code == 400


def test_a_move_from_the_item_page_with_a_document_photo(campaign, dispatcher_town):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    item = add_items(campaign, 1)[0]
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("合同.jpg", buffer.getvalue(), content_type="image/jpeg")
    client = client_for(dispatcher_town)
    url = f"/campaigns/{campaign.number}/items/{item.pk}/move/"
    response = client.post(url, {"stage": "复评", "version": item.version, "photos": photo})
    assert response.status_code == 302
    record = StageRecord.objects.get(item=item)
    assert record.documents.count() == 1
    page = client.get(f"/campaigns/{campaign.number}/items/{item.pk}/")
    assert page.status_code == 200 and "复评" in page.content.decode()
