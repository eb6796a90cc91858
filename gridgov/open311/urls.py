from django.urls import re_path

from . import views

app_name = "open311"
FMT = r"(?P<fmt>[a-z]+)"
urlpatterns = [
    re_path(rf"^discovery\.{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services\.{FMT}$", views.services, name="services"),
    re_path(rf"^services/(?P<code>[\w-]+)\.{FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests\.{FMT}$", views.requests_endpoint, name="requests"),
    re_path(rf"^requests/(?P<request_id>[\w-]+)\.{FMT}$", views.request_detail, name="request"),
    re_path(rf"^servicerequestupdates\.{FMT}$", views.request_updates, name="updates"),
    re_path(rf"^tokens/(?P<token_id>[\w-]+)\.{FMT}$", views.token, name="token"),
]
