from django.urls import path

from . import api

urlpatterns = [
    path("signals", api.SignalIntakeView.as_view(), name="api-signals"),
    path("signal-sources", api.SourceListView.as_view(), name="api-signal-sources"),
    path("signal-sources/<str:code>", api.SourceDetailView.as_view(), name="api-signal-source"),
    path("warnings", api.WarningListView.as_view(), name="api-warnings"),
    path("warnings/<str:number>", api.WarningDetailView.as_view(), name="api-warning"),
    path("warning-rules", api.RuleListCreateView.as_view(), name="api-warning-rules"),
    path("warning-rules/<int:pk>", api.RuleDetailView.as_view(), name="api-warning-rule"),
    path(
        "warning-rules/<int:pk>/dry-run",
        api.RuleDryRunView.as_view(),
        name="api-warning-rule-dry-run",
    ),
]
