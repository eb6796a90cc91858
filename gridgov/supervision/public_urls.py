from django.urls import path

from . import public

app_name = "supervision_public"
urlpatterns = [
    path("<int:pk>/", public.suggest, name="suggest"),
    path("done/", public.done, name="done"),
]
