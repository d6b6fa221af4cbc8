"""Workspace URLs for comment windows, moderation, responses and reports (namespace
`manage`)."""

urlpatterns = []
