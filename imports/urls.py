"""Spreadsheet import and export in the staff workspace (`imports.views`)."""

from django.urls import path

import commitments.resources  # noqa: F401  (registers the commitment and progress sheets)
import plans.resources  # noqa: F401  (registers the organisation sheet)

from . import views as imports

urlpatterns = [
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<slug:kind>/", imports.import_upload, name="import_upload"),
    path("imports/<slug:kind>/template/", imports.import_template, name="import_template"),
    path("imports/<slug:kind>/export/", imports.export, name="export"),
    path("imports/preview/<str:token>/", imports.import_preview, name="import_preview"),
]
