from django.urls import path

from . import api

urlpatterns = [
    path("auth/token", api.TokenView.as_view(), name="api-auth-token"),
    path("auth/tokens", api.MyTokensView.as_view(), name="api-auth-tokens"),
    path("auth/tokens/<int:pk>", api.MyTokenView.as_view(), name="api-auth-token-detail"),
    path("me", api.MeView.as_view(), name="api-me"),
]
