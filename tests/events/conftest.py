"""Shared pieces for the events tests: a point in grid A, photos, a report helper."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridgov.events.actions import ReportData, do_report_event
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, staff_user


def jpeg(name="photo.jpg", size=(64, 48), colour=(200, 40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def point_in(code: str) -> tuple[float, float]:
    """A point inside the first micro-grid of a region (its label point lies inside it)."""
    microgrid = (
        Region.objects.filter(level="microgrid", code__startswith=code).order_by("code").first()
    )
    return microgrid.label_lon, microgrid.label_lat


def report(actor, *, category="0101", code=GRID_A, on_the_spot=False, **fields):
    lon, lat = point_in(code)
    data = ReportData(
        title=fields.pop("title", "占道经营摊点"),
        category=category,
        lon=fields.pop("lon", lon),
        lat=fields.pop("lat", lat),
        **fields,
    )
    return do_report_event(data, actor=actor, on_the_spot=on_the_spot, note="当场劝离")


@pytest.fixture
def supervisor_town(db):
    return staff_user(role=Role.SUPERVISOR, region__code=DEMO_TOWN)


@pytest.fixture
def dispatcher_county(db):
    return staff_user(role=Role.DISPATCHER, region__code="330402")


@pytest.fixture
def town():
    return Region.objects.get(code=DEMO_TOWN)
