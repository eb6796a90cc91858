"""The catalogue as a file (权力事项清单): Excel (.xlsx) or CSV, with Chinese headers.

One row says "from 生效日期 on, this item is held by 实施部门 in 状态". Reading checks every
row and reports every problem at once, by row and column (the column's header); the import
action then adds what the stored catalogue says (see actions.do_import_power_items).
An exported file reads back as the same catalogue.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gridgov.core.csvfiles import cell_day, file_records, parse_records
from gridgov.core.csvfiles import problem as file_problem
from gridgov.org.models import Department
from gridgov.regions.models import Region

from .choices import PowerKind, PowerStatus
from .selectors import departments_of

CODE = "事项编码"
NAME = "事项名称"
KIND = "事项类型"
DEPARTMENT = "实施部门"
LEGAL_BASIS = "设定依据"
STATUS = "状态"
EFFECTIVE_FROM = "生效日期"
DOCUMENT = "文号"
COLUMNS = [CODE, NAME, KIND, DEPARTMENT, LEGAL_BASIS, STATUS, EFFECTIVE_FROM, DOCUMENT]

# The names the provincial catalogue uses; the file's vocabulary whatever the page language.
KIND_NAMES = {
    PowerKind.LICENSING: "行政许可",
    PowerKind.PENALTY: "行政处罚",
    PowerKind.COERCION: "行政强制",
    PowerKind.INSPECTION: "行政检查",
    PowerKind.LEVY: "行政征收",
    PowerKind.BENEFIT: "行政给付",
    PowerKind.CONFIRMATION: "行政确认",
    PowerKind.REWARD: "行政奖励",
    PowerKind.ADJUDICATION: "行政裁决",
    PowerKind.OTHER: "其他",
}
STATUS_NAMES = {
    PowerStatus.ACTIVE: "有效",
    PowerStatus.SUSPENDED: "暂停",
    PowerStatus.REPEALED: "已废止",
}
KIND_BY_NAME = {
    **{name: kind for kind, name in KIND_NAMES.items()},
    **{kind.value: kind for kind in PowerKind},
    "其他行政权力": PowerKind.OTHER,
}
STATUS_BY_NAME = {
    **{name: status for status, name in STATUS_NAMES.items()},
    **{status.value: status for status in PowerStatus},
    "在用": PowerStatus.ACTIVE,
    "暂停实施": PowerStatus.SUSPENDED,
    "废止": PowerStatus.REPEALED,
}
CODE_PATTERN = re.compile(r"^\S{1,64}$")
MAX_NAME = 255
MAX_LEGAL_BASIS = 4000
MAX_DOCUMENT = 64


@dataclass(frozen=True)
class PowerRow:
    """One row of a catalogue file, checked; `row` is its number in the file (None when the
    row did not come from a file, as in the demo)."""

    row: int | None
    code: str
    name: str
    kind: str
    department: Department
    legal_basis: str
    status: str
    effective_from: datetime.date
    document_number: str = ""


def problem(row: int | None, column: str, reason: str) -> dict:
    return file_problem(row, column, reason, where="row")


def read_power_item_file(
    data: bytes, filename: str, jurisdiction: Region
) -> tuple[list[PowerRow], list[dict]]:
    """The good rows of a file and the problems of the others (a wrong header refuses all)."""
    parse = _RowParser(jurisdiction)
    return parse_records(
        file_records(data, filename), COLUMNS, parse, check=check_rows, where="row"
    )


class _RowParser:
    def __init__(self, jurisdiction: Region):
        self.jurisdiction = jurisdiction
        self.by_code, self.by_name = {}, defaultdict(list)
        for department in departments_of(jurisdiction).select_related("region"):
            self.by_code[department.code] = department
            self.by_name[department.name].append(department)

    def __call__(self, row: int, cells: list[str]):
        raw = dict(zip(COLUMNS, cells, strict=True))
        problems = []

        def refuse(column, reason):
            problems.append(problem(row, column, reason))

        if not CODE_PATTERN.match(raw[CODE]):
            refuse(CODE, _("a code of 1 to 64 characters without spaces is required"))
        if not raw[NAME] or len(raw[NAME]) > MAX_NAME:
            refuse(NAME, _("a name of 1 to 255 characters is required"))
        kind = KIND_BY_NAME.get(raw[KIND])
        if kind is None:
            refuse(KIND, _("%(v)r is not one of %(names)s")
                   % {"v": raw[KIND], "names": "、".join(KIND_NAMES.values())})  # fmt: skip
        department = self.department(raw[DEPARTMENT], refuse)
        if len(raw[LEGAL_BASIS]) > MAX_LEGAL_BASIS:
            refuse(LEGAL_BASIS, _("at most 4000 characters"))
        status = STATUS_BY_NAME.get(raw[STATUS] or STATUS_NAMES[PowerStatus.ACTIVE])
        if status is None:
            refuse(STATUS, _("%(v)r is not one of %(names)s")
                   % {"v": raw[STATUS], "names": "、".join(STATUS_NAMES.values())})  # fmt: skip
        day = cell_day(raw[EFFECTIVE_FROM])
        if day is None:
            refuse(EFFECTIVE_FROM, _("not a date (YYYY-MM-DD): %(v)r") % {"v": raw[EFFECTIVE_FROM]})
        if len(raw[DOCUMENT]) > MAX_DOCUMENT:
            refuse(DOCUMENT, _("at most 64 characters"))
        if problems:
            return None, problems
        return PowerRow(
            row=row,
            code=raw[CODE],
            name=raw[NAME],
            kind=kind,
            department=department,
            legal_basis=raw[LEGAL_BASIS],
            status=status,
            effective_from=day,
            document_number=raw[DOCUMENT],
        ), []

    def department(self, text: str, refuse) -> Department | None:
        """A unit of the jurisdiction by code, or by its exact name when only one has it."""
        if text in self.by_code:
            return self.by_code[text]
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        if named:
            refuse(DEPARTMENT, _("several units are named %(v)r; give the code") % {"v": text})
        elif not text:
            refuse(DEPARTMENT, _("the holding unit's code or name is required"))
        else:
            refuse(
                DEPARTMENT,
                _("%(v)r is no unit of %(area)s") % {"v": text, "area": self.jurisdiction.name},
            )
        return None


def check_rows(rows: list[PowerRow]) -> list[dict]:
    """Across rows: each item once per date, and the same name, kind and legal basis on every
    row of an item (a file may list an item's history, one row per date)."""
    problems, first = [], {}
    seen_days = {}
    for row in rows:
        key = (row.code, row.effective_from)
        if key in seen_days:
            problems.append(
                problem(
                    row.row,
                    EFFECTIVE_FROM,
                    _("%(code)s from %(day)s already appears in row %(other)s")
                    % {"code": row.code, "day": row.effective_from, "other": seen_days[key]},
                )
            )
            continue
        seen_days[key] = row.row
        earlier = first.setdefault(row.code, row)
        for column, field in ((NAME, "name"), (KIND, "kind"), (LEGAL_BASIS, "legal_basis")):
            if getattr(row, field) != getattr(earlier, field):
                problems.append(
                    problem(
                        row.row,
                        column,
                        _("differs from row %(other)s of the same item") % {"other": earlier.row},
                    )
                )
                break
    return problems


def export_rows(versions) -> list[list]:
    """Catalogue rows (versions with item and holder loaded) as file rows: one per version."""
    return [
        [
            v.item.code,
            v.item.name,
            KIND_NAMES[v.item.kind],
            v.department.code,
            v.item.legal_basis,
            STATUS_NAMES[v.status],
            v.effective_from,
            v.document_number,
        ]
        for v in versions
    ]
