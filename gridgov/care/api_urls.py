from django.urls import path

from . import api

urlpatterns = [
    path("duty-posts", api.PostListView.as_view(), name="api-duty-posts"),
    path("shifts", api.ShiftListView.as_view(), name="api-shifts"),
    path("shifts/<int:pk>", api.ShiftDetailView.as_view(), name="api-shift"),
    path("duty-policies/<str:county>", api.PolicyView.as_view(), name="api-duty-policy"),
    path("duty/detect", api.DetectView.as_view(), name="api-duty-detect"),
    path("care-visits", api.VisitListView.as_view(), name="api-care-visits"),
    path("rest-orders", api.RestOrderListView.as_view(), name="api-rest-orders"),
    path("care-problems", api.ProblemListView.as_view(), name="api-care-problems"),
    path("kpi/care", api.CareKpiView.as_view(), name="api-kpi-care"),
]
