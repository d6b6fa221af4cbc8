"""Workspace URLs for forum bodies, members, meetings and minutes (namespace `manage`)."""

from django.urls import path

from . import workspace, workspace_bodies

urlpatterns = [
    path("meetings/", workspace.meeting_list, name="meeting_list"),
    path("meetings/new/", workspace.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", workspace.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", workspace.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/minutes/", workspace.meeting_minutes_step, name="meeting_minutes_step"),
    path("meetings/<int:pk>/attendance/", workspace.meeting_attendance, name="meeting_attendance"),
    path(
        "meetings/<int:pk>/attendance/paste/",
        workspace.meeting_paste_attendees,
        name="meeting_paste_attendees",
    ),
    path(
        "meetings/<int:pk>/attendance/guest/",
        workspace.meeting_guest_add,
        name="meeting_guest_add",
    ),
    path("meetings/<int:pk>/agenda/", workspace.meeting_agenda, name="meeting_agenda"),
    path(
        "meetings/<int:pk>/agenda/publish/",
        workspace.meeting_agenda_publish,
        name="meeting_agenda_publish",
    ),
    path("meetings/<int:pk>/outcomes/", workspace.meeting_outcomes, name="meeting_outcomes"),
    path("meetings/<int:pk>/remarks/", workspace.meeting_remarks, name="meeting_remarks"),
    path("meetings/<int:pk>/attachments/", workspace.attachment_add, name="meeting_attachment_add"),
    path(
        "meetings/attachments/<int:pk>/",
        workspace.attachment_download,
        name="meeting_attachment",
    ),
    path("bodies/", workspace_bodies.body_list, name="body_list"),
    path("bodies/new/", workspace_bodies.body_create, name="body_create"),
    path("bodies/<int:pk>/", workspace_bodies.body_manage, name="body_manage"),
    path("bodies/<int:pk>/edit/", workspace_bodies.body_edit, name="body_edit"),
    path(
        "bodies/<int:pk>/members/new/",
        workspace_bodies.membership_create,
        name="membership_create",
    ),
    path("members/<int:pk>/edit/", workspace_bodies.membership_edit, name="membership_edit"),
    path("members/<int:pk>/end/", workspace_bodies.membership_end, name="membership_end"),
]
