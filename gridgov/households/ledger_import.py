"""Importing the 一标三实 ledgers villages keep in Excel: one row per resident, with the
building, house and household they live in (.xlsx or .csv, see `COLUMNS`).

A file of a village holds thousands of rows, a county's a million, so the import streams:
rows are read, checked and written in batches of `BATCH`, each batch with a handful of queries
(the stored buildings, houses, households and residents it names, each found with one IN
query; the new ones written with one INSERT statement each, COPY on PostgreSQL). Nothing per
row goes to the database, and no more than a batch of rows is held in memory.

A person is recognised by the keyed digest of their ID number: importing the same file again
changes nothing ("0 new, N unchanged"); a row that differs (a new phone, another household)
updates the stored person. Everything runs in one transaction: all or nothing, unless bad rows
are skipped, when the good ones are written and the others reported by row and column. Only
places inside the importer's area are written; a row naming another area is refused.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import audit
from gridgov.core.bulk import refresh_planner_statistics
from gridgov.core.csvfiles import Limits, Problems, file_table, iter_parsed
from gridgov.core.csvfiles import problem as file_problem
from gridgov.core.errors import InvalidInput, NotFound, NotPermitted
from gridgov.core.jobs import job_handler, report_progress
from gridgov.core.pii import digester, encrypter
from gridgov.core.validators import validate_phone
from gridgov.org.roles import post_of
from gridgov.org.scoping import scope_of
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .choices import HouseUse, MoveKind, Presence, Relation, ResidenceKind
from .identity import IdFacts, parse_id_number
from .models import Building, House, Household, Move, Resident, SpecialGroup

REGION = "区域编码"
ADDRESS_CODE = "标准地址编码"
BUILDING = "楼栋"
UNIT = "单元"
FLOOR = "楼层"
ROOM = "房号"
USE = "房屋用途"
HOUSEHOLD = "户号"
RELATION = "与户主关系"
NAME = "姓名"
ID_NUMBER = "身份证号"
PHONE = "联系电话"
RESIDENCE = "人口类型"
GROUPS = "特殊人群"
NOTE = "备注"
COLUMNS = [REGION, ADDRESS_CODE, BUILDING, UNIT, FLOOR, ROOM, USE, HOUSEHOLD, RELATION, NAME,
           ID_NUMBER, PHONE, RESIDENCE, GROUPS, NOTE]  # fmt: skip

# The file's vocabulary is Chinese whatever the page's language; the stored values are taken too.
USES = {"自住": HouseUse.OWN_HOME, "出租": HouseUse.RENTED, "经营": HouseUse.SHOP,
        "商铺": HouseUse.SHOP, "空置": HouseUse.VACANT, "": HouseUse.OWN_HOME}  # fmt: skip
RELATIONS = {"户主": Relation.HEAD, "本人": Relation.HEAD, "配偶": Relation.SPOUSE,
             "妻": Relation.SPOUSE, "夫": Relation.SPOUSE, "子女": Relation.CHILD,
             "子": Relation.CHILD, "女": Relation.CHILD, "父母": Relation.PARENT,
             "父亲": Relation.PARENT, "母亲": Relation.PARENT, "孙子女": Relation.GRANDCHILD,
             "祖父母": Relation.GRANDPARENT, "兄弟姐妹": Relation.SIBLING,
             "租户": Relation.TENANT, "其他": Relation.OTHER, "": Relation.OTHER}  # fmt: skip
RESIDENCES = {"户籍": ResidenceKind.REGISTERED, "户籍人口": ResidenceKind.REGISTERED,
              "流动": ResidenceKind.FLOATING, "流动人口": ResidenceKind.FLOATING,
              "境外": ResidenceKind.OVERSEAS, "境外人员": ResidenceKind.OVERSEAS,
              "": ResidenceKind.REGISTERED}  # fmt: skip
for _choices, _vocabulary in ((HouseUse, USES), (Relation, RELATIONS), (ResidenceKind, RESIDENCES)):
    _vocabulary.update({value: value for value in _choices.values})
GROUP_SEPARATORS = re.compile(r"[、,，;；/\s]+")
PLACE_LEVELS = (RegionLevel.VILLAGE, RegionLevel.GRID, RegionLevel.MICROGRID)

# Rows written per batch: big enough that the queries are few, small enough for every
# database's limit on parameters (SQLite: 32,766) and for memory.
BATCH = 2000
# A ledger may be a county's: a million rows; its workbook unzips to some hundreds of MB.
LEDGER_LIMITS = Limits.default(rows=1_000_001, cells=16_000_000, unzipped_bytes=1024 * 2**20)
# Buildings, houses and households already looked up, kept while there are fewer than this.
CACHE = 200_000
PLACE_FIELDS = ("city_id", "county_id", "town_id", "village_id", "grid_id", "microgrid_id")


def problem(row, column: str, reason) -> dict:
    return file_problem(row, column, str(reason), where="row")


@dataclass(slots=True)
class LedgerRow:
    """One checked row: a resident and where they live."""

    row: int
    region: Region
    address_code: str
    building: str
    unit: str
    floor: int | None
    room: str
    use: str
    household: str
    relation: str
    name: str
    facts: IdFacts
    id_digest: str
    phone: str
    phone_digest: str
    residence: str
    groups: tuple[int, ...]
    note: str


# --- Who may import where ----------------------------------------------------------------------


def check_may_keep_ledgers(actor, area: Region) -> None:
    """A person acting needs a post whose area holds `area`; the demo and commands pass.
    (Outside it, the area does not exist for them: 404, as for every out-of-scope read.)"""
    if not hasattr(actor, "is_authenticated"):
        return
    if not actor.is_superuser and post_of(actor) is None:
        raise NotPermitted(_("Only staff with a post keep ledgers."))
    if not scope_of(actor).covers_region(area):
        raise NotFound(_("%(region)s is outside your area.") % {"region": area.name})


# --- Checking rows -----------------------------------------------------------------------------


class RowParser:
    """Checks one row on its own: the place is in the area, the ID number is valid, the
    vocabulary is known. Rows across the file are checked by `LedgerWriter`."""

    def __init__(self, area: Region, *, today: dt.date):
        self.today = today
        self.digest = digester()
        places = Region.objects.filter(**{area.level: area}, level__in=PLACE_LEVELS)
        self.regions = {r.code: r for r in places.defer("boundary")}
        groups = SpecialGroup.objects.filter(is_active=True)
        self.groups: dict[str, int | None] = {}
        for group in groups:
            # Groups by age follow the birth date: named in a file, they are accepted, not kept.
            value = None if group.by_rule else group.pk
            self.groups[group.name] = self.groups[group.code] = value

    def __call__(self, row: int, cells: list[str]):
        raw = dict(zip(COLUMNS, cells, strict=True))
        problems: list[dict] = []

        def refuse(column, reason):
            problems.append(problem(row, column, reason))

        region = self.regions.get(raw[REGION])
        if region is None:
            refuse(REGION, _("no village, grid or micro-grid %(code)s in your area")
                   % {"code": raw[REGION]})  # fmt: skip
        if not raw[ADDRESS_CODE] and not raw[BUILDING]:
            refuse(BUILDING, _("give the building or its standard address code"))
        use = USES.get(raw[USE])
        if use is None:
            refuse(USE, _("unknown use %(v)r: 自住, 出租, 经营 or 空置") % {"v": raw[USE]})
        relation = RELATIONS.get(raw[RELATION])
        if relation is None:
            refuse(RELATION, _("unknown relation %(v)r") % {"v": raw[RELATION]})
        residence = RESIDENCES.get(raw[RESIDENCE])
        if residence is None:
            refuse(RESIDENCE, _("unknown kind %(v)r: 户籍, 流动 or 境外") % {"v": raw[RESIDENCE]})
        floor = self.floor(raw[FLOOR], refuse)
        self.check_lengths(raw, refuse)
        facts = None
        try:
            facts = parse_id_number(raw[ID_NUMBER], today=self.today)
        except ValidationError as error:
            refuse(ID_NUMBER, error.messages[0])
        phone = raw[PHONE].replace(" ", "")
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as error:
                refuse(PHONE, error.messages[0])
        groups = self.group_ids(raw[GROUPS], refuse)
        if problems:
            return None, problems
        household = raw[HOUSEHOLD] or "-".join(
            part
            for part in (
                raw[ADDRESS_CODE] or f"{region.code}-{raw[BUILDING]}",
                raw[UNIT],
                raw[ROOM],
            )
            if part
        )
        if len(household) > 40:
            return None, [problem(row, HOUSEHOLD, _("a household number of at most 40 characters"))]
        return LedgerRow(
            row=row,
            region=region,
            address_code=raw[ADDRESS_CODE] or f"{region.code}-{raw[BUILDING]}",
            building=raw[BUILDING],
            unit=raw[UNIT],
            floor=floor,
            room=raw[ROOM],
            use=use,
            household=household,
            relation=relation,
            name=raw[NAME],
            facts=facts,
            id_digest=self.digest(facts.number),
            phone=phone,
            phone_digest=self.digest(phone) if phone else "",
            residence=residence,
            groups=groups,
            note=raw[NOTE],
        ), []

    @staticmethod
    def floor(text: str, refuse) -> int | None:
        if not text:
            return None
        try:
            value = int(text.removesuffix("层").removesuffix("楼"))
        except ValueError:
            value = None
        if value is None or not -10 <= value <= 300:
            refuse(FLOOR, _("a floor is a whole number such as 3 or -1"))
        return value

    @staticmethod
    def check_lengths(raw: dict, refuse) -> None:
        if not raw[NAME] or len(raw[NAME]) > 64:
            refuse(NAME, _("a name of 1 to 64 characters"))
        for column, most in ((ADDRESS_CODE, 40), (BUILDING, 60), (UNIT, 20), (ROOM, 20)):
            if len(raw[column]) > most:
                refuse(column, _("at most %(n)d characters") % {"n": most})
        if len(raw[NOTE]) > 2000:
            refuse(NOTE, _("at most %(n)d characters") % {"n": 2000})

    def group_ids(self, text: str, refuse) -> tuple[int, ...]:
        ids = []
        for name in GROUP_SEPARATORS.split(text.strip()):
            if not name:
                continue
            if name not in self.groups:
                refuse(GROUPS, _("unknown special group %(name)s") % {"name": name})
            elif self.groups[name] is not None and self.groups[name] not in ids:
                ids.append(self.groups[name])
        return tuple(sorted(ids))


# --- Writing rows ------------------------------------------------------------------------------


@dataclass
class Tally:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    buildings: int = 0
    houses: int = 0
    households: int = 0
    skipped: int = 0

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "residents_created": self.created,
            "residents_updated": self.updated,
            "unchanged": self.unchanged,
            "buildings_created": self.buildings,
            "houses_created": self.houses,
            "households_created": self.households,
            "rows_skipped": self.skipped,
        }


@dataclass
class LedgerWriter:
    """Writes checked rows batch by batch; refuses, by row, what crosses rows or areas.

    New rows go in with plain INSERTs (`insert_rows`: executemany, COPY on PostgreSQL), not
    through model instances: at a million rows the ORM's per-object work was most of the time.
    Each value is therefore computed once here — the tokens and digests of the personal fields,
    the timestamps the model would stamp — and the ids of new rows are read back by their keys
    with one IN query a batch."""

    area: Region
    actor: object
    on: dt.date
    problems: Problems
    tally: Tally = field(default_factory=Tally)
    buildings: dict = field(default_factory=dict)  # address code -> (id, place) or None
    houses: dict = field(default_factory=dict)  # (building id, unit, room) -> id
    households: dict = field(default_factory=dict)  # number -> (id, place) or None
    seen: set = field(default_factory=set)  # the ID numbers of the file so far
    seal: Callable[[str], str] = field(default_factory=encrypter)

    def write(self, rows: list[LedgerRow]) -> None:
        rows = self.first_of_each_person(rows)
        for cache in (self.buildings, self.houses, self.households):
            if len(cache) > CACHE:
                cache.clear()
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = self.place_buildings(rows, now)
        house_ids = self.place_houses(rows, now)
        rows = self.place_households(rows, house_ids, now)
        self.write_residents(rows, now)

    def refuse(self, row: LedgerRow, column: str, reason) -> None:
        self.problems.append(problem(row.row, column, reason))

    def first_of_each_person(self, rows: list[LedgerRow]) -> list[LedgerRow]:
        kept = []
        for row in rows:
            key = int(row.id_digest[:16], 16)
            if key in self.seen:
                self.refuse(row, ID_NUMBER, _("the same ID number is on an earlier row"))
                continue
            self.seen.add(key)
            kept.append(row)
        return kept

    def inside(self, place) -> bool:
        level = PLACE_FIELDS.index(f"{self.area.level}_id")
        return place[level] == self.area.pk

    def place_buildings(self, rows: list[LedgerRow], now) -> list[LedgerRow]:
        missing = sorted({r.address_code for r in rows} - self.buildings.keys())
        if missing:
            for code, pk, *place in rows_in(Building, "address_code", missing, "id", *PLACE_FIELDS):
                self.buildings[code] = (pk, tuple(place)) if self.inside(place) else None
        new: dict[str, tuple] = {}
        kept = []
        for row in rows:
            if row.address_code in self.buildings:
                if self.buildings[row.address_code] is None:
                    self.refuse(row, ADDRESS_CODE, _("this building is outside your area"))
                    continue
            elif row.address_code not in new:
                place = tuple(getattr(row.region, name) for name in PLACE_FIELDS)
                address = f"{row.region.name}{row.building}"[:200]
                name = row.building or row.address_code[-60:]
                new[row.address_code] = (row.address_code, address, name, now, now, *place)
            kept.append(row)
        ids = insert_rows(Building, BUILDING_COLUMNS, list(new.values()), with_ids=True)
        for values, pk in zip(new.values(), ids, strict=True):
            self.buildings[values[0]] = (pk, values[5:])
        self.tally.buildings += len(new)
        return kept

    def place_houses(self, rows: list[LedgerRow], now) -> dict:
        keyed = {(self.buildings[r.address_code][0], r.unit, r.room): r for r in rows}
        missing = [key for key in keyed if key not in self.houses]
        if missing:
            self.read_houses({key[0] for key in missing})
        new = []
        for key in missing:
            if key not in self.houses:
                row = keyed[key]
                place = self.buildings[row.address_code][1]
                new.append((key[0], row.unit, row.floor, row.room, row.use, now, now, *place))
        ids = insert_rows(House, HOUSE_COLUMNS, new, with_ids=True)
        for values, pk in zip(new, ids, strict=True):
            self.houses[(values[0], values[1], values[3])] = pk
        self.tally.houses += len(new)
        return {r.row: self.houses[(self.buildings[r.address_code][0], r.unit, r.room)]
                for r in rows}  # fmt: skip

    def read_houses(self, building_ids: set) -> None:
        for building_id, unit, room, pk in rows_in(House, "building_id", building_ids, "unit",
                                                   "room", "id"):  # fmt: skip
            self.houses[(building_id, unit, room)] = pk

    def place_households(self, rows: list[LedgerRow], house_ids: dict, now) -> list[LedgerRow]:
        missing = sorted({r.household for r in rows} - self.households.keys())
        if missing:
            for code, pk, *place in rows_in(Household, "number", missing, "id", *PLACE_FIELDS):
                self.households[code] = (pk, tuple(place)) if self.inside(place) else None
        new: dict[str, tuple] = {}
        kept = []
        for row in rows:
            if row.household in self.households:
                if self.households[row.household] is None:
                    self.refuse(row, HOUSEHOLD, _("this household is outside your area"))
                    continue
            elif row.household not in new:
                place = self.buildings[row.address_code][1]
                house = house_ids[row.row]
                new[row.household] = (row.household, house, 0, "", now, now, *place)
            kept.append(row)
        ids = insert_rows(Household, HOUSEHOLD_COLUMNS, list(new.values()), with_ids=True)
        for values, pk in zip(new.values(), ids, strict=True):
            self.households[values[0]] = (pk, values[6:])
        self.tally.households += len(new)
        return kept

    def write_residents(self, rows: list[LedgerRow], now) -> None:
        known = [
            pk for _digest, pk in rows_in(Resident, "id_digest", [r.id_digest for r in rows], "id")
        ]
        stored = {
            r.id_digest: r
            for r in Resident.objects.filter(pk__in=known).only(
                "pk",
                "id_digest",
                "household_id",
                "name",
                "phone_digest",
                "residence",
                "relation",
                "note",
                *PLACE_FIELDS,
            )
        }
        groups = self.stored_groups([r.pk for r in stored.values()])
        new, changed, touched = [], [], set()
        for row in rows:
            household_id, place = self.households[row.household]
            resident = stored.get(row.id_digest)
            if resident is not None and not self.inside(
                [getattr(resident, f) for f in PLACE_FIELDS]
            ):
                self.refuse(row, ID_NUMBER, _("this person is on the ledger of another area"))
                continue
            if resident is None:
                new.append(row)
            elif self.update(resident, row, household_id, place, groups.get(resident.pk, ())):
                changed.append((row, resident))
                if resident.moved_from:
                    touched.add(resident.moved_from)
            else:
                self.tally.unchanged += 1
                continue
            touched.add(household_id)
        self.create_residents(new, now)
        self.update_residents(changed, groups, now)
        refresh_sizes(touched)
        self.tally.created += len(new)
        self.tally.updated += len(changed)

    def create_residents(self, rows: list[LedgerRow], now) -> None:
        """New people: their rows, groups and arrivals, each one INSERT statement a batch."""
        if not rows:
            return
        households = self.households
        ids = insert_rows(
            Resident,
            RESIDENT_COLUMNS,
            [
                (
                    households[row.household][0],
                    row.name,
                    self.seal(row.facts.number),
                    row.id_digest,
                    row.facts.birth_date,
                    row.facts.sex,
                    self.seal(row.phone) if row.phone else "",
                    row.phone_digest,
                    row.residence,
                    row.relation,
                    Presence.PRESENT.value,
                    "",
                    row.note,
                    now,
                    now,
                    *households[row.household][1],
                )
                for row in rows
            ],
            with_ids=True,
        )
        ids = {row.id_digest: pk for row, pk in zip(rows, ids, strict=True)}
        insert_rows(
            Resident.groups.through,
            ("resident_id", "specialgroup_id"),
            [(ids[row.id_digest], group) for row in rows for group in row.groups],
        )
        self.arrivals(
            [(ids[row.id_digest], households[row.household][0], row.facts.birth_date)
             for row in rows],
            now,
        )  # fmt: skip

    def arrivals(self, people: list[tuple[int, int, dt.date | None]], now) -> None:
        """Each person's arrival in their household (resident, household, birth date), as the
        ledger's history starts."""
        recorded_by = self.actor.pk if hasattr(self.actor, "is_authenticated") else None
        note = _("ledger import")
        born, moved_in = MoveKind.BIRTH.value, MoveKind.MOVE_IN.value
        insert_rows(
            Move,
            MOVE_COLUMNS,
            [
                (resident, household, born if birth == self.on else moved_in, self.on, note,
                 recorded_by, now)
                for resident, household, birth in people
            ],
        )  # fmt: skip

    def update(self, resident, row: LedgerRow, household_id, place, groups) -> bool:
        """Bring a stored person in line with the row; whether anything changed."""
        fresh = {
            "household_id": household_id,
            "name": row.name,
            "residence": row.residence,
            "relation": row.relation,
            "note": row.note,
        }
        same = (
            all(getattr(resident, k) == v for k, v in fresh.items())
            and resident.phone_digest == row.phone_digest
            and tuple(sorted(groups)) == row.groups
        )
        if same:
            return False
        resident.moved_from = (
            resident.household_id if resident.household_id != household_id else None
        )
        for name, value in fresh.items():
            setattr(resident, name, value)
        resident.phone, resident.phone_digest = row.phone, row.phone_digest
        for name, value in zip(PLACE_FIELDS, place, strict=True):
            setattr(resident, name, value)
        return True

    def update_residents(self, changed: list[tuple[LedgerRow, Resident]], groups, now) -> None:
        if not changed:
            return
        residents = [resident for _row, resident in changed]
        Resident.objects.bulk_update(
            residents,
            [
                "household_id",
                "name",
                "phone",
                "phone_digest",
                "residence",
                "relation",
                "note",
                *PLACE_FIELDS,
                "updated_at",
            ],
            batch_size=BATCH,
        )
        Through = Resident.groups.through
        regrouped = [
            (row, r) for row, r in changed if tuple(sorted(groups.get(r.pk, ()))) != row.groups
        ]
        Through.objects.filter(resident_id__in=[r.pk for _row, r in regrouped]).delete()
        insert_rows(
            Through,
            ("resident_id", "specialgroup_id"),
            [(r.pk, group) for row, r in regrouped for group in row.groups],
        )
        self.arrivals(
            [(r.pk, r.household_id, r.birth_date) for r in residents if r.moved_from], now
        )

    @staticmethod
    def stored_groups(resident_ids: list[int]) -> dict[int, list[int]]:
        groups: dict[int, list[int]] = {}
        if resident_ids:
            Through = Resident.groups.through
            for resident_id, group_id in Through.objects.filter(
                resident_id__in=resident_ids
            ).values_list("resident_id", "specialgroup_id"):
                groups.setdefault(resident_id, []).append(group_id)
        return groups


