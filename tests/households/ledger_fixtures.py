"""Ledger files for the import tests: rows as a village writes them."""

import datetime as dt

from gridgov.core.exports import write_csv, write_xlsx
from gridgov.households.identity import id_number_for
from gridgov.households.ledger_import import COLUMNS

GRID_A = "330402013001001"
GRID_B = "330402013002001"


def person(n: int, *, region=GRID_A, household="", building="试验楼", room="101", **cells) -> list:
    """Row n: a person of the demo's county, born in the 1980s, odd n a man."""
    values = {
        "区域编码": region,
        "标准地址编码": "",
        "楼栋": building,
        "单元": "1",
        "楼层": "1",
        "房号": room,
        "房屋用途": "自住",
        "户号": household or f"HH-{region}-{room}",
        "与户主关系": "户主" if n % 3 == 0 else "子女",
        "姓名": f"居民{n}",
        "身份证号": id_number_for("330402", dt.date(1980, 1, 1) + dt.timedelta(days=n), n),
        "联系电话": f"139{n:08d}",
        "人口类型": "户籍",
        "特殊人群": "",
        "备注": "",
    }
    values.update(cells)
    return [values[c] for c in COLUMNS]


def csv_file(rows) -> bytes:
    return write_csv(COLUMNS, rows)


def xlsx_file(rows) -> bytes:
    return write_xlsx(COLUMNS, rows)
