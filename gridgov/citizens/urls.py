from django.urls import path, re_path

from . import views

app_name = "citizens"
NUMBER = r"(?P<number>[A-Z]{2}\d{14})"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.submit, name="submit"),
    path("new/done/", views.submitted, name="submitted"),
    path("track/", views.lookup, name="lookup"),
    re_path(rf"^track/{NUMBER}/$", views.ticket, name="ticket"),
    re_path(rf"^track/{NUMBER}/rate/$", views.rate, name="rate"),
    re_path(rf"^track/{NUMBER}/reopen/$", views.reopen, name="reopen"),
    path("areas.geojson", views.areas, name="areas"),
]
