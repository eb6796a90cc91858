from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.finding_list, name="list"),
    path("new/", views.finding_new, name="new"),
    path("kpi/", views.kpi, name="kpi"),
    path("kpi/units.xlsx", views.units_export, name="units_export"),
    path("posts/", views.post_list, name="posts"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("projects/", views.project_list, name="projects"),
    path("projects/ledger/", views.ledger_import, name="ledger_import"),
    path("projects/<str:code>/", views.project_detail, name="project"),
    path("projects/<str:code>/checks/", views.project_check, name="project_check"),
    path("projects/<str:code>/rules/", views.project_rules, name="project_rules"),
]
