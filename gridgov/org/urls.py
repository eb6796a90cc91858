from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/<int:pk>/reveal/", views.staff_reveal, name="staff-reveal"),
    path("kpi/enforcement-sinking/", views.kpi_sinking, name="kpi-sinking"),
]
