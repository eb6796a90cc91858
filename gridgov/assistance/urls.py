from django.urls import path

from . import views

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
    path("volunteers/activities/<int:pk>/<str:what>/", views.activity_act, name="activity-act"),
    path("volunteers/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("home/", views.task_list, name="tasks"),
    path("figures/", views.kpi, name="kpi"),
]
