from django.urls import path

from . import api

urlpatterns = [
    path("departments", api.DepartmentListView.as_view(), name="api-departments"),
    path("staff", api.StaffListView.as_view(), name="api-staff"),
    path("staff/<int:pk>", api.StaffDetailView.as_view(), name="api-staff-detail"),
    path("staff/<int:pk>/reveal", api.StaffRevealView.as_view(), name="api-staff-reveal"),
    path(
        "kpi/enforcement-sinking",
        api.EnforcementSinkingView.as_view(),
        name="api-kpi-enforcement-sinking",
    ),
]
