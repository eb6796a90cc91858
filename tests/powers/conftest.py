"""Shared pieces for the power-item tests: the demo county, its units, catalogue files."""

import datetime

import pytest

from gridgov.core.exports import write_table
from gridgov.org.models import Department
from gridgov.powers.files import COLUMNS
from gridgov.regions.models import Region

NANHU = "330402"
BUREAU = f"{NANHU}-ZHZFJ"
MARKET = f"{NANHU}-SCJGJ"
HOUSING = f"{NANHU}-ZJJ"
BEFORE_TRANSFER = datetime.date(2022, 5, 31)
TRANSFER_DAY = datetime.date(2022, 6, 1)


@pytest.fixture
def nanhu(db) -> Region:
    return Region.objects.get(code=NANHU)


@pytest.fixture
def bureau(db) -> Department:
    return Department.objects.get(code=BUREAU)


@pytest.fixture
def market(db) -> Department:
    return Department.objects.get(code=MARKET)


@pytest.fixture
def housing(db) -> Department:
    return Department.objects.get(code=HOUSING)


def row(
    code="T-0001",
    name="对测试事项的行政检查",
    kind="行政检查",
    unit=MARKET,
    basis="《测试法》第一条",
    status="有效",
    day="2023-01-01",
    document="测试〔2023〕1号",
) -> list[str]:
    return [code, name, kind, unit, basis, status, day, document]


def catalogue_file(rows, fmt="csv", header=COLUMNS) -> bytes:
    return write_table(fmt, header, rows)
