from django.urls import path

from . import import_views as views

app_name = "households-import"

urlpatterns = [
    path("import/", views.ledger_import, name="import"),
    path("import/jobs/<int:pk>/", views.ledger_job, name="job"),
    path("import/jobs/<int:pk>/report/", views.ledger_report, name="report"),
    path("import/template/", views.ledger_template, name="template"),
    path("export/", views.ledger_export, name="export"),
]
