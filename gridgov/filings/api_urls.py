from django.urls import path

from . import api

urlpatterns = [
    path("filings", api.FilingListCreateView.as_view(), name="api-filings"),
    path("filings/<str:number>", api.FilingDetailView.as_view(), name="api-filing"),
    path("public/filings", api.PublicFilingListView.as_view(), name="api-public-filings"),
    path("kpi/night-construction", api.NightConstructionKpiView.as_view(), name="api-kpi-night"),
]
