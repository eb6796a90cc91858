"""List pages and endpoints cost a fixed number of queries, however many rows they show."""

import pytest

from tests.conftest import DEMO_TOWN, client_for

pytestmark = pytest.mark.django_db

# Each list and its cost for any page: session, user, staff post (with region and department),
# count, rows — never one query per row.
LISTS = [
    ("/api/v1/regions", 5),
    ("/api/v1/staff", 5),
    ("/api/v1/departments", 5),
    (f"/regions/{DEMO_TOWN}/", 6),
    ("/org/staff/", 5),
]


@pytest.mark.parametrize(("url", "queries"), LISTS)
@pytest.mark.parametrize("page_size", [3, 50])
def test_a_list_costs_the_same_queries_whatever_the_page_size(
    dispatcher_town, django_assert_num_queries, url, queries, page_size
):
    client = client_for(dispatcher_town)
    with django_assert_num_queries(queries):
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200


def test_an_officers_department_scope_costs_no_extra_query(
    officer_squad, django_assert_num_queries
):
    client = client_for(officer_squad)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/staff", {"page_size": 50})
    assert response.status_code == 200 and response.json()["count"] > 3
