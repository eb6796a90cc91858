"""The ranking, unit and set pages, the export, the indicator import (page and API), the
endpoints and their scope: a county's rankings are seen by its staff and above, nobody else."""

import io

import pytest
from openpyxl import load_workbook

from gridgov.core.models import AuditEntry
from gridgov.evaluation.actions import do_evaluate_month, do_publish_evaluation
from gridgov.evaluation.models import Evaluation, Indicator
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, OTHER_TOWN, PASSWORD, client_for
from tests.evaluation.conftest import MARCH

pytestmark = pytest.mark.django_db

RANKING = "/evaluation/T-TOWNS/2020-03/"
API = "/api/v1/evaluation/sets/T-TOWNS/months/2020-03"


@pytest.fixture
def march(march_events, town_set):
    return do_evaluate_month(town_set, MARCH, actor="test")


@pytest.fixture
def xiuzhou_admin():
    staff = do_create_staff(
        StaffData("秀洲区考核员", Role.ADMIN, Region.objects.get(code="330411")), actor="test"
    )
    return do_create_account(staff, actor="test", username="xz-eval", password=PASSWORD)


def test_the_ranking_page_shows_the_towns_in_order_in_chinese(march, county_leader):
    response = client_for(county_leader).get(RANKING)
    assert response.status_code == 200
    page = response.content.decode()
    assert "考核" in page and page.index("长水街道") < page.index("东栅街道")


def test_a_units_page_explains_each_indicator(march, county_leader):
    response = client_for(county_leader).get(f"{RANKING}units/{DEMO_TOWN}/")
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("2 / 5", "40.0%", "1 / 2", "50.0%", "24.0", "20.0", "44.0"):
        assert shown in page, shown


def test_the_set_and_home_pages_list_what_the_reader_may_see(march, county_leader):
    client = client_for(county_leader)
    assert "测试镇街考核" in client.get("/evaluation/").content.decode()
    page = client.get("/evaluation/T-TOWNS/").content.decode()
    assert "2020-03" in page and "JAL" in page


