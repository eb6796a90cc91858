from django.urls import path

from . import api

urlpatterns = [
    path("departments", api.DepartmentListView.as_view(), name="api-departments"),
    path("departments/<int:pk>", api.DepartmentDetailView.as_view(), name="api-department"),
    path("staff", api.StaffListView.as_view(), name="api-staff"),
    path("staff/<int:pk>", api.StaffDetailView.as_view(), name="api-staff-detail"),
    path("staff/<int:pk>/move", api.StaffMoveView.as_view(), name="api-staff-move"),
    path("staff/<int:pk>/posts", api.StaffPostsView.as_view(), name="api-staff-posts"),
    path("staff/<int:pk>/deactivate", api.StaffActiveView.as_view(), name="api-staff-deactivate"),
    path(
        "staff/<int:pk>/reactivate",
        api.StaffReactivateView.as_view(),
        name="api-staff-reactivate",
    ),
    path("staff/<int:pk>/login", api.StaffLoginView.as_view(), name="api-staff-login"),
    path(
        "staff/<int:pk>/password-reset",
        api.StaffPasswordResetView.as_view(),
        name="api-staff-password-reset",
    ),
    path(
        "staff/<int:pk>/invitation",
        api.StaffInvitationView.as_view(),
        name="api-staff-invitation",
    ),
    path("staff/<int:pk>/reveal", api.StaffRevealView.as_view(), name="api-staff-reveal"),
    path(
        "kpi/enforcement-sinking",
        api.EnforcementSinkingView.as_view(),
        name="api-kpi-enforcement-sinking",
    ),
]
