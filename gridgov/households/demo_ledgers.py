"""The demo town's ledgers: buildings, houses, households and residents of 东栅街道 (where the
demo's grid workers work), generated from the demo's seed and written by the import's own
bulk path (`LedgerWriter`). GRIDGOV_DEMO_RESIDENTS residents (30,000; the tests load fewer)."""

import datetime as dt
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.csvfiles import Problems
from gridgov.core.pii import digest
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .choices import HouseUse, Relation, ResidenceKind
from .identity import id_number_for, parse_id_number
from .ledger_import import BATCH, LedgerRow, LedgerWriter
from .models import SpecialGroup

TOWN = "330402013"  # 东栅街道, 南湖区
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红玉兰凤梅志宏新海燕春雪琳"
# Where the floating population comes from: area codes of other provinces' counties.
ELSEWHERE = ("341203", "420103", "510104", "360102", "411302", "430104")
FLOATING_SHARE = 0.2


def load_demo_ledgers(*, seed: int, actor, count: int | None = None) -> dict:
    count = settings.GRIDGOV_DEMO_RESIDENTS if count is None else count
    town = Region.objects.get(code=TOWN)
    places = list(
        Region.objects.filter(town=town, level=RegionLevel.MICROGRID).defer("boundary")
    ) or list(Region.objects.filter(town=town, level=RegionLevel.GRID).defer("boundary"))
    groups = dict(SpecialGroup.objects.values_list("code", "pk"))
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible from the seed
    today = timezone.localdate()
    writer = LedgerWriter(area=town, actor=actor, on=today, problems=Problems())
    with transaction.atomic():
        batch = []
        for row in _rows(rng, places, groups, count, today):
            batch.append(row)
            if len(batch) == BATCH:
                writer.write(batch)
                batch = []
        if batch:
            writer.write(batch)
        summary = writer.tally.as_dict()
        audit.record("households.demo", actor=actor, target=town, summary=TOWN, changes=summary)
    return summary


def _rows(rng, places, groups, count, today):
    """Households of 1 to 5 people, six to a floor-pair of a six-storey building."""
    made = household = 0
    while made < count:
        place = places[household % len(places)]
        building, slot = divmod(household // len(places), 24)
        unit, floor, room = 1 + slot // 12, 1 + slot % 12 // 2, 1 + slot % 2
        floating = rng.random() < FLOATING_SHARE
        surname = rng.choice(SURNAMES)
        size = min(count - made, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))
        head_year = today.year - rng.randint(25, 85)
        for member in range(size):
            yield _person(rng, place, groups, today, made, member, surname, head_year, floating,
                          (building, unit, floor, room, household))  # fmt: skip
            made += 1
        household += 1


def _person(rng, place, groups, today, n, member, surname, head_year, floating, where):
    building, unit, floor, room, _household = where
    relation = (Relation.HEAD, Relation.SPOUSE, Relation.CHILD, Relation.CHILD, Relation.PARENT)
    relation = relation[member]
    year = {Relation.CHILD: head_year + rng.randint(22, 35),
            Relation.PARENT: head_year - rng.randint(22, 30)}.get(relation, head_year)  # fmt: skip
    year = max(today.year - 95, min(year, today.year))
    born = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
    born = min(born, today)
    area = rng.choice(ELSEWHERE) if floating else "330402"
    facts = parse_id_number(id_number_for(area, born, n), today=today)
    kept = []
    age = today.year - born.year
    if rng.random() < 0.02 and "disabled" in groups:
        kept.append(groups["disabled"])
    if facts.sex == "female" and 22 <= age <= 38 and rng.random() < 0.05 and "pregnant" in groups:
        kept.append(groups["pregnant"])
    if rng.random() < 0.01 and "key_care" in groups:
        kept.append(groups["key_care"])
    phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" if age >= 14 else ""
    return LedgerRow(
        row=n + 2,
        region=place,
        address_code=f"{place.code}-{building + 1:03d}",
        building=f"{building + 1}幢",
        unit=str(unit),
        floor=floor,
        room=f"{floor}0{room}",
        use=HouseUse.RENTED if floating else HouseUse.OWN_HOME,
        household=f"{place.code}-{building + 1:03d}-{unit}-{floor}0{room}",
        relation=relation,
        name=surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if relation != Relation.SPOUSE
        else rng.choice(SURNAMES) + rng.choice(GIVEN),
        facts=facts,
        id_digest=digest(facts.number),
        phone=phone,
        phone_digest=digest(phone) if phone else "",
        residence=ResidenceKind.FLOATING if floating else ResidenceKind.REGISTERED,
        groups=tuple(sorted(kept)),
        note="",
    )
