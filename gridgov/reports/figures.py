"""What a report shows: every cockpit tile's figures for a region and a period, and its
charts, read through the registry (`gridgov.core.registry.cockpit_tiles`).

A tile's "charts" may come in any of a few plain shapes; `charts_of` reads each into a
`Chart` and leaves out what it cannot read:
- {"kind": "bar" | "line", "label": …, "labels": [x…], "series": [{"label": …, "values": […]}]}
  ("title", "type", "x"/"categories", "name", "data" are read as their synonyms);
- {"labels": [x…], "values": [y…]} (one series);
- {x: y, …} (a bar per key), or [[x, y], …].
The charts are a dict {name: chart} or a list of charts.
"""

import logging
from dataclasses import dataclass, field
from numbers import Number

from gridgov.core.registry import capabilities_of, cockpit_tiles

logger = logging.getLogger(__name__)
MAX_POINTS = 60
MAX_SERIES = 6


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple


@dataclass(frozen=True)
class Chart:
    title: str
    kind: str  # "bar" or "line"
    labels: tuple
    series: tuple[Series, ...]


@dataclass
class TileFigures:
    label: str
    figures: list[dict] = field(default_factory=list)  # {key, label, value, unit}
    charts: list[Chart] = field(default_factory=list)


@dataclass
class ReportData:
    tiles: list[TileFigures]
    problems: list[str]

    def figure_rows(self) -> list[dict]:
        return [{**figure, "tile": tile.label} for tile in self.tiles for figure in tile.figures]


def collect(region, period, reader) -> ReportData:
    """The tiles `reader` (a user; None: only the tiles open to every member of staff) may
    see, read for the region and the period. A tile that fails is left out and named in
    `problems` (the rest of the report is still made)."""
    allowed = capabilities_of(reader) if reader is not None else frozenset()
    tiles, problems = [], []
    for tile in cockpit_tiles():
        if tile.requires is not None and tile.requires not in allowed:
            continue
        try:
            read = tile.read(region, period) or {}
        except Exception:
            logger.exception("Cockpit tile %s failed for %s %s", tile.name, region, period)
            problems.append(str(tile.label))
            continue
        figures = [
            {"key": f.key, "label": str(f.label), "value": _number(read.get(f.key)),
             "unit": f.unit}
            for f in tile.figures
        ]  # fmt: skip
        tiles.append(TileFigures(str(tile.label), figures, charts_of(read.get("charts"))))
    return ReportData(tiles, problems)


def _number(value):
    if isinstance(value, bool) or not isinstance(value, Number):
        return None
    return round(float(value), 2) if isinstance(value, float) else value


def charts_of(charts) -> list[Chart]:
    if isinstance(charts, dict):
        named = list(charts.items())
    elif isinstance(charts, list | tuple):
        named = [("", chart) for chart in charts]
    else:
        return []
    read = [_chart(str(name), chart) for name, chart in named]
    return [chart for chart in read if chart is not None]


def _chart(name: str, chart) -> Chart | None:
    if isinstance(chart, list | tuple):
        pairs = [p for p in chart if isinstance(p, list | tuple) and len(p) == 2]
        chart = {str(x): y for x, y in pairs}
    if not isinstance(chart, dict):
        return None
    title = str(chart.get("label") or chart.get("title") or name)
    kind = "line" if (chart.get("kind") or chart.get("type")) == "line" else "bar"
    labels = chart.get("labels") or chart.get("x") or chart.get("categories")
    if labels is None:
        if "values" in chart or "series" in chart:
            return None
        numbers = {k: v for k, v in chart.items() if _number(v) is not None}
        labels, raw = list(numbers), [{"label": title, "values": list(numbers.values())}]
    elif "series" in chart:
        raw = chart["series"] if isinstance(chart["series"], list) else []
    else:
        raw = [{"label": title, "values": chart.get("values") or chart.get("data") or []}]
    labels = tuple(str(x) for x in list(labels)[:MAX_POINTS])
    series = []
    for s in raw[:MAX_SERIES]:
        if not isinstance(s, dict):
            continue
        values = s.get("values", s.get("data")) or []
        values = tuple(_number(v) for v in list(values)[: len(labels)])
        series.append(Series(str(s.get("label") or s.get("name") or title), values))
    if not labels or not series:
        return None
    return Chart(title, kind, labels, tuple(series))
