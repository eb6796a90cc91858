"""Two people moving the same item at the same moment: exactly one move is recorded.

Real threads with their own connections and transactions, so the row lock decides. The rows
are committed, so the test runs outside the suite's rolled-back transaction: it takes its move
back by hand, and the demo's snapshot is written back after it (the suite's demo must stay as
loaded — a cleanup inside a rolled-back transaction would be rolled back with it)."""

import threading

import pytest
from django.db import connection

from gridgov.campaigns.demo import NAME
from gridgov.campaigns.models import Campaign, Item, StageRecord
from gridgov.core.models import AuditEntry
from gridgov.org.models import Staff
from tests.conftest import client_for


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers at BEGIN: the version and stage checks cover it there",
)
def test_two_moves_of_one_item_at_once_one_wins_and_the_other_gets_409(
    _demo_snapshot, transactional_db
):
    campaign = Campaign.objects.get(name=NAME)
    manager = Staff.objects.filter(
        role="dispatcher", user__isnull=False, region=campaign.region
    ).first() or Staff.objects.get(user__username="admin")
    user = manager.user
    item = Item.objects.filter(campaign=campaign, stage__position=2).order_by("pk").first()
    before = (item.stage_id, item.stage_since, item.version)
    lined_up = threading.Barrier(2, timeout=10)
    results = []

    def move():
        try:
            client = client_for(user)
            lined_up.wait()
            response = client.post(
                f"/api/v1/campaigns/{campaign.number}/items/{item.pk}/moves",
                {"stage": "拆除"},
                content_type="application/json",
            )
            results.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=move) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(results) == [200, 409], results
        assert StageRecord.objects.filter(item=item, stage__name="拆除").count() == 1
    finally:
        StageRecord.objects.filter(item=item, stage__name="拆除").delete()
        AuditEntry.objects.filter(action="campaigns.item.move", target_id=str(item.pk)).delete()
        stage_id, since, version = before
        Item.objects.filter(pk=item.pk).update(
            stage_id=stage_id, stage_since=since, version=version
        )
        connection.close()
