"""Random and malformed input to every inspection endpoint of the OpenAPI schema: always an
answer, never a server error (schemathesis drives the requests from the schema)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from gridgov.inspections.actions import (
    ResultData,
    do_assign_inspection,
    do_finish_inspection,
    do_record_result,
)
from gridgov.inspections.models import EnforcementCase, RectificationOrder
from gridgov.inspections.selectors import checklist_of
from gridgov.inspections.workflow import INSPECTION_WORKFLOW
from gridgov.org.models import Staff
from tests.fuzzing import FUZZ_SETTINGS, bearer_headers

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(inspections|inspection-|scenarios|rectifications|cases|kpi/inspections)"
)


@pytest.fixture
def findings(joint_task, dispatcher_town, officer_squad, officer_police):
    """An inspected task whose two failed checks became a case and a rectification order."""
    officers = Staff.objects.filter(user__in=[officer_squad, officer_police])
    do_assign_inspection(joint_task.pk, list(officers), actor=dispatcher_town)
    INSPECTION_WORKFLOW.act(joint_task.pk, "start", actor=officer_squad)
    items = {item.department_kind: item for item in checklist_of(joint_task)}
    do_record_result(
        joint_task.pk,
        ResultData(items["comprehensive_enforcement"].pk, "fail", "摊点", "case"),
        actor=officer_squad,
    )
    do_record_result(
        joint_task.pk,
        ResultData(items["public_security"].pk, "fail", "无护学岗", "rectify", 5),
        actor=officer_police,
    )
    do_finish_inspection(joint_task.pk, actor=officer_squad, acknowledged_by="王校长")
    return {
        "inspections": joint_task.number,
        "rectifications": RectificationOrder.objects.get(task=joint_task).number,
        "cases": EnforcementCase.objects.get(task=joint_task).number,
    }


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_input_makes_an_inspection_endpoint_fail_with_a_server_error(
    case, requests_keep_the_connection, fuzz_tally, findings, dispatcher_town
):
    if "number" in (case.path_parameters or {}) and case.path_parameters["number"].isascii():
        # Half the cases name a real item, so that their bodies reach the input checks.
        area = case.path.split("/")[3]
        if len(case.path_parameters["number"]) % 2 == 0:
            case.path_parameters["number"] = findings[area]
    response = case.call(headers=bearer_headers(dispatcher_town))
    fuzz_tally.record(case.operation.label, response.status_code)
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
