"""Workspace URLs for the history of plans, stages, commitments and milestones."""

from django.urls import path

from . import history

urlpatterns = [
    path("history/<slug:kind>/<int:pk>/", history.history, name="history"),
]
