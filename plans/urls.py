"""Public URLs of the plan document (downloads); the plan page itself is `plan`."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("plans/<int:number>/draft/<slug:language>.pdf", views.draft_pdf, name="draft_pdf"),
    path(
        "plans/<int:number>/final/<int:version>/<slug:language>.pdf",
        views.final_pdf,
        name="final_pdf",
    ),
]
