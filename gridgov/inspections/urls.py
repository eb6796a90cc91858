from django.urls import path

from gridgov.workflow import pages

from . import planning_views, public, views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("new/", views.inspection_new, name="new"),
    path("verify/<str:code>/", public.verify, name="verify"),
    path("targets/", views.target_list, name="targets"),
    path("targets/new/", views.target_new, name="target-new"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("scenarios/", views.scenario_list, name="scenarios"),
    path("scenarios/new/", views.scenario_new, name="scenario-new"),
    path("scenarios/<str:code>/", views.scenario_detail, name="scenario"),
    path("rectifications/<str:number>/", views.rectification_detail, name="rectification"),
    path(
        "rectifications/<str:number>/act/<str:action>/",
        pages.act,
        {"kind": "rectifications"},
        name="rectification-act",
    ),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/act/<str:action>/", pages.act, {"kind": "cases"}, name="case-act"),
    path("plans/", planning_views.plan_list, name="plans"),
    path("plans/<int:pk>/", planning_views.plan_detail, name="plan"),
    path("plans/<int:pk>/<str:decision>/", planning_views.plan_decide, name="plan-decide"),
    path("kpi/", planning_views.kpi, name="kpi"),
    # An inspection's number last: every fixed path above would otherwise read as a number.
    path("<str:number>/", views.inspection_detail, name="detail"),
    path("<str:number>/act/<str:action>/", pages.act, {"kind": "inspections"}, name="act"),
]
