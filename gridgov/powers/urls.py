from django.urls import path

from . import views

app_name = "powers"
urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("kpi/", views.kpi, name="kpi"),
    path("export/", views.export, name="export"),
    path("import/", views.catalogue_import, name="import"),
    path("transfer/", views.transfer, name="transfer"),
    path("<int:pk>/", views.item_detail, name="detail"),
]
