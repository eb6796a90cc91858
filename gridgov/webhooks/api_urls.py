from django.urls import path

from . import api

urlpatterns = [
    path("webhooks", api.WebhookListView.as_view(), name="api-webhooks"),
    path("webhooks/<int:pk>", api.WebhookDetailView.as_view(), name="api-webhook"),
    path("webhooks/<int:pk>/active", api.WebhookActiveView.as_view(), name="api-webhook-active"),
    path("webhooks/<int:pk>/test", api.WebhookTestView.as_view(), name="api-webhook-test"),
    path(
        "webhooks/<int:pk>/messages",
        api.WebhookMessageListView.as_view(),
        name="api-webhook-messages",
    ),
    path(
        "webhook-messages/<int:pk>/redeliver",
        api.RedeliverView.as_view(),
        name="api-webhook-redeliver",
    ),
]
