"""The cockpit page: the tiles of a region of the user's area for a period."""

import json

from django.shortcuts import render

from gridgov.core.dates import Period
from gridgov.org.choices import Capability
from gridgov.org.roles import capability_required

from .selectors import cockpit_data, cockpit_region


@capability_required(Capability.VIEW_KPI)
def cockpit(request, region_code=None):
    region = cockpit_region(request.user, region_code)
    period = Period.parse(request.GET.get("period"))
    data = cockpit_data(request.user, region, period)
    charts = {
        f"{tile['name']}-{name}": chart
        for tile in data["tiles"]
        for name, chart in tile["charts"].items()
    }
    return render(
        request,
        "cockpit/cockpit.html",
        {
            "c": data,
            "region": region,
            "period": period,
            "charts": charts,
            "charts_json": json.dumps(charts, ensure_ascii=False),
            "shortcuts": _shortcuts(period),
        },
    )


def _shortcuts(period: Period) -> list[tuple[str, str]]:
    from django.utils import timezone
    from django.utils.translation import gettext as _

    today = timezone.localdate()
    this_month = Period.month(today)
    return [
        (_("Today"), str(Period.day(today))),
        (_("This week"), str(Period.week(today))),
        (_("This month"), str(this_month)),
        (_("Last month"), str(this_month.previous())),
        (_("This year"), str(today.year)),
        (_("Previous period"), str(period.previous())),
    ]
