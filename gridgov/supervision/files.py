"""Reading a finance ledger of project payments (Excel or CSV) with the shared reader: one row
per payment, every problem reported by row and column."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridgov.core.csvfiles import cell_day, file_records, parse_records, problem
from gridgov.core.validators import validate_uscc

from .actions import DisbursementRow
from .models import BudgetLine

PROJECT, REFERENCE, DAY, LINE, PAYEE, USCC, AMOUNT, PURPOSE = (
    "项目编码",
    "凭证号",
    "支付日期",
    "预算科目",
    "收款方",
    "收款方信用代码",
    "金额",
    "用途",
)
COLUMNS = [PROJECT, REFERENCE, DAY, LINE, PAYEE, USCC, AMOUNT, PURPOSE]
MAX_AMOUNT = Decimal("1e11")


def read_ledger_file(data: bytes, filename: str, projects) -> tuple[list, list[dict]]:
    """The good rows and the problems of the others; `projects` are those the importer may
    write to (their area's), by code."""
    return parse_records(file_records(data, filename), COLUMNS, _RowParser(projects), where="row")


def parse_amount(text: str) -> Decimal | None:
    try:
        amount = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount <= 0 or amount >= MAX_AMOUNT:
        return None
    if amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


class _RowParser:
    def __init__(self, projects):
        self.projects = {p.code: p for p in projects}
        self.lines = {
            (line.project_id, line.code): line
            for line in BudgetLine.objects.filter(project__in=list(self.projects.values()))
        }

    def __call__(self, row: int, cells: list[str]):
        raw = dict(zip(COLUMNS, cells, strict=True))
        problems = []

        def refuse(column, reason):
            problems.append(problem(row, column, reason, where="row"))

        project = self.projects.get(raw[PROJECT])
        if project is None:
            refuse(PROJECT, _("no such project in your area"))
        line = self.lines.get((project.pk, raw[LINE])) if project else None
        if project is not None and line is None:
            refuse(LINE, _("no such budget line of the project"))
        if not raw[REFERENCE] or len(raw[REFERENCE]) > 40:
            refuse(REFERENCE, _("a voucher number of 1 to 40 characters is required"))
        day = cell_day(raw[DAY])
        if day is None:
            refuse(DAY, _("a date such as 2026-03-01 is required"))
        if not raw[PAYEE] or len(raw[PAYEE]) > 120:
            refuse(PAYEE, _("a payee of 1 to 120 characters is required"))
        if raw[USCC]:
            try:
                validate_uscc(raw[USCC])
            except ValidationError as error:
                refuse(USCC, " ".join(error.messages))
        amount = parse_amount(raw[AMOUNT])
        if amount is None:
            refuse(AMOUNT, _("a positive amount in yuan with at most 2 decimals is required"))
        if len(raw[PURPOSE]) > 200:
            refuse(PURPOSE, _("at most 200 characters"))
        if problems:
            return None, problems
        return DisbursementRow(
            row, project, line, raw[REFERENCE], day, raw[PAYEE], raw[USCC], amount, raw[PURPOSE]
        ), []
