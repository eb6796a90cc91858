from django.urls import path

from . import public

app_name = "appointments_public"
urlpatterns = [
    path("", public.start, name="start"),
    path("<int:pk>/", public.book, name="book"),
    path("b/<str:token>/", public.mine, name="mine"),
]
