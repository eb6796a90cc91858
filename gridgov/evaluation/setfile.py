"""An indicator set's indicators as a file (考核指标表), Excel or CSV: one row per indicator.

Every row is checked on its own (a known source measuring the set's units, a weight, a
direction, a rule its numbers describe) and codes must not repeat; every problem is reported
by row and column, and nothing is written while any row has one. A row whose code the set
already has changes that indicator; the others are added.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from gridgov.core.csvfiles import file_records, parse_records
from gridgov.core.csvfiles import problem as file_problem
from gridgov.core.errors import GridGovError, InvalidInput

from .actions import check_indicator, check_manager, do_save_indicators
from .choices import Direction, ScoringRule
from .models import Indicator

CODE, NAME, SOURCE, WEIGHT = "编码", "名称", "来源", "权重"
DIRECTION, RULE, FLOOR, TARGET, THRESHOLDS = "方向", "评分规则", "下限", "目标", "分档"
COLUMNS = [CODE, NAME, SOURCE, WEIGHT, DIRECTION, RULE, FLOOR, TARGET, THRESHOLDS]
FIELD_COLUMNS = {"source": SOURCE, "weight": WEIGHT, "rule": RULE}
DIRECTIONS = {"higher": Direction.HIGHER, "越高越好": Direction.HIGHER,
              "lower": Direction.LOWER, "越低越好": Direction.LOWER}  # fmt: skip
RULES = {"linear": ScoringRule.LINEAR, "线性": ScoringRule.LINEAR,
         "thresholds": ScoringRule.THRESHOLDS, "分档": ScoringRule.THRESHOLDS}  # fmt: skip


def _number(text: str):
    try:
        return float(text) if text else None
    except ValueError:
        return "bad"


class _RowParser:
    def __init__(self, indicator_set):
        self.indicator_set = indicator_set

    def __call__(self, row: int, cells: list[str]):
        raw = dict(zip(COLUMNS, cells, strict=True))
        problems = []

        def refuse(column, reason):
            problems.append(file_problem(row, column, str(reason), where="row"))

        if not raw[CODE] or len(raw[CODE]) > 32:
            refuse(CODE, _("A code of 1 to 32 characters is required."))
        if not raw[NAME] or len(raw[NAME]) > 100:
            refuse(NAME, _("A name of 1 to 100 characters is required."))
        try:
            weight = Decimal(raw[WEIGHT])
        except InvalidOperation:
            weight = None
        if weight is None or not 0 < weight < 10000:
            refuse(WEIGHT, _("The weight must be above 0."))
        direction = DIRECTIONS.get(raw[DIRECTION].lower())
        if direction is None:
            refuse(DIRECTION, _("The direction is “higher” or “lower”."))
        rule = RULES.get(raw[RULE].lower())
        if rule is None:
            refuse(RULE, _("The scoring rule is “linear” or “thresholds”."))
        floor, target = _number(raw[FLOOR]), _number(raw[TARGET])
        for column, value in ((FLOOR, floor), (TARGET, target)):
            if value == "bad":
                refuse(column, _("Not a number."))
        if problems:
            return None, problems
        indicator = Indicator(
            indicator_set=self.indicator_set, code=raw[CODE], name=raw[NAME], source=raw[SOURCE],
            weight=weight, direction=direction, rule=rule, floor=floor, target=target,
            thresholds=raw[THRESHOLDS], sort_order=row,
        )  # fmt: skip
        try:
            check_indicator(indicator)
        except GridGovError as error:
            fields = {d.get("field") for d in error.details}
            column = next((c for f, c in FIELD_COLUMNS.items() if f in fields), RULE)
            return None, [file_problem(row, column, str(error.message), where="row")]
        return indicator, []


def _repeated_codes(rows: list[Indicator]) -> list[dict]:
    seen, problems = set(), []
    for indicator in rows:
        if indicator.code in seen:
            problems.append(
                file_problem(indicator.sort_order, CODE, _("This code is in the file twice."),
                             where="row")
            )  # fmt: skip
        seen.add(indicator.code)
    return problems


def import_indicator_file(indicator_set, data: bytes, name: str, *, actor) -> dict:
    """Add or change the set's indicators from a file; InvalidInput listing every problem by
    row and column (and nothing written) when any row is wrong."""
    check_manager(actor, indicator_set.area)
    rows, problems = parse_records(
        file_records(data, name),
        COLUMNS,
        _RowParser(indicator_set),
        check=_repeated_codes,
        where="row",
    )
    if problems:
        raise InvalidInput(_("The file was not imported: fix these rows."), details=problems)
    if not rows:
        raise InvalidInput(_("The file has no indicators."))
    return do_save_indicators(indicator_set, rows, actor=actor)
