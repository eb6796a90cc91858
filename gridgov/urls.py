from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gridgov.open311 import staff as open311_staff
from gridgov.workflow import views as workflow_views

api_v1 = [
    # Before the events' own "events/<number>/<action>", which would take it for an action.
    path(
        "events/<str:number>/publication",
        open311_staff.PublicationView.as_view(),
        name="api-event-publication",
    ),
    path("", include("gridgov.regions.api_urls")),
    path("", include("gridgov.org.api_urls")),
    path("", include("gridgov.events.api_urls")),
    path("", include("gridgov.accounts.api_urls")),
    path("", include("gridgov.powers.api_urls")),
    path("", include("gridgov.inspections.api_urls")),
    path("", include("gridgov.alerts.api_urls")),
    path("", include("gridgov.filings.api_urls")),
    path("", include("gridgov.households.api_urls")),
    path("", include("gridgov.campaigns.api_urls")),
    path("", include("gridgov.supervision.api_urls")),
    path("", include("gridgov.care.api_urls")),
    path("", include("gridgov.mobile.api_urls")),
    path("", include("gridgov.households.canvass_api_urls")),
    path("", include("gridgov.assistance.api_urls")),
    path("", include("gridgov.appointments.api_urls")),
    path("cockpit/", include("gridgov.cockpit.api_urls")),
    path("", include("gridgov.evaluation.api_urls")),
    path("", include("gridgov.webhooks.api_urls")),
    path("", include("gridgov.reports.api_urls")),
    # Every kind's steps, from its table: POST <kind>/{number}/{action}.
    path("", include("gridgov.workflow.api_urls")),
]

urlpatterns = [
    path("", include("gridgov.core.urls")),
    path("accounts/", include("gridgov.accounts.urls")),
    path("regions/", include("gridgov.regions.urls")),
    path("org/", include("gridgov.org.urls")),
    path("households/", include("gridgov.households.import_urls")),
    path(
        "events/<str:number>/publication/",
        open311_staff.publication,
        name="event-publication",
    ),
    path("events/", include("gridgov.events.urls")),
    path("messages/", include("gridgov.workflow.urls")),
    path("work/", include("gridgov.workflow.item_urls")),
    path("open311/v2/", include("gridgov.open311.urls")),
    path("public/", include("gridgov.citizens.urls")),
    path("powers/", include("gridgov.powers.urls")),
    path("inspections/", include("gridgov.inspections.urls")),
    path("alerts/", include("gridgov.alerts.urls")),
    path("filings/", include("gridgov.filings.urls")),
    path("public/filings/", include("gridgov.filings.public_urls")),
    path("ledgers/", include("gridgov.households.urls")),
    path("campaigns/", include("gridgov.campaigns.urls")),
    path("supervision/", include("gridgov.supervision.urls")),
    path("public/supervision/", include("gridgov.supervision.public_urls")),
    path("care/", include("gridgov.care.urls")),
    path("m/", include("gridgov.mobile.urls")),
    path("canvasses/", include("gridgov.households.canvass_urls")),
    path("services/", include("gridgov.assistance.urls")),
    path("appointments/", include("gridgov.appointments.urls")),
    path("public/appointments/", include("gridgov.appointments.public_urls")),
    path("cockpit/screen/", include("gridgov.cockpit.maps_screen_urls")),
    path("cockpit/", include("gridgov.cockpit.urls")),
    path("evaluation/", include("gridgov.evaluation.urls")),
    path("webhooks/", include("gridgov.webhooks.urls")),
    path("reports/", include("gridgov.reports.urls")),
    path("photos/<int:pk>/", workflow_views.photo, name="photo"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
