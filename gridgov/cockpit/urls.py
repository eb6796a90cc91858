"""The cockpit's pages under /cockpit/."""

from django.urls import include, path

app_name = "cockpit"

urlpatterns = [
    path("map/", include("gridgov.cockpit.map_urls")),
]