# The columns each new row is written with: every column without a database default.
BUILDING_COLUMNS = ("address_code", "address", "name", "created_at", "updated_at", *PLACE_FIELDS)
HOUSE_COLUMNS = ("building_id", "unit", "floor", "room", "use", "created_at", "updated_at",
                 *PLACE_FIELDS)  # fmt: skip
HOUSEHOLD_COLUMNS = ("number", "house_id", "size", "note", "created_at", "updated_at",
                     *PLACE_FIELDS)  # fmt: skip
RESIDENT_COLUMNS = ("household_id", "name", "id_number", "id_digest", "birth_date", "sex",
                    "phone", "phone_digest", "residence", "relation", "presence", "colour",
                    "note", "created_at", "updated_at", *PLACE_FIELDS)  # fmt: skip
MOVE_COLUMNS = ("resident_id", "household_id", "kind", "on", "note", "recorded_by_id",
                "recorded_at")  # fmt: skip


def rows_in(model, key: str, values, *columns: str) -> list[tuple]:
    """(key, *columns) of the rows of `model` whose `key` is one of `values`, in one query
    (written out: Django's IN lookup prepares each of thousands of values on its own)."""
    values = list(values)
    if not values:
        return []
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in (key, *columns))
    marks = ", ".join(["%s"] * len(values))
    table, column = quote(model._meta.db_table), quote(model._meta.get_field(key).column)
    with connection.cursor() as cursor:
        # Names from the model, quoted; the values are parameters.
        cursor.execute(f"SELECT {names} FROM {table} WHERE {column} IN ({marks})", values)  # noqa: S608
        return cursor.fetchall()


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple], *, with_ids=False):
    """Rows of `model` as they are (values ready for the database), in one statement: COPY on
    PostgreSQL, an executemany INSERT elsewhere. With `with_ids`, the ids are taken first
    (`new_ids`) and returned in the rows' order, so that none has to be read back."""
    if not rows:
        return []
    if with_ids:
        ids = new_ids(model, len(rows))
        rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        columns = ("id", *columns)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            # Names from the model, quoted; the values are parameters.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, rows)
    return ids if with_ids else []


