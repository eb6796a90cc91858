"""The campaign boards' part of the cockpit: the campaigns of the region and the funnel of the
latest (the seed's 448 / 379 / 257 / 160), one aggregate over its items."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability

from .models import Campaign, Item
from .selectors import funnel, stages_of


def _campaigns(region):
    return Campaign.objects.filter(**{f"region__{region.level}": region.pk}).order_by("-pk")


def read_campaigns(region, period) -> dict:
    campaigns = list(_campaigns(region).only("pk", "number", "name")[:1])
    figures = {"campaigns.count": _campaigns(region).count(), "charts": {}}
    if not campaigns:
        return figures
    latest = campaigns[0]
    stages = stages_of(latest)
    by_stage = {
        row["stage"]: (row["n"], row["area"])
        for row in Item.objects.filter(campaign=latest)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"), area=Sum("area_m2"))
    }
    rows = funnel(stages, by_stage)
    figures["campaigns.items"] = sum(n for n, _area in by_stage.values())
    figures["campaigns.finished"] = rows[-1]["reached"] if rows else 0
    figures["charts"]["funnel"] = {
        "kind": "bar",
        "title": latest.name,
        "labels": [r["name"] for r in rows],
        "values": [r["reached"] for r in rows],
        "rows": latest.get_absolute_url() if hasattr(latest, "get_absolute_url") else None,
    }
    return figures


def _rows(region, period):
    from django.urls import reverse

    latest = _campaigns(region).only("number").first()
    return reverse("campaigns:board", args=[latest.number]) if latest else None


register_cockpit_tile(
    CockpitTile(
        "campaigns",
        _("Campaign boards"),
        80,
        (
            Figure("campaigns.count", _("Campaigns"), "个"),
            Figure("campaigns.items", _("Items of the latest campaign"), "个", rows=_rows),
            Figure("campaigns.finished", _("Through its last stage"), "个", rows=_rows),
        ),
        read=read_campaigns,
        requires=Capability.VIEW_KPI,
    )
)
