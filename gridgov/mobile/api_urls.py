from django.urls import path

from . import api

urlpatterns = [
    path("mobile/me", api.MeView.as_view(), name="api-mobile-me"),
    path("mobile/tasks", api.MyTasksView.as_view(), name="api-mobile-tasks"),
    path("mobile/messages", api.MyMessagesView.as_view(), name="api-mobile-messages"),
]
