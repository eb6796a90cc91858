from django.urls import path

from . import api

urlpatterns = [
    path("events", api.EventListCreateView.as_view(), name="api-events"),
    path("events/bulk-dispatch", api.BulkDispatchView.as_view(), name="api-events-bulk-dispatch"),
    path("events/duplicates", api.DuplicateSuggestionsView.as_view(), name="api-events-duplicates"),
    path("events/<str:number>", api.EventDetailView.as_view(), name="api-event"),
    path("event-categories", api.CategoryListView.as_view(), name="api-event-categories"),
    path("kpi/events", api.EventKpiView.as_view(), name="api-kpi-events"),
]
