from django.urls import path

from . import api

urlpatterns = [
    path("findings", api.FindingListCreateView.as_view(), name="api-findings"),
    path("findings/<str:number>", api.FindingDetailView.as_view(), name="api-finding"),
    path("supervision/groups", api.GroupListView.as_view(), name="api-supervision-groups"),
    path("supervision/posts", api.PostListView.as_view(), name="api-supervision-posts"),
    path("supervision/suggestions", api.SuggestionListCreateView.as_view(), name="api-suggestions"),
    path("public/suggestions", api.PublicSuggestionView.as_view(), name="api-public-suggestions"),
    path("supervision/projects", api.ProjectListView.as_view(), name="api-projects"),
    path("supervision/projects/ledger", api.LedgerImportView.as_view(), name="api-ledger"),
    path("supervision/projects/<str:code>", api.ProjectDetailView.as_view(), name="api-project"),
    path(
        "supervision/projects/<str:code>/checks",
        api.ProjectCheckView.as_view(),
        name="api-project-checks",
    ),
    path(
        "supervision/projects/<str:code>/rules",
        api.ProjectRulesView.as_view(),
        name="api-project-rules",
    ),
    path("kpi/supervision", api.SupervisionKpiView.as_view(), name="api-kpi-supervision"),
    path(
        "kpi/supervision/units",
        api.UnitsByOpenFindingsView.as_view(),
        name="api-kpi-supervision-units",
    ),
]
