"""What the plan document prints of the consultations (registered in
`ConsultationsConfig.ready`)."""

from .models import Comment


def plan_comments(plan) -> list[Comment]:
    """The plan's published public comments with their responses, groups and themes, for
    annex B: each window's report prints one row per campaign group or single comment."""
    return list(
        Comment.objects.published()
        .filter(window__plan=plan, window__audience="public")
        .select_related("window", "commitment__plan", "milestone", "response")
        .prefetch_related("themes")
        .order_by("window__opens_at", "window_id", "created_at", "pk")
    )
