from django.urls import path

from gridgov.workflow import pages

from . import canvass_views as views

app_name = "canvasses"
urlpatterns = [
    path("", views.canvass_list, name="list"),
    path("new/", views.canvass_new, name="new"),
    path("<str:number>/", views.canvass_detail, name="detail"),
    path("<str:number>/act/<str:action>/", pages.act, {"kind": "canvasses"}, name="act"),
    path("<str:number>/proof.<str:fmt>", views.proof_download, name="proof-download"),
    path("<str:number>/excuse/", views.excuse, name="excuse"),
    path("<str:number>/mine/", views.mine, name="mine"),
    path("<str:number>/h/<str:household>/", views.household_page, name="household"),
    path("<str:number>/h/<str:household>/visit/", views.visit, name="visit"),
]
