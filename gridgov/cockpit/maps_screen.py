"""What the command centre's big screen (大屏) shows besides its maps: the key figures of every
registered cockpit tile the user may see, and two charts of its own (the open work by how
urgent it is, and the events reported each day of the period), so the screen is never empty
whatever tiles are registered."""

import logging
from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.alerts.choices import WarningStatus
from gridgov.core.dates import Period
from gridgov.core.registry import capabilities_of, cockpit_tiles
from gridgov.events.selectors import events_for

from .maps import _active_warnings, _open_events

logger = logging.getLogger(__name__)

# The screen asks again this often (seconds); the page's script reads it from the page.
REFRESH_SECONDS = 45


def tiles_for(user) -> list:
    held = capabilities_of(user)
    return [t for t in cockpit_tiles() if t.requires is None or t.requires in held]


def tile_figures(user, region, period: Period) -> list[dict]:
    """Each tile's label and its figures' values for the region and period. A tile whose read
    fails shows dashes (and the failure is logged): one broken area must not blank the screen
    the command centre watches."""
    shown = []
    for tile in tiles_for(user):
        try:
            values = tile.read(region, period) or {}
        except Exception:
            logger.exception("cockpit tile %s failed to read %s %s", tile.name, region.code, period)
            values = {}
        shown.append(
            {
                "name": tile.name,
                "label": str(tile.label),
                "figures": [
                    {
                        "key": f.key,
                        "label": str(f.label),
                        "unit": f.unit,
                        "value": values.get(f.key),
                        "higher_is_better": f.higher_is_better,
                    }
                    for f in tile.figures
                ],
            }
        )
    return shown


def urgency_chart(user, region) -> dict:
    """Open events and active warnings by how urgent they are now: two queries."""
    now = timezone.now()
    red = Q(due_at__lt=now) | Q(late=True)
    yellow = Q(warn_at__lte=now, due_at__gte=now, late=False)
    counts = {
        "red": Count("id", filter=red),
        "yellow": Count("id", filter=yellow),
        "all": Count("id"),
    }
    events = _open_events(user, region).order_by().aggregate(**counts)
    warnings = (
        _active_warnings(user, region)
        .order_by()
        .aggregate(**counts, new=Count("id", filter=Q(status=WarningStatus.NEW)))
    )

    def series(c):
        return [c["red"], c["yellow"], c["all"] - c["red"] - c["yellow"]]

    return {
        "categories": [_("overdue"), _("due soon"), _("on time")],
        "series": [
            {"name": _("open events"), "data": series(events)},
            {"name": _("active warnings"), "data": series(warnings)},
        ],
        "totals": {
            "events": events["all"],
            "warnings": warnings["all"],
            "new_warnings": warnings["new"],
        },
    }


def daily_chart(user, region, period: Period) -> dict:
    """Events reported each day of the period (every day listed, zeros included): one query."""
    start, end = period.bounds()
    rows = (
        events_for(user)
        .filter(**{region.level: region.pk}, reported_at__gte=start, reported_at__lt=end)
        .annotate(day=TruncDate("reported_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("id"))
    )
    by_day = {r["day"]: r["n"] for r in rows}
    days = [period.first + timedelta(days=i) for i in range(period.days)]
    return {"days": [d.isoformat() for d in days], "counts": [by_day.get(d, 0) for d in days]}


def screen_data(user, region, period: Period) -> dict:
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "period": str(period),
        "tiles": tile_figures(user, region, period),
        "urgency": urgency_chart(user, region),
        "daily": daily_chart(user, region, period),
        "refreshed_at": timezone.localtime().strftime("%H:%M:%S"),
    }
