from django.urls import path

from . import public

app_name = "filings_public"
urlpatterns = [
    path("", public.lookup, name="lookup"),
    path("new/", public.submit, name="submit"),
    path("new/done/", public.submitted, name="submitted"),
]
