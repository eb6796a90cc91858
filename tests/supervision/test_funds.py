"""The fund anomaly rules, on ledgers built for each rule, and raising findings idempotently."""

import datetime as dt
from decimal import Decimal

import pytest

from gridgov.supervision import actions, funds
from gridgov.supervision.models import Disbursement, Finding

DAY = dt.date(2026, 3, 1)
LINES = (
    funds.Line(1, "L1", "土建", Decimal("100000")),
    funds.Line(2, "L2", "设备", Decimal("100000")),
)
PARTY = ("嘉兴建设有限公司", "")


def ledger(*payments, progress=50, received=DAY, parties=(PARTY,)):
    return funds.Ledger("P1", progress, received, LINES, parties, tuple(payments))


def pay(ref, amount, *, line=1, day=DAY, payee=PARTY[0]):
    return funds.Payment(ref, line, day, payee, "", Decimal(amount))


def rules_of(found):
    return sorted(a.rule for a in found)


def test_a_ledger_within_its_lines_progress_and_contracts_has_no_anomaly():
    assert funds.anomalies(ledger(pay("A", 60000), pay("B", 30000, line=2)), DAY) == []


def test_a_line_paid_beyond_its_budget_is_an_anomaly():
    found = funds.anomalies(ledger(pay("A", 70000), pay("B", 40000), progress=100), DAY)
    assert rules_of(found) == ["over_line"]


def test_paying_ahead_of_the_progress_is_an_anomaly_but_the_slack_is_allowed():
    assert funds.anomalies(ledger(pay("A", 100000), pay("B", 30000, line=2)), DAY)
    assert not funds.anomalies(ledger(pay("A", 60000), pay("B", 60000, line=2)), DAY)


def test_a_payee_without_a_contract_is_an_anomaly():
    found = funds.anomalies(ledger(pay("A", 1000, payee="某咨询服务部")), DAY)
    assert rules_of(found) == ["unknown_payee"] and "A" in found[0].key


def test_payments_split_just_under_the_threshold_within_the_window_are_an_anomaly():
    split = [pay(f"S{k}", 45000, day=DAY + dt.timedelta(days=5 * k)) for k in range(2)]
    assert rules_of(funds.anomalies(ledger(*split, progress=100), DAY)) == ["split"]
    apart = [pay(f"S{k}", 45000, day=DAY + dt.timedelta(days=60 * k)) for k in range(2)]
    assert funds.anomalies(ledger(*apart, progress=100), DAY) == []


def test_funds_idle_longer_than_the_limit_are_an_anomaly():
    idle = funds.anomalies(ledger(pay("A", 10000)), DAY + dt.timedelta(days=91))
    assert rules_of(idle) == ["idle"]
    assert funds.anomalies(ledger(pay("A", 10000)), DAY + dt.timedelta(days=90)) == []


@pytest.mark.django_db
def test_running_the_rules_again_raises_no_duplicate(project, supervisor):
    line = project.budget_lines.order_by("code").first()
    Disbursement.objects.create(
        project=project,
        line=line,
        reference="X1",
        paid_on=DAY,
        payee="不在合同内的收款人",
        amount=Decimal("1000"),
    )
    first = actions.do_run_fund_rules([project], actor=supervisor)
    assert first["findings_raised"] >= 1
    finding = Finding.objects.get(anomaly_key=f"unknown_payee:{project.code}:X1")
    assert finding.kind == "funds" and finding.department_id == project.department_id
    assert actions.do_run_fund_rules([project], actor=supervisor)["findings_raised"] == 0
