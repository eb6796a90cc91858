from django.urls import path

from . import setup_views, views

app_name = "assistance"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("new/", views.request_new, name="request-new"),
    path("requests/<str:number>/reveal-phone/", views.reveal_phone, name="reveal-phone"),
    path("catalogue/", views.service_list, name="services"),
    path("catalogue/new/", views.service_edit, name="service-new"),
    path("catalogue/<int:pk>/", views.service_edit, name="service-edit"),
    path("volunteers/", views.activity_list, name="activities"),
    path("volunteers/activities/<int:pk>/", views.activity_detail, name="activity"),
    path("volunteers/activities/<int:pk>/edit/", setup_views.activity_edit, name="activity-edit"),
    path("volunteers/activities/<int:pk>/<str:what>/", views.activity_act, name="activity-act"),
    path("volunteers/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("volunteers/teams/", setup_views.team_list, name="teams"),
    path("volunteers/teams/<int:pk>/", setup_views.team_detail, name="team"),
    path("agents/", setup_views.agent_list, name="agents"),
    path("agents/<int:pk>/remove/", setup_views.agent_remove, name="agent-remove"),
    path("home/", views.task_list, name="tasks"),
    path("home/new/", setup_views.task_new, name="task-new"),
    path("figures/", views.kpi, name="kpi"),
]
