"""Workspace URLs for commitments, milestones, approval letters and progress (namespace
`manage`)."""

urlpatterns = []
