"""The cockpit's endpoints under /api/v1/cockpit/."""

from django.urls import path

from . import api

urlpatterns: list = [
    path("<str:region_code>", api.CockpitView.as_view(), name="api-cockpit"),
]
