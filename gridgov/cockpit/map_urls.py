"""The cockpit's maps under /cockpit/map/."""

from django.urls import path

from . import maps_views

urlpatterns = [
    path("<str:code>/", maps_views.map_page, name="map-page"),
    path("<str:code>/live.geojson", maps_views.live, name="map-live"),
    path("<str:code>/heat.geojson", maps_views.heat, name="map-heat"),
    path("<str:code>/children.geojson", maps_views.children, name="map-children"),
]
