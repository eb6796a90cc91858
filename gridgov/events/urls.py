from django.urls import path

from gridgov.workflow import pages

from . import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.report, name="report"),
    path("bulk-dispatch/", views.bulk_dispatch, name="bulk-dispatch"),
    path("kpi/", views.kpi, name="kpi"),
    path("<str:number>/", views.event_detail, name="detail"),
    path("<str:number>/act/<str:action>/", pages.act, {"kind": "events"}, name="act"),
]
