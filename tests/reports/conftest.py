import pytest

from gridgov.core import registry
from gridgov.core.registry import CockpitTile, Figure


def read_events(region, period):
    return {
        "evt.reported": 448,
        "evt.on_time_rate": 47.05,
        "evt.unknown": None,
        "charts": {
            "trend": {
                "kind": "line",
                "label": "事件趋势",
                "labels": [f"{d:02d}日" for d in range(1, 8)],
                "series": [{"label": "上报", "values": [3, 5, 2, 8, 6, 4, 7]}],
            },
            "by_status": {"已办结": 379, "处置中": 257, "待受理": 160},
        },
    }


def read_care(region, period):
    return {"care.visits": 135, "charts": [[["走访", 135], ["问题", 35]]]}


def read_broken(region, period):
    raise RuntimeError("rollup missing")


TILES = {
    "evt": CockpitTile(
        "evt", "事件", 10,
        (Figure("evt.reported", "上报事件", "件"), Figure("evt.on_time_rate", "按时办结率", "%"),
         Figure("evt.unknown", "暂无数据", "件")),
        read_events,
    ),
    "care": CockpitTile("care", "关爱", 20, (Figure("care.visits", "关爱走访", "次"),), read_care),
    "secret": CockpitTile(
        "secret", "考核", 30, (Figure("secret.score", "考核分", "分"),),
        lambda region, period: {"secret.score": 99}, requires="manage_staff",
    ),
    "broken": CockpitTile("broken", "坏的", 40, (Figure("broken.x", "x"),), read_broken),
}  # fmt: skip


@pytest.fixture(autouse=True)
def test_tiles(monkeypatch):
    """The cockpit as these tests know it: tiles registered here, not the areas' own."""
    monkeypatch.setattr(registry, "_cockpit_tiles", dict(TILES))
    return TILES
