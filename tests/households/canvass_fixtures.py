"""A few buildings, households and residents made through plain ORM, for the canvass tests:
the ledger's own actions and the demo town's ledgers are tested elsewhere."""

import datetime as dt
import itertools

from django.db.models import Max
from django.utils import timezone

from gridgov.households.canvass_actions import CanvassData, do_create_canvass, do_start_canvass
from gridgov.households.choices import HouseUse
from gridgov.households.models import Building, House, Household, Resident
from gridgov.regions.models import Region

_serial = itertools.count(1)


def microgrids_of(region, count=2) -> list[Region]:
    return list(
        Region.objects.filter(**{region.level: region}, level="microgrid").order_by("code")[:count]
    )


def make_households(microgrid, count=3, people=2, *, born=dt.date(1980, 5, 1)) -> list[Household]:
    """`count` households of `people` present residents each, in one building of the
    micro-grid (at its label point)."""
    n = next(_serial)
    start = (Household.objects.aggregate(m=Max("pk"))["m"] or 0) + n * 1000
    building = Building(
        address_code=f"T{microgrid.code}-{n}",
        address=f"测试路{n}号",
        name=f"{n}幢",
        lon=microgrid.label_lon,
        lat=microgrid.label_lat,
    )
    building.place_in(microgrid)
    building.save()
    made = []
    for i in range(count):
        house = House(building=building, unit="1", room=f"{i + 1:02d}01", use=HouseUse.OWN_HOME)
        house.place_in(microgrid)
        house.save()
        household = Household(number=f"H{start + i}", house=house, size=people)
        household.place_in(microgrid)
        household.save()
        for p in range(people):
            resident = Resident(
                household=household,
                name=f"居民{start + i}-{p}",
                id_number=f"33040219800501{start + i:06d}{p}"[-18:],
                birth_date=born,
            )
            resident.place_in(microgrid)
            resident.save()
        made.append(household)
    return made


def running_canvass(region, organiser, **fields):
    """A canvass of the region, started (its households and counters made)."""
    today = timezone.localdate()
    data = CanvassData(
        title="测试敲门行动",
        region=region,
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
        **fields,
    )
    canvass = do_create_canvass(data, actor=organiser)
    return do_start_canvass(canvass.pk, actor=organiser)
