from django.urls import path

from . import api

urlpatterns = [
    path("assistance/services", api.ServiceListCreateView.as_view(), name="api-proxy-services"),
    path("assistance/services/<int:pk>", api.ServiceDetailView.as_view(), name="api-proxy-service"),
    path("assistance/agents", api.AgentListView.as_view(), name="api-proxy-agents"),
    path("assistance/agents/<int:pk>", api.AgentDetailView.as_view(), name="api-proxy-agent"),
    path("assistance/requests", api.RequestListCreateView.as_view(), name="api-proxy-requests"),
    path(
        "assistance/requests/<str:number>",
        api.RequestDetailView.as_view(),
        name="api-proxy-request",
    ),
    path("volunteers/teams", api.TeamListView.as_view(), name="api-volunteer-teams"),
    path("volunteers/teams/<int:pk>", api.TeamDetailView.as_view(), name="api-volunteer-team"),
    path(
        "volunteers/teams/<int:pk>/members",
        api.TeamMembersView.as_view(),
        name="api-volunteer-team-members",
    ),
    path("volunteers/members/<int:pk>", api.VolunteerDetailView.as_view(), name="api-volunteer"),
    path("volunteers/activities", api.ActivityListView.as_view(), name="api-activities"),
    path("volunteers/activities/<int:pk>", api.ActivityDetailView.as_view(), name="api-activity"),
    path(
        "volunteers/activities/<int:pk>/signups",
        api.SignUpView.as_view(),
        name="api-activity-signups",
    ),
    path("volunteers/signups/<int:pk>/hours", api.HoursView.as_view(), name="api-signup-hours"),
    path(
        "volunteers/signups/<int:pk>/confirm",
        api.ConfirmHoursView.as_view(),
        name="api-signup-confirm",
    ),
    path("homecare", api.TaskListCreateView.as_view(), name="api-home-tasks"),
    path("kpi/assistance", api.AssistanceKpiView.as_view(), name="api-kpi-assistance"),
]
