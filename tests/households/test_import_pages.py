"""The ledger pages: the template with its notes sheet, an upload run as a job with its report,
and the export of an area's residents — masked, and only of the reader's area."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from gridgov.core.csvfiles import decode_text
from gridgov.households.ledger_import import COLUMNS
from gridgov.households.models import Resident
from tests.conftest import client_for

from .ledger_fixtures import GRID_A, GRID_B, csv_file, person

pytestmark = pytest.mark.django_db


def test_the_template_is_a_workbook_with_an_example_and_a_notes_sheet(gridworker_a):
    response = client_for(gridworker_a).get(reverse("households-import:template"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == ["台账", "说明"]
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == COLUMNS and len(rows) == 3


def test_an_upload_runs_as_a_job_and_its_page_shows_what_it_did(gridworker_a):
    client = client_for(gridworker_a)
    upload = SimpleUploadedFile("台账.csv", csv_file([person(3), person(4, 身份证号="123")]))
    response = client.post(
        reverse("households-import:import"), {"area": GRID_A, "file": upload, "skip_bad_rows": "on"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "新增居民" in page.content.decode() and Resident.objects.filter(name="居民3").exists()
    report = client.get(response["Location"] + "report/?format=csv")
    assert decode_text(report.content).splitlines()[1].startswith("3,身份证号,")


def test_the_import_page_speaks_chinese(gridworker_a):
    page = client_for(gridworker_a).get(reverse("households-import:import"))
    assert page.status_code == 200 and "导入台账" in page.content.decode()


def test_the_export_is_masked(gridworker_a):
    from gridgov.households.ledger_import import import_ledger_file
    from gridgov.regions.models import Region

    import_ledger_file(csv_file([person(3)]), "a.csv", area=Region.objects.get(code=GRID_A),
                       actor=gridworker_a)  # fmt: skip
    response = client_for(gridworker_a).get(
        reverse("households-import:export"), {"region": GRID_A, "format": "csv"}
    )
    text = decode_text(b"".join(response.streaming_content))
    line = next(line for line in text.splitlines() if "居民3" in line)
    assert "139****0003" in line and "330402********" in line and "19800104" not in line


def test_another_grids_residents_cannot_be_exported(gridworker_a):
    response = client_for(gridworker_a).get(
        reverse("households-import:export"), {"region": GRID_B, "format": "csv"}
    )
    assert response.status_code == 404


def test_a_ledger_larger_than_other_imports_allow_is_taken_up_to_its_own_cap(
    gridworker_a, settings
):
    settings.GRIDGOV_MAX_SPREADSHEET_UPLOAD_BYTES = 100
    settings.GRIDGOV_MAX_LEDGER_UPLOAD_BYTES = 2**20
    client = client_for(gridworker_a)
    data = csv_file([person(n) for n in range(3, 13)])
    assert 100 < len(data) < 2**20
    response = client.post(
        reverse("households-import:import"),
        {"area": GRID_A, "file": SimpleUploadedFile("台账.csv", data)},
    )
    assert response.status_code == 302 and Resident.objects.filter(name="居民12").exists()


def test_a_ledger_over_its_cap_is_refused_and_nothing_is_imported(gridworker_a, settings):
    settings.GRIDGOV_MAX_LEDGER_UPLOAD_BYTES = 100
    response = client_for(gridworker_a).post(
        reverse("households-import:import"),
        {"area": GRID_A, "file": SimpleUploadedFile("台账.csv", csv_file([person(3), person(4)]))},
    )
    assert response.status_code == 400 and "文件超过 0 MB" in response.content.decode()
    assert not Resident.objects.filter(name="居民3").exists()
