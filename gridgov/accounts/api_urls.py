from django.urls import path

from . import api

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="api-auth-token"),
    path("me", api.MeView.as_view(), name="api-me"),
]