def test_the_export_is_a_workbook_of_the_ranking(march, county_leader):
    response = client_for(county_leader).get(f"{RANKING}export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (int(rows[1][0]), rows[1][1], float(rows[1][2])) == (1, "长水街道", 100.0)
    assert rows[2][1] == "东栅街道"


def test_a_town_dispatcher_and_another_county_get_404_and_change_nothing(
    march, dispatcher_other_town, xiuzhou_admin
):
    audited = AuditEntry.objects.count()
    for user in (dispatcher_other_town, xiuzhou_admin):
        client = client_for(user)
        for url in (RANKING, f"{RANKING}units/{DEMO_TOWN}/", f"{RANKING}export/", API,
                    f"{API}/scores", f"{API}/scores/{DEMO_TOWN}"):  # fmt: skip
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(f"{API}/evaluate").status_code == 404
        assert client.post(f"{API}/publish").status_code == 404
        assert client.post(f"{RANKING}publish/").status_code == 404
    assert (
        "T-TOWNS" not in client_for(xiuzhou_admin).get("/api/v1/evaluation/sets").content.decode()
    )
    assert AuditEntry.objects.count() == audited
    assert Evaluation.objects.get(pk=march.pk).status == "draft"


def test_grid_workers_see_no_rankings(march, gridworker_a):
    assert client_for(gridworker_a).get(RANKING).status_code == 403
    assert client_for(gridworker_a).get(f"{API}/scores").status_code == 403


def test_the_api_ranks_explains_evaluates_and_publishes(march, admin_user):
    client = client_for(admin_user)
    ranking = client.get(f"{API}/scores").json()
    assert [r["unit_code"] for r in ranking["results"][:2]] == [OTHER_TOWN, DEMO_TOWN]
    unit = client.get(f"{API}/scores/{DEMO_TOWN}").json()
    assert [
        (e["code"], e["numerator"], e["denominator"], e["points"]) for e in unit["explained"]
    ] == [
        ("JAL", 2, 5, 40.0),
        ("FGL", 1, 2, 50.0),
    ]
    assert client.post(f"{API}/evaluate").json()["status"] == "draft"
    assert client.post(f"{API}/publish").json()["status"] == "published"
    refused = client.post(f"{API}/evaluate")
    assert refused.status_code == 409
    assert client.post(f"{API}/publish").status_code == 409
    assert client.get(API).json()["status"] == "published"


def test_a_leader_reads_but_may_not_evaluate_or_publish(march, county_leader):
    client = client_for(county_leader)
    assert client.get(API).status_code == 200
    assert client.post(f"{API}/evaluate").status_code == 403
    assert client.post(f"{API}/publish").status_code == 403


def test_a_period_that_is_not_a_month_is_refused(march, admin_user):
    client = client_for(admin_user)
    assert client.get("/api/v1/evaluation/sets/T-TOWNS/months/2020/scores").status_code == 400
    assert client.post("/api/v1/evaluation/sets/T-TOWNS/months/2020-13/evaluate").status_code == 400


def test_the_ranking_endpoint_costs_the_same_queries_whatever_the_page_size(
    march, admin_user, django_assert_num_queries
):
    client = client_for(admin_user)
    for size in (2, 50):
        with django_assert_num_queries(5):
            assert client.get(f"{API}/scores", {"page_size": size}).status_code == 200


GOOD = "编码,名称,来源,权重,方向,评分规则,下限,目标,分档\n"


def upload(client, url, text, name="指标.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def test_an_indicator_file_adds_and_changes_indicators(town_set, admin_user):
    text = GOOD + (
        "JAL,结案率,events.closed,50,越高越好,线性,50,100,\n"
        'ASHC,按时核查率,events.verified_on_time,20,higher,分档,,,"95:100,90:80"\n'
    )
    response = upload(client_for(admin_user), "/api/v1/evaluation/sets/T-TOWNS/indicators", text)
    assert response.status_code == 200 and response.json() == {"created": 1, "updated": 1}
    jal = Indicator.objects.get(indicator_set=town_set, code="JAL")
    assert (jal.weight, jal.floor) == (50, 50)
    assert Indicator.objects.get(indicator_set=town_set, code="ASHC").thresholds == "95:100,90:80"


def test_import_problems_are_reported_by_row_and_nothing_changes(town_set, admin_user):
    before = list(Indicator.objects.filter(indicator_set=town_set).values())
    audited = AuditEntry.objects.count()
    text = GOOD + (
        "JAL,结案率,events.closed,50,higher,linear,0,100,\n"
        "X1,未知,events.nothing,10,higher,linear,0,100,\n"
        "X2,权重错,events.closed,zero,higher,linear,0,100,\n"
        "X3,规则错,events.closed,10,higher,linear,100,0,\n"
        "JAL,重复,events.rework,10,lower,linear,100,0,\n"
    )
    response = upload(client_for(admin_user), "/evaluation/T-TOWNS/import/", text)
    assert response.status_code == 400
    page = response.content.decode()
    for row, column in ((3, "来源"), (4, "权重"), (5, "评分规则"), (6, "编码")):
        assert f"<td>{row}</td><td>{column}</td>" in page, (row, column)
    assert list(Indicator.objects.filter(indicator_set=town_set).values()) == before
    assert AuditEntry.objects.count() == audited


def test_another_county_may_not_import_into_the_set(town_set, xiuzhou_admin):
    response = upload(client_for(xiuzhou_admin), "/api/v1/evaluation/sets/T-TOWNS/indicators", GOOD)
    assert response.status_code == 404


def test_a_published_month_page_offers_no_publishing(march, admin_user):
    do_publish_evaluation(march, actor="test")
    page = client_for(admin_user).get(RANKING).content.decode()
    assert "/publish/" not in page
