"""The cockpit's pages under /cockpit/."""

from django.urls import include, path, re_path

from . import views

app_name = "cockpit"

urlpatterns = [
    path("", views.cockpit, name="home"),
    path("map/", include("gridgov.cockpit.map_urls")),
    re_path(r"^(?P<region_code>[0-9]{2,32})/$", views.cockpit, name="region"),
]
