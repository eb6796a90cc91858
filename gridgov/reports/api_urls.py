from django.urls import path

from . import api

urlpatterns = [
    path(
        "report-subscriptions",
        api.ReportSubscriptionListView.as_view(),
        name="api-report-subscriptions",
    ),
    path(
        "report-subscriptions/<int:pk>",
        api.ReportSubscriptionDetailView.as_view(),
        name="api-report-subscription",
    ),
    path("reports", api.ReportListView.as_view(), name="api-reports"),
]
