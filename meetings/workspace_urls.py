"""Workspace URLs for forum bodies, members, meetings and minutes (namespace `manage`)."""

urlpatterns = []
