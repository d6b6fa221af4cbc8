"""Workspace URLs for windows, comment moderation and responses (namespace `manage`)."""

from django.urls import path

from . import workspace

urlpatterns = [
    path("consultations/comments/", workspace.comment_list, name="consultation_comments"),
    path(
        "consultations/comments/<int:pk>/",
        workspace.comment_detail,
        name="consultation_comment",
    ),
    path("consultations/windows/", workspace.window_list, name="consultation_windows"),
    path("consultations/windows/new/", workspace.window_create, name="consultation_window_create"),
    path("consultations/windows/<int:pk>/", workspace.window_detail, name="consultation_window"),
    path(
        "consultations/windows/<int:pk>/edit/",
        workspace.window_edit,
        name="consultation_window_edit",
    ),
    path(
        "consultations/windows/<int:pk>/schedule/",
        workspace.window_schedule,
        name="consultation_window_schedule",
    ),
    path(
        "consultations/windows/<int:pk>/log-comment/",
        workspace.comment_log,
        name="consultation_comment_log",
    ),
    path(
        "consultations/windows/<int:pk>/groups/",
        workspace.window_groups,
        name="consultation_groups",
    ),
    path(
        "consultations/windows/<int:pk>/themes/",
        workspace.window_themes,
        name="consultation_themes",
    ),
    path("consultations/groups/<int:pk>/", workspace.group_detail, name="consultation_group"),
    # Forum members' remarks on draft commitments (members-only feedback periods)
    path("consultations/feedback/", workspace.member_feedback_list, name="member_feedback_list"),
    path("consultations/feedback/<int:pk>/", workspace.member_feedback, name="member_feedback"),
]
