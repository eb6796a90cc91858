from django.urls import path

from . import api

urlpatterns = [
    path("appointments/resources", api.ResourceListView.as_view(),
         name="api-appointment-resources"),
    path("appointments/resources/<int:pk>/slots", api.SlotsView.as_view(),
         name="api-appointment-slots"),
    path("appointments/bookings", api.BookingListView.as_view(), name="api-bookings"),
    path("appointments/walk-ins", api.WalkInView.as_view(), name="api-walk-ins"),
    path("appointments/waiting", api.WaitingView.as_view(), name="api-appointment-waiting"),
    path("appointments/public/codes", api.PublicCodeView.as_view(), name="api-appointment-code"),
    path("appointments/public/bookings", api.PublicBookingView.as_view(), name="api-public-book"),
]  # fmt: skip
