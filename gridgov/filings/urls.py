from django.urls import path

from gridgov.workflow import pages

from . import views

app_name = "filings"
urlpatterns = [
    path("", views.filing_list, name="list"),
    path("new/", views.filing_new, name="new"),
    path("kpi/", views.kpi, name="kpi"),
    path("<str:number>/", views.filing_detail, name="detail"),
    path("<str:number>/act/<str:action>/", pages.act, {"kind": "filings"}, name="act"),
    path("<str:number>/reveal/", views.filing_reveal, name="reveal"),
]
