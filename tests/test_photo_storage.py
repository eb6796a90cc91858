"""Photos are decoded, checked and stored before any transaction; the transaction only
inserts the rows. What a refused request stored is deleted, and the hourly housekeeping
deletes whatever no row points at."""

import io
import os
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from gridgov.core.errors import InvalidInput
from gridgov.workflow import attachments
from gridgov.workflow.models import Attachment
from tests.conftest import GRID_A, client_for
from tests.events.conftest import jpeg, point_in

pytestmark = pytest.mark.django_db


def png(name="big.png", size=(64, 48)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 90, 200)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def stored_files() -> list[str]:
    return list(attachments._walk("photos"))


def test_preparing_photos_stores_them_without_touching_the_database():
    with CaptureQueriesContext(connection) as queries:
        prepared = attachments.prepare_photos([jpeg("a.jpg"), png("b.png")])
    assert len(queries) == 0
    assert all(default_storage.exists(photo.stored_name) for photo in prepared)
    assert sorted(stored_files()) == sorted(photo.stored_name for photo in prepared)


def test_saving_prepared_photos_only_inserts_rows_pointing_at_the_stored_files():
    prepared = attachments.prepare_photos([jpeg("a.jpg")])
    [saved] = attachments.save_photos(prepared, uploaded_by=None)
    assert saved.file.name == prepared[0].stored_name
    assert stored_files() == [prepared[0].stored_name]  # nothing written a second time


def test_photos_over_the_pixel_budget_of_a_request_are_refused_before_any_is_decoded(
    monkeypatch, english
):
    monkeypatch.setattr(attachments, "MAX_PIXELS_PER_REQUEST", 3 * 64 * 48 - 1)
    decoded = []
    monkeypatch.setattr(attachments, "_decode", lambda image, name: decoded.append(name))
    with pytest.raises(InvalidInput, match="pixels together"):
        attachments.prepare_photos([png("1.png"), png("2.png"), png("3.png")])
    assert decoded == [] and stored_files() == []


def test_a_bad_third_photo_refuses_the_step_and_deletes_what_was_stored():
    broken = SimpleUploadedFile("c.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(InvalidInput, match=r"c\.jpg"):
        attachments.prepare_photos([jpeg("a.jpg"), jpeg("b.jpg"), broken])
    assert stored_files() == []


def test_photos_prepared_once_are_not_decoded_again_and_a_refusal_is_remembered(monkeypatch):
    uploads = [jpeg("a.jpg")]
    first = attachments.prepare_photos(uploads)
    monkeypatch.setattr(attachments, "_prepare_all", lambda uploads: pytest.fail("decoded"))
    assert attachments.prepare_photos(uploads) == first
    monkeypatch.undo()
    bad = [SimpleUploadedFile("x.jpg", b"nothing")]
    attachments.prepare_request_photos(_Files(photos=bad))  # kept, not raised
    with pytest.raises(InvalidInput, match=r"x\.jpg"):
        attachments.prepare_photos(bad)


class _Files(dict):
    def getlist(self, name):
        return self.get(name, [])


def test_an_idempotent_report_refused_after_its_photos_were_stored_leaves_no_file(gridworker_a):
    lon, lat = point_in(GRID_A)
    response = client_for(gridworker_a).post(
        "/api/v1/events",
        {"title": "井盖缺失", "category": "no-such", "lon": lon, "lat": lat, "photos": [jpeg()]},
        HTTP_IDEMPOTENCY_KEY="refused-with-photo",
    )
    assert response.status_code == 400, response.content
    assert stored_files() == []


def test_an_idempotent_report_keeps_the_photo_its_event_shows(gridworker_a):
    lon, lat = point_in(GRID_A)
    response = client_for(gridworker_a).post(
        "/api/v1/events",
        {"title": "井盖缺失", "category": "0105", "lon": lon, "lat": lat, "photos": [jpeg()]},
        HTTP_IDEMPOTENCY_KEY="kept-photo",
    )
    assert response.status_code == 201, response.content
    [attachment] = Attachment.objects.order_by("-pk")[:1]
    assert stored_files() == [attachment.file.name]


def test_housekeeping_deletes_old_photo_files_that_no_attachment_uses():
    [used] = attachments.save_photos(attachments.prepare_photos([jpeg("a.jpg")]), uploaded_by=None)
    [orphan, fresh] = attachments.prepare_photos([jpeg("b.jpg", colour=(1, 2, 3)), png()])
    hours_ago = time.time() - 2 * 3600
    for name in (used.file.name, orphan.stored_name):
        os.utime(default_storage.path(name), (hours_ago, hours_ago))
    assert attachments.purge_orphan_photos(now=timezone.now() + timedelta(minutes=1)) == 1
    assert sorted(stored_files()) == sorted([used.file.name, fresh.stored_name])
