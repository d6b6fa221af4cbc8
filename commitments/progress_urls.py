"""Workspace URLs for focal points' progress reports (namespace `manage`)."""

urlpatterns = []
