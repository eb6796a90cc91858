"""Uploading a boundary file in the browser: checked and imported by the worker."""

import json

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile

from gridgov.core.choices import JobStatus
from gridgov.core.models import Job
from gridgov.regions.models import Region
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def grid_file(*features) -> SimpleUploadedFile:
    body = json.dumps({"type": "FeatureCollection", "features": list(features)})
    return SimpleUploadedFile("grids.geojson", body.encode(), content_type="application/geo+json")


def redrawn_grid(code="330402013001001", shrink=0.0):
    region = Region.objects.get(code=code)
    geometry = region.geometry().buffer(-shrink) if shrink else region.geometry()
    return {
        "type": "Feature",
        "properties": {"code": code, "name": region.name + "（新）"},
        "geometry": json.loads(shapely.to_geojson(geometry)),
    }


def upload(client, file, crs="wgs84", tolerance=1.0):
    return client.post(
        "/regions/import/", {"file": file, "crs": crs, "overlap_tolerance_m2": tolerance}
    )


def test_an_administrator_uploads_a_file_and_the_worker_imports_it(admin_user):
    client = client_for(admin_user)
    response = upload(client, grid_file(redrawn_grid()))  # the test backend runs jobs at once
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.summary["updated"] == 1
    assert Region.objects.get(code="330402013001001").name.endswith("（新）")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "成功" in page and "grids.geojson" in page
    assert job.upload.storage.exists(job.upload.name)  # kept: the record of what was imported


def test_a_refused_file_lists_its_problems_and_is_not_kept(
    admin_user, settings, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    name_before = Region.objects.get(code="330402013001001").name
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, grid_file(redrawn_grid(shrink=0.001)))
    job = Job.objects.get()
    assert not job.upload and not list((settings.MEDIA_ROOT / "jobs").rglob("*.geojson"))
    assert job.status == JobStatus.FAILED
    assert job.problems and "330402013001001" in job.problems[0]["feature"]
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "330402013001001" in page and "失败" in page
    assert Region.objects.get(code="330402013001001").name == name_before


def test_a_file_that_is_not_json_fails_with_the_parser_message(admin_user):
    upload(client_for(admin_user), SimpleUploadedFile("x.geojson", b"not json"))
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "JSON" in job.message


def test_the_form_refuses_other_file_types_and_bad_tolerances(admin_user):
    client = client_for(admin_user)
    response = upload(client, SimpleUploadedFile("grids.xlsx", b"PK..."))
    assert response.status_code == 200 and ".geojson" in response.content.decode()
    response = upload(client, grid_file(redrawn_grid()), tolerance=-1)
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_an_oversized_upload_is_refused_before_it_is_read(admin_user, settings):
    settings.GRIDGOV_MAX_BOUNDARY_UPLOAD_BYTES = 100
    response = upload(client_for(admin_user), grid_file(redrawn_grid()))
    assert response.status_code == 413
    assert "MB" in response.content.decode()
    assert not Job.objects.exists()


def test_only_administrators_may_import(dispatcher_town):
    client = client_for(dispatcher_town)
    assert client.get("/regions/import/").status_code == 403
    assert upload(client, grid_file(redrawn_grid())).status_code == 403
    assert not Job.objects.exists()


def test_a_job_is_visible_only_to_whoever_submitted_it(admin_user, dispatcher_town):
    upload(client_for(admin_user), grid_file(redrawn_grid()))
    job = Job.objects.get()
    assert client_for(dispatcher_town).get(f"/jobs/{job.pk}/").status_code == 404
