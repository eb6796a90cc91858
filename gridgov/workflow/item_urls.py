"""The plain page of a work item whose kind has no page of its own, and its steps."""

from django.urls import path

from . import pages

app_name = "work"
urlpatterns = [
    path("<str:kind>/<str:number>/", pages.detail, name="detail"),
    path("<str:kind>/<str:number>/act/<str:action>/", pages.act, name="act"),
]
