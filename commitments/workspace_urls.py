"""Workspace URLs for commitments, milestones, approval letters and progress (namespace
`manage`)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path(
        "plans/<int:number>/commitments/",
        workspace.commitment_list,
        name="commitment_list",
    ),
    path(
        "plans/<int:number>/commitments/new/",
        workspace.commitment_create,
        name="commitment_create",
    ),
    path("commitments/<int:pk>/", workspace.commitment_detail, name="commitment_detail"),
    path("commitments/<int:pk>/edit/", workspace.commitment_edit, name="commitment_edit"),
    path(
        "commitments/<int:pk>/publish/",
        workspace.commitment_publish,
        name="commitment_publish",
    ),
    path(
        "organisations/new/inline/",
        workspace.organisation_create_inline,
        name="organisation_create_inline",
    ),
]
