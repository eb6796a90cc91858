"""The anomaly rules of project fund supervision, as pure functions over a project's ledger.

Each anomaly carries a key that names what it is about (the line, the payment, the run of
payments, the idle period), so raising findings for them is idempotent: a second run finds the
same keys and raises nothing new.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .choices import FundRule


@dataclass(frozen=True)
class FundLimits:
    """The rules' parameters; a county may set its own (`run_fund_rules --threshold …`)."""

    # Paid share of the budget may run ahead of the progress by this many points.
    progress_slack: int = 10
    # Payments below this need no tender or collective decision: a run of payments to one
    # payee just under it (within `split_margin` of it) within `split_days` looks split.
    split_threshold: Decimal = Decimal("50000")
    split_margin: Decimal = Decimal("0.2")
    split_days: int = 30
    idle_days: int = 90


@dataclass(frozen=True)
class Line:
    id: int
    code: str
    name: str
    amount: Decimal


@dataclass(frozen=True)
class Payment:
    reference: str
    line_id: int
    paid_on: dt.date
    payee: str
    payee_uscc: str
    amount: Decimal


@dataclass(frozen=True)
class Ledger:
    code: str
    progress: int
    funds_received_on: dt.date | None
    lines: tuple[Line, ...]
    parties: tuple[tuple[str, str], ...]  # (name, credit code)
    payments: tuple[Payment, ...]


@dataclass(frozen=True)
class Anomaly:
    rule: str
    key: str
    summary: str


def anomalies(ledger: Ledger, today: dt.date, limits: FundLimits = FundLimits()) -> list[Anomaly]:
    return [
        *over_line(ledger),
        *over_progress(ledger, limits),
        *unknown_payees(ledger),
        *split_payments(ledger, limits),
        *idle_funds(ledger, today, limits),
    ]


def over_line(ledger: Ledger) -> list[Anomaly]:
    paid = defaultdict(Decimal)
    for p in ledger.payments:
        paid[p.line_id] += p.amount
    return [
        Anomaly(
            FundRule.OVER_LINE,
            f"{FundRule.OVER_LINE}:{ledger.code}:{line.code}",
            _("Budget line %(line)s: %(paid)s yuan paid of %(amount)s")
            % {"line": line.name, "paid": paid[line.id], "amount": line.amount},
        )
        for line in ledger.lines
        if paid[line.id] > line.amount
    ]


def over_progress(ledger: Ledger, limits: FundLimits) -> list[Anomaly]:
    budget = sum((line.amount for line in ledger.lines), Decimal(0))
    paid = sum((p.amount for p in ledger.payments), Decimal(0))
    if budget <= 0:
        return []
    share = paid * 100 / budget
    if share <= ledger.progress + limits.progress_slack:
        return []
    # One finding per level of progress: paid ahead again after progress moved on is new.
    return [
        Anomaly(
            FundRule.OVER_PROGRESS,
            f"{FundRule.OVER_PROGRESS}:{ledger.code}:{ledger.progress}",
            _("%(share)s%% of the budget paid at %(progress)s%% progress")
            % {"share": round(share), "progress": ledger.progress},
        )
    ]


def _contracted(ledger: Ledger):
    names = {name for name, _uscc in ledger.parties}
    codes = {uscc for _name, uscc in ledger.parties if uscc}
    return lambda p: (p.payee_uscc in codes) if p.payee_uscc else (p.payee in names)


def unknown_payees(ledger: Ledger) -> list[Anomaly]:
    contracted = _contracted(ledger)
    return [
        Anomaly(
            FundRule.UNKNOWN_PAYEE,
            f"{FundRule.UNKNOWN_PAYEE}:{ledger.code}:{p.reference}",
            _("Payment %(ref)s of %(amount)s yuan to %(payee)s, not a contracted party")
            % {"ref": p.reference, "amount": p.amount, "payee": p.payee},
        )
        for p in ledger.payments
        if not contracted(p)
    ]


def split_payments(ledger: Ledger, limits: FundLimits) -> list[Anomaly]:
    """Runs of two or more payments to one payee, each just under the threshold, within
    `split_days` of the run's first, together at or above the threshold."""
    floor = limits.split_threshold * (1 - limits.split_margin)
    near = defaultdict(list)
    for p in sorted(ledger.payments, key=lambda p: (p.paid_on, p.reference)):
        if floor <= p.amount < limits.split_threshold:
            near[p.payee_uscc or p.payee].append(p)
    found = []
    for payments in near.values():
        i = 0
        while i < len(payments):
            window = dt.timedelta(days=limits.split_days)
            run = [p for p in payments[i:] if p.paid_on - payments[i].paid_on <= window]
            total = sum((p.amount for p in run), Decimal(0))
            if len(run) >= 2 and total >= limits.split_threshold:
                found.append(
                    Anomaly(
                        FundRule.SPLIT,
                        f"{FundRule.SPLIT}:{ledger.code}:{run[0].reference}",
                        _(
                            "%(n)d payments to %(payee)s within %(days)d days, %(total)s yuan, "
                            "each just under %(threshold)s"
                        )
                        % {
                            "n": len(run),
                            "payee": run[0].payee,
                            "days": limits.split_days,
                            "total": total,
                            "threshold": limits.split_threshold,
                        },
                    )
                )
                i += len(run)
            else:
                i += 1
    return found


def idle_funds(ledger: Ledger, today: dt.date, limits: FundLimits) -> list[Anomaly]:
    """Funds received and not all paid, with no payment for `idle_days`."""
    if ledger.funds_received_on is None or ledger.progress >= 100:
        return []
    budget = sum((line.amount for line in ledger.lines), Decimal(0))
    paid = sum((p.amount for p in ledger.payments), Decimal(0))
    if paid >= budget:
        return []
    since = max([ledger.funds_received_on, *(p.paid_on for p in ledger.payments)])
    idle = (today - since).days
    if idle <= limits.idle_days:
        return []
    return [
        Anomaly(
            FundRule.IDLE,
            f"{FundRule.IDLE}:{ledger.code}:{since.isoformat()}",
            _("%(left)s yuan idle since %(since)s (%(days)d days)")
            % {"left": budget - paid, "since": since.isoformat(), "days": idle},
        )
    ]
