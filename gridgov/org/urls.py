from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("staff/", views.staff_list, name="staff"),
    path("staff/new/", views.staff_new, name="staff-new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff-edit"),
    path("staff/<int:pk>/move/", views.staff_move, name="staff-move"),
    path("staff/<int:pk>/posts/", views.staff_add_post, name="staff-add-post"),
    path(
        "staff/<int:pk>/deactivate/",
        views.staff_set_active,
        {"active": False},
        name="staff-deactivate",
    ),
    path(
        "staff/<int:pk>/reactivate/",
        views.staff_set_active,
        {"active": True},
        name="staff-reactivate",
    ),
    path("staff/<int:pk>/login/", views.staff_login, name="staff-login"),
    path("staff/<int:pk>/invitation/", views.staff_invitation, name="staff-invitation"),
    path(
        "staff/<int:pk>/password-reset/",
        views.staff_password_reset,
        name="staff-password-reset",
    ),
    path("staff/<int:pk>/reveal/", views.staff_reveal, name="staff-reveal"),
    path("my-post/", views.choose_post, name="choose-post"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_new, name="department-new"),
    path("departments/<int:pk>/", views.department_detail, name="department-detail"),
    path(
        "departments/<int:pk>/deactivate/",
        views.department_set_active,
        {"active": False},
        name="department-deactivate",
    ),
    path(
        "departments/<int:pk>/reactivate/",
        views.department_set_active,
        {"active": True},
        name="department-reactivate",
    ),
    path("roster/import/", views.roster_import, name="roster-import"),
    path("roster/jobs/<int:pk>/", views.roster_job, name="roster-job"),
    path(
        "roster/jobs/<int:pk>/invitations/",
        views.roster_invitations,
        name="roster-invitations",
    ),
    path("roster/template/", views.roster_template, name="roster-template"),
    path("roster/export/", views.roster_export, name="roster-export"),
    path("kpi/enforcement-sinking/", views.kpi_sinking, name="kpi-sinking"),
]
