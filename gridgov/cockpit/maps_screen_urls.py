"""The command centre's big screen under /cockpit/screen/."""

from django.urls import path

from . import maps_views

app_name = "cockpit_screen"

urlpatterns = [
    path("<str:code>/", maps_views.screen, name="screen"),
    path("<str:code>/data.json", maps_views.screen_data, name="data"),
]
