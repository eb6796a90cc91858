from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.indicator_set, name="set"),
    path("<str:code>/evaluate/", views.evaluate, name="evaluate"),
    path("<str:code>/import/", views.import_indicators, name="import"),
    path("<str:code>/<str:month>/", views.ranking, name="ranking"),
    path("<str:code>/<str:month>/publish/", views.publish, name="publish"),
    path("<str:code>/<str:month>/export/", views.export, name="export"),
    path("<str:code>/<str:month>/units/<str:unit_code>/", views.unit, name="unit"),
]
