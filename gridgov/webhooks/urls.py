from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.subscription_list, name="list"),
    path("<int:pk>/", views.subscription_detail, name="detail"),
    path("<int:pk>/switch/", views.switch, name="switch"),
    path("<int:pk>/test/", views.send_test, name="test"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("messages/<int:pk>/redeliver/", views.redeliver, name="redeliver"),
]
