"""Workspace URLs for plans, stages and organisations (namespace `manage`)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path("plans/", workspace.plan_list, name="plan_list"),
]
