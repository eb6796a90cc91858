"""Small helpers the areas' cockpit tiles share: rates as the tiles show them, the link to the
list behind a figure, and a chart in the shape the cockpit page draws."""

from urllib.parse import urlencode

from django.urls import reverse


def rate(part, whole):
    """part / whole in percent (0–100, two decimals), None when there is nothing to divide."""
    return round(100 * part / whole, 2) if whole else None


def list_url(name: str, region, period=None, /, *args, **params) -> str:
    """The URL of a list page (`name` reversed with `args`) filtered to the region (its code as
    `region`) and the period (`period`), with any further filters."""
    query = {"region": region.code, **params}
    if period is not None:
        query["period"] = str(period)
    return f"{reverse(name, args=args)}?{urlencode(query)}"


def chart(kind: str, title, labels, values, **extra) -> dict:
    """A chart of the page: kind "line", "bar" or "pie"; labels and values side by side."""
    return {"kind": kind, "title": str(title), "labels": [str(x) for x in labels],
            "values": list(values), **extra}  # fmt: skip
