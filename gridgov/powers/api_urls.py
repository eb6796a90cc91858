from django.urls import path

from . import api

urlpatterns = [
    path("power-items", api.PowerItemListView.as_view(), name="api-power-items"),
    path("power-items/<int:pk>", api.PowerItemDetailView.as_view(), name="api-power-item"),
    path("kpi/powers", api.PowerKpiView.as_view(), name="api-kpi-powers"),
]
