from django.urls import path

from . import api

urlpatterns = [
    path("locate", api.LocateView.as_view(), name="api-locate"),
    path("regions", api.RegionListView.as_view(), name="api-regions"),
    path("regions/<str:code>", api.RegionDetailView.as_view(), name="api-region"),
    path(
        "regions/<str:code>/children.geojson",
        api.RegionChildrenGeoJSONView.as_view(),
        name="api-region-children",
    ),
]
