"""Random and malformed input to the power-item endpoints of the OpenAPI schema: always an
answer, never a server error (schemathesis drives the requests from the schema)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from tests.fuzzing import FUZZ_SETTINGS, bearer_headers

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(power-items|kpi/powers)"
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_input_makes_a_power_item_endpoint_fail_with_a_server_error(
    case, requests_keep_the_connection, fuzz_tally, gridworker_a
):
    response = case.call(headers=bearer_headers(gridworker_a))
    fuzz_tally.record(case.operation.label, response.status_code)
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
