"""A campaign's items as a file (Excel or CSV, Chinese headers), one row per item:

    编号, 名称, 类型, 权属人, 面积, 面积单位, 地址, 坐标系, 位置, 任务专班, 工作组,
    <one column per stage>

位置 is "lon,lat" or GeoJSON (Point, Polygon, MultiPolygon) in 坐标系 (WGS84, the default, or
GCJ-02); 面积单位 is 亩 or 平方米; each stage's column holds the day the item reached it, or is
empty. The export writes the same columns, so an exported board reads back as it was.
"""

from django.utils.translation import gettext as _

from gridgov.core.csvfiles import cell_day, file_records, parse_records
from gridgov.core.csvfiles import problem as file_problem
from gridgov.regions.choices import CRS

from .actions import ItemData, do_save_items
from .choices import ItemKind
from .places import PlaceError, area_in_m2, read_place

CODE, NAME, KIND, OWNER, AREA, UNIT = "编号", "名称", "类型", "权属人", "面积", "面积单位"
ADDRESS, CRS_COLUMN, PLACE, TASK_TEAM, WORKING_GROUP = (
    "地址",
    "坐标系",
    "位置",
    "任务专班",
    "工作组",
)
BASE_COLUMNS = [CODE, NAME, KIND, OWNER, AREA, UNIT, ADDRESS, CRS_COLUMN, PLACE, TASK_TEAM,
                WORKING_GROUP]  # fmt: skip
KIND_NAMES = {ItemKind.FIRM: "企业", ItemKind.PLOT: "地块", ItemKind.BUILDING: "楼宇"}
KIND_BY_NAME = {**{n: k for k, n in KIND_NAMES.items()}, **{k.value: k for k in ItemKind}}
CRS_BY_NAME = {"": CRS.WGS84, "wgs84": CRS.WGS84, "gcj02": CRS.GCJ02, "gcj-02": CRS.GCJ02}
MAX_TEXT = {CODE: 64, NAME: 120, OWNER: 120, ADDRESS: 200}


def columns_of(campaign) -> list[str]:
    return [*BASE_COLUMNS, *campaign.stages.order_by("position").values_list("name", flat=True)]


def read_item_file(data: bytes, filename: str, campaign) -> tuple[list[ItemData], list[dict]]:
    """The rows of a file that read, and the problems of the others (by row and column)."""
    header = columns_of(campaign)
    stage_names = header[len(BASE_COLUMNS) :]
    return parse_records(
        file_records(data, filename),
        header,
        lambda number, cells: parse_row(number, dict(zip(header, cells, strict=True)), stage_names),
        where="row",
    )


def parse_row(number: int, cells: dict, stage_names: list[str]) -> tuple[ItemData | None, list]:
    problems = []

    def refuse(column, reason):
        problems.append(file_problem(number, column, reason, where="row"))

    for column, limit in MAX_TEXT.items():
        if len(cells[column]) > limit:
            refuse(column, _("at most %(n)d characters") % {"n": limit})
    if not cells[CODE]:
        refuse(CODE, _("the code is required"))
    if not cells[NAME]:
        refuse(NAME, _("the name is required"))
    kind = KIND_BY_NAME.get(cells[KIND] or "企业")
    if kind is None:
        refuse(KIND, _("the kind must be 企业, 地块 or 楼宇"))
    area = place = None
    try:
        area = area_in_m2(cells[AREA] or "0", cells[UNIT] or "亩")
    except PlaceError as error:
        refuse(AREA, str(error))
    crs = CRS_BY_NAME.get(cells[CRS_COLUMN].lower())
    if crs is None:
        refuse(CRS_COLUMN, _("the coordinate system must be WGS84 or GCJ-02"))
    elif cells[PLACE]:
        try:
            place = read_place(cells[PLACE], crs)
        except PlaceError as error:
            refuse(PLACE, str(error))
    reached = {}
    for name in stage_names:
        if cells[name]:
            day = cell_day(cells[name])
            if day is None:
                refuse(name, _("not a date (YYYY-MM-DD)"))
            reached[name] = day
    if problems:
        return None, problems
    geometry, lon, lat = place or ("", None, None)
    row = ItemData(
        code=cells[CODE],
        name=cells[NAME],
        kind=kind,
        owner=cells[OWNER],
        area_m2=area,
        address=cells[ADDRESS],
        geometry=geometry,
        lon=lon,
        lat=lat,
        task_team=cells[TASK_TEAM],
        working_group=cells[WORKING_GROUP],
        reached=reached,
        row=number,
    )
    return row, []


def import_item_file(data: bytes, filename: str, campaign, *, actor, skip_bad_rows=False) -> dict:
    """Read a file of items and save them (see actions.do_save_items)."""
    rows, problems = read_item_file(data, filename, campaign)
    return do_save_items(
        campaign,
        rows,
        actor=actor,
        source=filename,
        skip_bad_rows=skip_bad_rows,
        file_problems=problems,
    )
