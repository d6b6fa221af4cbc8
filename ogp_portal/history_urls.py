"""Workspace URLs for the history of plans, stages, commitments and milestones."""

urlpatterns = []
