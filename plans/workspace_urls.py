"""Workspace URLs for plans and their seven stages (namespace `manage`)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path("plans/", workspace.plan_list, name="plan_list"),
    path("plans/new/", workspace.plan_create, name="plan_create"),
    path("plans/<int:number>/", workspace.plan_detail, name="plan_detail"),
    path("plans/<int:number>/edit/", workspace.plan_edit, name="plan_edit"),
    path("plans/<int:number>/status/", workspace.plan_status, name="plan_status"),
    path("plans/<int:number>/public/", workspace.plan_public, name="plan_public"),
    path("plans/<int:number>/stages/<int:stage>/edit/", workspace.stage_edit, name="stage_edit"),
    path("plans/<int:number>/stages/<int:stage>/start/", workspace.stage_start, name="stage_start"),
    path(
        "plans/<int:number>/stages/<int:stage>/complete/",
        workspace.stage_complete,
        name="stage_complete",
    ),
    path("plans/<int:number>/document/", workspace.plan_document, name="plan_document"),
    path("plans/<int:number>/document/text/", workspace.plan_narrative, name="plan_narrative"),
    path(
        "plans/<int:number>/document/draft/<slug:language>.pdf",
        workspace.plan_pdf,
        name="plan_pdf",
    ),
    path(
        "plans/<int:number>/document/final/<int:version>/<slug:language>.pdf",
        workspace.plan_publication_pdf,
        name="plan_publication_pdf",
    ),
    path("plans/<int:number>/document/publish/", workspace.plan_publish, name="plan_publish"),
    path(
        "plans/<int:number>/document/regenerate/",
        workspace.plan_pdf_regenerate,
        name="plan_pdf_regenerate",
    ),
]
