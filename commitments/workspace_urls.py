"""Workspace URLs for commitments, milestones, approval letters and progress (namespace
`manage`)."""

from django.urls import path

from . import irm, monitoring, workspace

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
    path("plans/<int:number>/irm/", irm.irm_reports, name="irm_reports"),
    path("plans/<int:number>/irm/new/", irm.irm_report_edit, name="irm_report_create"),
    path("plans/<int:number>/irm/<int:pk>/", irm.irm_report_edit, name="irm_report_edit"),
    path("commitments/<int:pk>/irm/", irm.irm_assessment_edit, name="irm_assessment"),
    path("ratings/", monitoring.rating_list, name="cs_ratings"),
    path("ratings/milestones/<int:pk>/", monitoring.rate, name="cs_rate"),
    path(
        "organisations/new/inline/",
        workspace.organisation_create_inline,
        name="organisation_create_inline",
    ),
]
