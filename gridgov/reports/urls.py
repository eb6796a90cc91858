from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/<str:fmt>/", views.download, name="download"),
    path("subscriptions/<int:pk>/end/", views.unsubscribe, name="unsubscribe"),
]