def new_ids(model, count: int) -> list[int]:
    """Ids for `count` new rows of `model`, theirs alone: drawn from the table's sequence on
    PostgreSQL; on SQLite past the largest ever given (the import's transaction is IMMEDIATE:
    it holds the database's write lock, so no one else can take them meanwhile)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [pk for (pk,) in cursor.fetchall()]
        # The table's name from the model, quoted.
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0] or 0
        # AUTOINCREMENT never gives an id twice, even one whose row was deleted: neither do we.
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        given = cursor.fetchone()
        top = max(top, given[0] if given else 0)
    return list(range(top + 1, top + 1 + count))


def refresh_sizes(household_ids) -> None:
    """The households' counts of people living there, from their residents: one statement."""
    if not household_ids:
        return
    present = (
        Resident.objects.filter(household=OuterRef("pk"), presence=Presence.PRESENT)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Household.objects.filter(pk__in=list(household_ids)).update(
        size=Coalesce(Subquery(present), 0), updated_at=timezone.now()
    )


# --- The import ---------------------------------------------------------------------------------


def batches(parsed: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for _number, row in parsed:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_ledger_file(
    data: bytes,
    filename: str,
    *,
    area: Region,
    actor,
    skip_bad_rows: bool = False,
    on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits = LEDGER_LIMITS,
) -> dict:
    """Import a ledger file into `area`, in one transaction: nothing is written while any row
    has a problem, unless `skip_bad_rows`, when the good rows are written and the others
    listed. progress(done, total) is called between batches. One audit row."""
    check_may_keep_ledgers(actor, area)
    on = on or timezone.localdate()
    total, records = file_table(data, filename, limits)
    problems = Problems()
    writer = LedgerWriter(area=area, actor=actor, on=on, problems=problems)
    parsed = iter_parsed(records, COLUMNS, RowParser(area, today=on), problems, where="row")
    read = 0
    with transaction.atomic(), roomy_page_cache():
        for batch in batches(parsed):
            writer.write(batch)
            read += len(batch)
            if progress is not None:
                progress(read + len(problems.kept) + problems.more, total)
        found = problems.as_list("row")
        if found and not skip_bad_rows:
            raise InvalidInput(
                _("The ledger has problems; nothing was imported."),
                details=sorted(found, key=lambda p: p.get("row") or 0),
            )
        tally = writer.tally
        tally.skipped = len({p["row"] for p in found if p.get("row")}) + problems.more
        tally.rows = tally.created + tally.updated + tally.unchanged + tally.skipped
        summary = tally.as_dict()
        audit.record(
            "households.ledger.import",
            actor=actor,
            target=area,
            summary=_("%(area)s: %(new)d new, %(n)d unchanged")
            % {"area": area.name, "new": writer.tally.created, "n": writer.tally.unchanged},
            changes=summary,
        )
    if writer.tally.created + writer.tally.updated >= ANALYZE_FROM:
        refresh_planner_statistics(Resident, Household, House, Building, Move)
    return {**summary, "problems": sorted(found, key=lambda p: p.get("row") or 0)}


# Rows written from which the planner's statistics are refreshed after an import.
ANALYZE_FROM = 10_000


@contextmanager
def roomy_page_cache():
    """On SQLite, a page cache of 256 MB while a ledger is imported: a county's residents'
    indexes then stay in memory (the 32 MB a connection has otherwise made a million-row
    import a tenth slower, re-reading index pages for the random ID-number digests)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (usual,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(usual)}")


IMPORT_CACHE_KIB = 256 * 1024


# --- The background job ------------------------------------------------------------------------

IMPORT_LEDGER = "households.import_ledger"


@job_handler(IMPORT_LEDGER)
def run_ledger_import(job) -> dict:
    with job.upload.open("rb") as upload:
        data = upload.read()
    return import_ledger_file(
        data,
        job.upload_name,
        area=Region.objects.get(code=job.params["area"]),
        actor=job.created_by,
        skip_bad_rows=job.params.get("skip_bad_rows", False),
        progress=lambda done, total: report_progress(
            job, _("%(done)d of %(total)d rows read") % {"done": done, "total": total}
        ),
    )


# --- The template people download -----------------------------------------------------------------


def template_rows() -> list[list[str]]:
    """Two example rows: the head of a household and his wife, who is pregnant."""
    return [
        ["330402013001001", "", "3幢", "1", "2", "201", "自住", "HD-3-1-201", "户主", "张伟",
         "330402198001010030", "13912345678", "户籍", "", ""],
        ["330402013001001", "", "3幢", "1", "2", "201", "自住", "HD-3-1-201", "配偶", "李娜",
         "330402198203040027", "", "户籍", "孕产妇", "预产期 2025-06"],
    ]  # fmt: skip


NOTES = [
    ["列", "说明"],
    [REGION, "村（社区）、网格或微网格的编码，须在本人辖区内"],
    [ADDRESS_CODE, "公安标准地址编码；没有时留空，按区域编码和楼栋生成"],
    [BUILDING, "楼栋名称，如 3幢、12号；与标准地址编码至少填一项"],
    [UNIT + "/" + FLOOR + "/" + ROOM, "单元、楼层（整数，地下为负数）、房号"],
    [USE, "自住、出租、经营或空置；留空为自住"],
    [HOUSEHOLD, "户号；同一户的成员填相同户号，留空按房屋生成"],
    [RELATION, "户主、配偶、子女、父母、孙子女、祖父母、兄弟姐妹、租户或其他"],
    [ID_NUMBER, "18 位公民身份号码（含校验位）；出生日期和性别由号码得出"],
    [PHONE, "手机号或固定电话，可留空"],
    [RESIDENCE, "户籍、流动或境外；留空为户籍"],
    [GROUPS, "特殊人群名称，多个用顿号分隔；按年龄划分的人群由出生日期自动得出"],
    [NOTE, "备注"],
    ["导入规则", "按身份证号识别人员：重复导入同一文件不会新增；电话等变化会更新"],
]
