from django.urls import path

from gridgov.workflow import pages

from . import views

app_name = "alerts"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_create, name="rule-create"),
    path("sources/new/", views.source_create, name="source-create"),
    path("rules/<int:pk>/", views.rule_detail, name="rule"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("<str:number>/", views.warning_detail, name="detail"),
    path("<str:number>/act/<str:action>/", pages.act, {"kind": "warnings"}, name="act"),
]
