"""Charts as SVG, drawn here on the server (no browser): bars or lines of a chart's series,
with the axis labels. WeasyPrint draws the SVG into the PDF; the same SVG could be shown on
a page."""

from xml.sax.saxutils import escape

from .figures import Chart

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 56
# Named on the SVG itself: text in an SVG that leaves the font to inheritance lost its CJK glyphs
# in WeasyPrint once a document held three charts.
FONTS = "'Noto Sans CJK SC', 'Noto Sans CJK', 'WenQuanYi Zen Hei', sans-serif"
COLOURS = ("#2f6fb3", "#e07b39", "#3a9d5d", "#c2413b", "#7d5ba6", "#8c8c8c")


def svg(chart: Chart) -> str:
    values = [v for s in chart.series for v in s.values if v is not None]
    top = _nice_top(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(chart.labels)
    slot = plot_w / max(n, 1)

    def y(value) -> float:
        return TOP + plot_h - (plot_h * (value or 0) / top if top else 0)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-size="11" font-family="{FONTS}">',
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{escape(chart.title)}</text>',
    ]
    for step in range(5):  # the grid and the value axis
        value = top * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#ddd"/><text x="{LEFT - 4}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{_short(value)}</text>'
        )
    every = max(1, n // 12)  # at most a dozen labels under the axis
    for i, label in enumerate(chart.labels):
        if i % every == 0:
            x = LEFT + slot * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">'
                f"{escape(label[:8])}</text>"
            )
    if chart.kind == "line":
        parts.extend(_lines(chart, slot, y))
    else:
        parts.extend(_bars(chart, slot, y, TOP + plot_h))
    parts.extend(_legend(chart))
    parts.append("</svg>")
    return "".join(parts)


def _bars(chart: Chart, slot: float, y, base: float) -> list[str]:
    count = len(chart.series)
    width = slot * 0.8 / count
    bars = []
    for k, series in enumerate(chart.series):
        for i, value in enumerate(series.values):
            if value is None:
                continue
            x = LEFT + slot * i + slot * 0.1 + width * k
            bars.append(
                f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{width:.1f}" '
                f'height="{base - y(value):.1f}" fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
    return bars


def _lines(chart: Chart, slot: float, y) -> list[str]:
    lines = []
    for k, series in enumerate(chart.series):
        points = " ".join(
            f"{LEFT + slot * (i + 0.5):.1f},{y(v):.1f}"
            for i, v in enumerate(series.values)
            if v is not None
        )
        if points:
            lines.append(
                f'<polyline points="{points}" fill="none" stroke-width="2" '
                f'stroke="{COLOURS[k % len(COLOURS)]}"/>'
            )
    return lines


def _legend(chart: Chart) -> list[str]:
    if len(chart.series) < 2:
        return []
    items = []
    for k, series in enumerate(chart.series):
        x = LEFT + k * 110
        items.append(
            f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" '
            f'fill="{COLOURS[k % len(COLOURS)]}"/><text x="{x + 14}" y="{HEIGHT - 7}">'
            f"{escape(series.label[:10])}</text>"
        )
    return items


def _nice_top(largest: float) -> float:
    """A round number at or above the largest value, for the top of the axis."""
    if largest <= 0:
        return 1
    magnitude = 10 ** (len(str(int(largest))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= largest:
            return step * magnitude
    return 10 * magnitude


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 10_000:g}万"
    return f"{value:g}"
