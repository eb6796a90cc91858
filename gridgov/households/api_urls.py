from django.urls import path

from . import api

urlpatterns = [
    path("buildings", api.BuildingListView.as_view(), name="api-buildings"),
    path("buildings/<int:pk>", api.BuildingDetailView.as_view(), name="api-building"),
    path("buildings/<int:pk>/units", api.BuildingUnitListView.as_view(), name="api-building-units"),
    path(
        "buildings/<int:pk>/units/<int:target>",
        api.BuildingUnitView.as_view(),
        name="api-building-unit",
    ),
    path("houses", api.HouseListView.as_view(), name="api-houses"),
    path("households", api.HouseholdListView.as_view(), name="api-households"),
    path("households/<str:number>", api.HouseholdDetailView.as_view(), name="api-household"),
    path("residents", api.ResidentListView.as_view(), name="api-residents"),
    path("residents/<int:pk>", api.ResidentDetailView.as_view(), name="api-resident"),
    path("residents/<int:pk>/moves", api.ResidentMoveView.as_view(), name="api-resident-moves"),
    path("residents/<int:pk>/reveal", api.ResidentRevealView.as_view(), name="api-resident-reveal"),
]
