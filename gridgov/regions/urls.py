from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("", views.region_home, name="home"),
    path("import/", views.boundary_import, name="import"),
    path("<str:code>/", views.region_detail, name="detail"),
]
