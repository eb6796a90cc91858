"""Random and malformed input to every filings endpoint of the OpenAPI schema: always an
answer, never a server error (schemathesis drives the requests from the schema)."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application

from tests.fuzzing import FUZZ_SETTINGS, bearer_headers

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application()).include(
    path_regex=r"^/api/v1/(filings|public/filings|kpi/night-construction)"
)


@pytest.fixture
def caller(housing_officer, dispatcher_town):
    """The bureau's officer for half the cases, a dispatcher for the rest."""
    return housing_officer, dispatcher_town


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_input_makes_a_filings_endpoint_fail_with_a_server_error(
    case, requests_keep_the_connection, fuzz_tally, submitted, caller
):
    user = caller[len(str(case.path_parameters or "")) % 2]
    number = (case.path_parameters or {}).get("number")
    if number is not None and number.isascii() and len(number) % 2 == 0:
        # Half the cases name a real filing, so that their bodies reach the input checks.
        case.path_parameters["number"] = submitted.number
    site = (case.query or {}).get("site")
    if isinstance(site, int) and site % 2 == 0:
        case.query["site"] = submitted.site_id
    response = case.call(headers=bearer_headers(user))
    fuzz_tally.record(case.operation.label, response.status_code)
    assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
