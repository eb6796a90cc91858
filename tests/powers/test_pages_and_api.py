"""Pages and API: read by every staff member, changed only with manage_powers, a fixed
number of queries for lists and figures."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gridgov.core.choices import JobStatus
from gridgov.core.models import Job
from gridgov.powers.choices import PowerKind
from gridgov.powers.models import PowerItem, PowerItemVersion
from tests.conftest import client_for

from .conftest import BUREAU, MARKET, catalogue_file, row

pytestmark = pytest.mark.django_db


# --- API ------------------------------------------------------------------------------------


def test_the_api_lists_the_catalogue_as_of_a_date(gridworker_a):
    client = client_for(gridworker_a)
    params = {"kind": "penalty", "department": BUREAU, "page_size": 5}
    before = client.get("/api/v1/power-items", {**params, "as_of": "2022-05-31"}).json()
    after = client.get("/api/v1/power-items", {**params, "as_of": "2022-06-01"}).json()
    assert (before["count"], after["count"]) == (957, 1375)
    first = after["results"][0]
    assert first["kind"] == "penalty" and first["department"]["code"] == BUREAU
    assert first["jurisdiction"] == "330402" and len(after["results"]) == 5


def test_an_item_comes_with_its_history(gridworker_a):
    moved = PowerItemVersion.objects.filter(
        effective_from="2022-06-01", department__code=BUREAU
    ).first()
    body = (
        client_for(gridworker_a)
        .get(f"/api/v1/power-items/{moved.item_id}", {"as_of": "2022-05-31"})
        .json()
    )
    assert [v["effective_from"] for v in body["history"]] == ["2020-01-01", "2022-06-01"]
    assert body["current"]["effective_from"] == "2020-01-01"
    assert body["history"][1]["document_number"] == moved.document_number


def test_the_api_figures_show_the_share_against_the_target(county_leader):
    body = (
        client_for(county_leader)
        .get("/api/v1/kpi/powers", {"jurisdiction": "330402", "as_of": "2022-06-01"})
        .json()
    )
    assert body["total"] == 8995
    assert body["penalty_share"] == {
        "penalty_items": 4932,
        "comprehensive_enforcement": 1375,
        "share": 27.88,
        "target": 20.88,
        "difference": 7.0,
    }
    penalties = next(k for k in body["by_kind"] if k["kind"] == PowerKind.PENALTY)
    assert penalties["count"] == 4932
    assert sum(d["count"] for d in body["by_department"]) == 8995


def test_the_target_comes_from_the_settings(county_leader, settings):
    settings.GRIDGOV_PENALTY_SHARE_TARGET = 25
    body = client_for(county_leader).get("/api/v1/kpi/powers", {"as_of": "2022-06-01"}).json()
    assert body["jurisdiction"]["code"] == "330402"  # the leader's own county by default
    assert body["penalty_share"]["target"] == 25.0
    assert body["penalty_share"]["difference"] == 2.88


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/power-items", {"as_of": "2022-13-01"}),
        ("/api/v1/power-items", {"kind": "nonsense"}),
        ("/api/v1/power-items", {"status": "nonsense"}),
        ("/api/v1/power-items", {"department": "NO-SUCH-UNIT"}),
        ("/api/v1/kpi/powers", {"as_of": "yesterday"}),
    ],
)
def test_bad_parameters_get_a_clear_400(gridworker_a, url, params):
    response = client_for(gridworker_a).get(url, params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_unknown_jurisdiction_or_item_is_404(gridworker_a):
    client = client_for(gridworker_a)
    assert client.get("/api/v1/kpi/powers", {"jurisdiction": "999999"}).status_code == 404
    assert client.get("/api/v1/power-items/999999999").status_code == 404


def test_people_without_a_staff_post_cannot_read_the_catalogue():
    from django.contrib.auth import get_user_model

    citizen = get_user_model().objects.create_user("citizen", password="x" * 12)
    client = client_for(citizen)
    assert client.get("/api/v1/power-items").status_code == 403
    assert client.get("/api/v1/kpi/powers").status_code == 403
    assert client.get("/powers/").status_code == 403
    assert Client().get("/api/v1/power-items").status_code in (401, 403)


def test_the_api_is_documented_in_openapi(admin_user):
    schema = client_for(admin_user).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/power-items", "/api/v1/power-items/{id}", "/api/v1/kpi/powers"):
        assert path in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/power-items"]["get"]["parameters"]}
    assert {"as_of", "kind", "department", "status", "q", "jurisdiction"} <= parameters


@pytest.mark.parametrize("page_size", [3, 50])
def test_the_api_list_costs_the_same_queries_whatever_the_page_size(
    gridworker_a, django_assert_num_queries, page_size
):
    client = client_for(gridworker_a)
    # session, user, staff post, jurisdiction, count, rows
    with django_assert_num_queries(6):
        response = client.get("/api/v1/power-items", {"page_size": page_size, "kind": "penalty"})
    assert len(response.json()["results"]) == page_size


def test_the_figures_cost_a_fixed_number_of_queries(county_leader, django_assert_num_queries):
    client = client_for(county_leader)
    # session, user, staff post, jurisdiction, by kind, by holder
    with django_assert_num_queries(6):
        response = client.get("/api/v1/kpi/powers", {"jurisdiction": "330402"})
    assert response.status_code == 200


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [1, 2])
def test_the_catalogue_page_costs_the_same_queries_on_any_page(
    officer_market, django_assert_num_queries, page
):
    client = client_for(officer_market)
    # session, user, staff post, jurisdictions, count, rows, units of the filter
    with django_assert_num_queries(7):
        response = client.get("/powers/", {"page": page})
    assert response.status_code == 200
    html = response.content.decode()
    assert "南湖区" in html and "权力事项" in html and "8995" in html


def test_the_catalogue_page_shows_the_day_asked_for(officer_market):
    client = client_for(officer_market)
    html = client.get(
        "/powers/", {"as_of": "2022-05-31", "department": BUREAU, "kind": "penalty"}
    ).content.decode()
    assert "957" in html
    html = client.get(
        "/powers/", {"as_of": "2022-06-01", "department": BUREAU, "kind": "penalty"}
    ).content.decode()
    assert "1375" in html


def test_staff_reach_the_catalogue_from_the_menu_and_managers_see_import_and_transfer(
    gridworker_a, admin_user
):
    worker = client_for(gridworker_a).get("/powers/").content.decode()
    assert 'href="/powers/"' in worker and 'href="/powers/import/"' not in worker
    admin = client_for(admin_user).get("/powers/").content.decode()
    assert 'href="/powers/import/"' in admin and 'name="items"' in admin


def test_the_item_page_shows_its_history(gridworker_a):
    moved = PowerItemVersion.objects.filter(
        effective_from="2022-06-01", department__code=BUREAU
    ).first()
    html = client_for(gridworker_a).get(f"/powers/{moved.item_id}/").content.decode()
    assert moved.item.name in html and moved.document_number in html and "2020-01-01" in html


def test_the_statistics_page_shows_the_share_and_its_charts(county_leader):
    html = client_for(county_leader).get("/powers/kpi/", {"as_of": "2022-06-01"}).content.decode()
    assert "27.88%" in html and "+7.00" in html and "20.88%" in html
    assert "power_kpi.js" in html and 'id="power-figures"' in html
    before = client_for(county_leader).get("/powers/kpi/", {"as_of": "2022-05-31"}).content
    assert "19.40%" in before.decode()


def test_the_statistics_page_costs_a_fixed_number_of_queries(
    county_leader, django_assert_num_queries
):
    client = client_for(county_leader)
    # session, user, staff post, jurisdictions, by kind, by holder
    with django_assert_num_queries(6):
        assert client.get("/powers/kpi/").status_code == 200


@pytest.mark.parametrize(("fmt", "kind"), [("xlsx", "spreadsheetml"), ("csv", "text/csv")])
def test_the_list_downloads_its_filter_as_a_file(officer_market, fmt, kind):
    response = client_for(officer_market).get(
        "/powers/export/", {"format": fmt, "department": BUREAU, "as_of": "2022-06-01"}
    )
    assert response.status_code == 200 and kind in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"]
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").strip().splitlines()
        assert lines[0].startswith("事项编码,事项名称,事项类型,实施部门")
        assert len(lines) == 1 + PowerItemVersion.objects.filter(department__code=BUREAU).count()


def test_an_unknown_download_format_is_404(officer_market):
    assert client_for(officer_market).get("/powers/export/", {"format": "pdf"}).status_code == 404


def test_uploading_a_catalogue_runs_a_job_whose_page_lists_the_problems(admin_user):
    client = client_for(admin_user)
    bad = catalogue_file([row("UP-1", unit=MARKET), row("UP-2", "", unit=MARKET)])
    response = client.post(
        "/powers/import/",
        {"jurisdiction": "330402", "file": SimpleUploadedFile("清单.csv", bad)},
    )
    job = Job.objects.latest("id")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.FAILED
    assert [(p["row"], p["column"]) for p in job.problems] == [(3, "事项名称")]
    assert not PowerItem.objects.filter(code="UP-1").exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "第 3 行" in page and "事项名称" in page

    client.post(
        "/powers/import/",
        {
            "jurisdiction": "330402",
            "skip_bad_rows": "on",
            "file": SimpleUploadedFile("清单.csv", bad),
        },
    )
    job = Job.objects.latest("id")
    assert job.status == JobStatus.SUCCEEDED and job.summary["items_created"] == 1
    assert len(job.problems) == 1 and PowerItem.objects.filter(code="UP-1").exists()


def test_only_managers_open_the_import_and_transfer_pages(county_leader, admin_user):
    for url in ("/powers/import/", "/powers/transfer/"):
        assert client_for(county_leader).get(url).status_code == 403
        assert client_for(admin_user).get(url).status_code == 200


def test_an_upload_that_is_not_a_table_is_refused_by_the_form(admin_user):
    response = client_for(admin_user).post(
        "/powers/import/",
        {"jurisdiction": "330402", "file": SimpleUploadedFile("清单.pdf", b"%PDF")},
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Job.objects.filter(kind="powers.import_power_items").exists()


def test_the_transfer_form_moves_the_ticked_items(admin_user, housing):
    items = list(
        PowerItem.objects.filter(versions__department=housing, kind=PowerKind.PENALTY).order_by(
            "code"
        )[:2]
    )
    client = client_for(admin_user)
    form = client.get(
        "/powers/transfer/", {"jurisdiction": "330402", "items": [i.code for i in items]}
    ).content.decode()
    assert items[0].code in form
    response = client.post(
        "/powers/transfer/",
        {
            "jurisdiction": "330402",
            "items": " ".join(i.code for i in items),
            "to_department": PowerItemVersion.objects.filter(department__code=BUREAU)
            .values_list("department_id", flat=True)
            .first(),
            "effective_from": "2024-03-01",
            "document_number": "南政发〔2024〕7号",
        },
    )
    assert response.status_code == 302
    assert (
        PowerItemVersion.objects.filter(
            effective_from="2024-03-01", department__code=BUREAU
        ).count()
        == 2
    )


def test_the_transfer_form_shows_a_refusal(admin_user, bureau):
    held = PowerItemVersion.objects.filter(department=bureau).first().item
    response = client_for(admin_user).post(
        "/powers/transfer/",
        {
            "jurisdiction": "330402",
            "items": held.code,
            "to_department": bureau.pk,
            "effective_from": "2024-03-01",
            "document_number": "南政发〔2024〕7号",
        },
    )
    assert response.status_code == 400
    assert held.code in response.content.decode()


def test_a_nul_character_in_a_parameter_is_a_clear_400(gridworker_a):
    client = client_for(gridworker_a)
    assert client.get("/api/v1/power-items", {"q": "油烟\x00"}).status_code == 400
    assert client.get("/api/v1/kpi/powers", {"jurisdiction": "33\x00"}).status_code == 400
    assert client.get("/powers/kpi/", {"jurisdiction": "33\x00"}).status_code == 400
