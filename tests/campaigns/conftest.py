import datetime

import pytest
from django.utils import timezone

from gridgov.campaigns.actions import (
    ItemData,
    StageSpec,
    do_create_campaign,
    do_create_team,
    do_save_items,
)
from gridgov.campaigns.places import mu_to_m2, read_place
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN

STAGES = ("复评", "签约", "腾空", "拆除")


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def make_campaign(*, town=DEMO_TOWN, skippable=(), stuck_days=30, actor="command:test"):
    return do_create_campaign(
        region=Region.objects.get(code=town),
        name="老旧工业区块腾退",
        stages=[StageSpec(name, skippable=name in skippable) for name in STAGES],
        started_on=days_ago(100),
        stuck_days=stuck_days,
        actor=actor,
    )


def add_items(campaign, count=3, *, reached=None, task_team="", mu=2):
    geometry, lon, lat = read_place("120.76,30.75")
    rows = [
        ItemData(
            code=f"F{n:03d}",
            name=f"企业{n}",
            area_m2=mu_to_m2(mu),
            geometry=geometry,
            lon=lon,
            lat=lat,
            task_team=task_team,
            reached=dict(reached or {}),
        )
        for n in range(1, count + 1)
    ]
    do_save_items(campaign, rows, actor="command:test")
    return list(campaign.items.order_by("code"))


@pytest.fixture
def campaign(db):
    return make_campaign()


@pytest.fixture
def team(campaign, officer_squad):
    """A task team of the town's enforcement squad officer (who may not manage campaigns)."""
    from gridgov.org.models import Staff

    return do_create_team(
        campaign,
        kind="task_team",
        name="腾退一专班",
        members=[Staff.objects.get(user=officer_squad)],
        actor="command:test",
    )
