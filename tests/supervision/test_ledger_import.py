"""Importing a payment ledger: checked row by row, nothing half-written, idempotent, and the
fund rules run over it."""

import pytest

from gridgov.core.errors import InvalidInput, NotPermitted
from gridgov.supervision.actions import do_import_disbursements
from gridgov.supervision.files import COLUMNS, read_ledger_file
from gridgov.supervision.models import Disbursement, Finding
from gridgov.supervision.selectors import projects_for
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def ledger_csv(project, *rows) -> bytes:
    line = project.budget_lines.order_by("code").first().code
    party = project.parties.order_by("name").first().name
    body = [",".join(COLUMNS)]
    for ref, day, payee, amount in rows:
        body.append(f"{project.code},{ref},{day},{line},{payee or party},,{amount},工程款")
    return "\n".join(body).encode()


def imported(data, user, **kw):
    rows, problems = read_ledger_file(data, "ledger.csv", list(projects_for(user)))
    return do_import_disbursements(rows, actor=user, file_problems=problems, **kw)


def test_a_ledger_imports_once_and_again_changes_nothing(project, supervisor):
    data = ledger_csv(project, ("V1", "2026-02-01", "", "1000.50"), ("V2", "2026-02-03", "", "20"))
    first = imported(data, supervisor)
    assert first["created"] == 2 and first["problems"] == []
    again = imported(data, supervisor)
    assert again["created"] == 0 and again["unchanged"] == 2
    assert Disbursement.objects.filter(project=project, reference__in=["V1", "V2"]).count() == 2


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(project, supervisor):
    data = ledger_csv(project, ("V1", "2026-02-01", "", "100"), ("V2", "2月", "", "-5"))
    with pytest.raises(InvalidInput) as refused:
        imported(data, supervisor)
    assert {(p["row"], p["column"]) for p in refused.value.details} == {
        (3, "支付日期"),
        (3, "金额"),
    }
    assert not Disbursement.objects.filter(project=project, reference="V1").exists()
    skipped = imported(data, supervisor, skip_bad_rows=True)
    assert skipped["created"] == 1 and skipped["rows_skipped"] == 1


def test_an_imported_payment_to_an_unknown_payee_raises_a_finding(project, supervisor):
    imported(ledger_csv(project, ("V7", "2026-02-01", "无合同公司", "100")), supervisor)
    assert Finding.objects.filter(anomaly_key=f"unknown_payee:{project.code}:V7").exists()


def test_only_the_areas_supervisors_import(project, dispatcher_town):
    data = ledger_csv(project, ("V1", "2026-02-01", "", "100"))
    with pytest.raises(NotPermitted):
        imported(data, dispatcher_town)
    answer = client_for(dispatcher_town).get("/supervision/projects/ledger/")
    assert answer.status_code == 403
