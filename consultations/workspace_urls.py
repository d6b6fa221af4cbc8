"""Workspace URLs for comment moderation and responses (namespace `manage`)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path("consultations/comments/", workspace.comment_list, name="consultation_comments"),
    path(
        "consultations/comments/<int:pk>/",
        workspace.comment_detail,
        name="consultation_comment",
    ),
]
