"""Workspace URLs for approval letters (namespace `manage`)."""

urlpatterns = []
