from django.urls import path

from . import api, planning_api

urlpatterns = [
    path("inspections", api.InspectionListCreateView.as_view(), name="api-inspections"),
    path("inspections/<str:number>", api.InspectionDetailView.as_view(), name="api-inspection"),
    path("inspection-targets", api.TargetListCreateView.as_view(), name="api-inspection-targets"),
    path(
        "inspection-targets/<int:pk>", api.TargetDetailView.as_view(), name="api-inspection-target"
    ),
    path("scenarios", api.ScenarioListCreateView.as_view(), name="api-scenarios"),
    path("scenarios/<str:code>", api.ScenarioDetailView.as_view(), name="api-scenario"),
    path(
        "rectifications/<str:number>",
        api.RectificationDetailView.as_view(),
        name="api-rectification",
    ),
    path("cases/<str:number>", api.CaseDetailView.as_view(), name="api-case"),
    path("inspection-needs", planning_api.NeedListCreateView.as_view(), name="api-needs"),
    path("inspection-plans", planning_api.PlanCreateView.as_view(), name="api-plans"),
    path("inspection-plans/<int:pk>", planning_api.PlanDetailView.as_view(), name="api-plan"),
    path(
        "inspection-plans/<int:pk>/<str:decision>",
        planning_api.PlanDecisionView.as_view(),
        name="api-plan-decision",
    ),
    path("kpi/inspections", planning_api.InspectionKpiView.as_view(), name="api-kpi-inspections"),
]
