"""Workspace URLs for focal points' progress reports (namespace `manage`)."""

from django.urls import path

from . import progress

urlpatterns = [
    path("commitments/mine/", progress.my_commitments, name="my_commitments"),
    path("milestones/<int:pk>/progress/", progress.milestone_progress, name="milestone_progress"),
    path("progress/<int:pk>/evidence/", progress.progress_evidence, name="progress_evidence"),
]
