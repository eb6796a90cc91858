"""Items from a file (the shared reader, a background job with a report by row), idempotent by
code; GCJ-02 places converted; bad rows refuse the file or are skipped on request; items from
inspection targets."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.campaigns.actions import do_add_targets
from gridgov.campaigns.files import BASE_COLUMNS, import_item_file
from gridgov.campaigns.models import Item
from gridgov.campaigns.places import m2_to_mu, read_place
from gridgov.core.errors import InvalidInput
from gridgov.core.models import Job
from gridgov.inspections.models import InspectionTarget
from gridgov.regions.crs import wgs84_to_gcj02
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
HEADER = [*BASE_COLUMNS, "复评", "签约", "腾空", "拆除"]
SQUARE = json.dumps(
    {
        "type": "Polygon",
        "coordinates": [
            [
                [120.76, 30.75],
                [120.761, 30.75],
                [120.761, 30.751],
                [120.76, 30.751],
                [120.76, 30.75],
            ]
        ],
    }
).replace('"', '""')


def csv_file(*lines) -> bytes:
    return "\n".join([",".join(HEADER), *lines]).encode("utf-8")


GOOD = [
    f'A1,甲厂,企业,张三,10,亩,一号路,WGS84,"{SQUARE}",,,2024-01-02,2024-01-10,,',
    'A2,乙地块,地块,,6667,平方米,,,"120.77,30.76",,,2024-01-03,,,',
]


def test_a_file_creates_items_with_their_stages_and_a_second_import_changes_nothing(campaign):
    summary = import_item_file(csv_file(*GOOD), "台账.csv", campaign, actor="command:test")
    assert summary == {"created": 2, "updated": 0, "unchanged": 0, "stages_recorded": 3}
    first = Item.objects.get(campaign=campaign, code="A1")
    assert first.stage.name == "签约" and round(m2_to_mu(first.area_m2), 2) == 10
    assert json.loads(first.geometry)["type"] == "Polygon"
    assert Item.objects.get(campaign=campaign, code="A2").area_m2 == 6667
    again = import_item_file(csv_file(*GOOD), "台账.csv", campaign, actor="command:test")
    assert again == {"created": 0, "updated": 0, "unchanged": 2, "stages_recorded": 0}


def test_a_gcj02_point_is_stored_in_wgs84():
    lon, lat = wgs84_to_gcj02(120.77, 30.76)
    _text, wgs_lon, wgs_lat = read_place(f"{float(lon)},{float(lat)}", "gcj02")
    assert (wgs_lon, wgs_lat) == (120.77, 30.76)


def test_bad_rows_refuse_the_whole_file_with_every_problem_by_row_and_column(campaign):
    bad = [
        *GOOD,
        'A3,丙厂,工厂,,abc,亩,,,"500,30",,,2024-01-02,,,',
        "A4,丁厂,企业,,1,亩,,,,无此专班,,,2024-01-05,,",
        "A1,重复,企业,,1,亩,,,,,,,,,",
    ]
    with pytest.raises(InvalidInput) as refused:
        import_item_file(csv_file(*bad), "台账.csv", campaign, actor="command:test")
    where = {(p["row"], p["column"]) for p in refused.value.details}
    assert {(4, "类型"), (4, "面积"), (4, "位置"), (5, "task_team"), (5, "stages")} <= where
    assert (6, "code") in where
    assert not Item.objects.filter(campaign=campaign).exists()


def test_skipping_bad_rows_saves_the_good_ones_and_reports_the_others(campaign):
    lines = [*GOOD, "A5,戊厂,企业,,1,亩,,火星坐标,,,,,,,"]
    summary = import_item_file(
        csv_file(*lines), "台账.csv", campaign, actor="command:test", skip_bad_rows=True
    )
    assert summary["created"] == 2
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(4, "坐标系")]


def test_a_wrong_header_refuses_the_file(campaign):
    with pytest.raises(InvalidInput):
        import_item_file(b"code,name\nA1,x\n", "台账.csv", campaign, actor="command:test")


def test_the_import_page_runs_a_job_whose_page_lists_the_problems(campaign, dispatcher_town):
    client = client_for(dispatcher_town)
    url = f"/campaigns/{campaign.number}/import/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("台账.csv", csv_file(GOOD[0], "A9,,企业,,1,亩,,,,,,,,,"))
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    job = Job.objects.filter(kind="campaigns.import_items").latest("pk")
    assert job.status == "failed" and job.problems[0]["row"] == 3
    assert not Item.objects.filter(campaign=campaign).exists()
    page = client.get(response["Location"]).content.decode()
    assert "名称" in page


def test_a_grid_worker_may_not_import(campaign, gridworker_a):
    assert client_for(gridworker_a).get(f"/campaigns/{campaign.number}/import/").status_code == 403


def test_items_come_from_inspection_targets_once(campaign):
    targets = list(InspectionTarget.objects.order_by("pk")[:3])
    assert do_add_targets(campaign, targets, actor="command:test")["created"] == 3
    assert do_add_targets(campaign, targets, actor="command:test")["unchanged"] == 3
    item = Item.objects.get(campaign=campaign, target=targets[0])
    assert (item.lon, item.lat) == (round(targets[0].lon, 6), round(targets[0].lat, 6))
