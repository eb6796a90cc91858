from django.urls import path

from . import views

app_name = "appointments"
urlpatterns = [
    path("", views.board, name="board"),
    path("resources/<int:pk>/", views.resource, name="resource"),
]
