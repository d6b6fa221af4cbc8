"""What the plan document prints of the consultations (registered in
`ConsultationsConfig.ready`)."""

from .models import Comment


def plan_comments(plan) -> list[Comment]:
    """The plan's published public comments with their responses, for annex B."""
    return list(
        Comment.objects.published()
        .filter(window__plan=plan, window__audience="public")
        .select_related("window", "commitment", "milestone", "response")
        .order_by("window__opens_at", "window_id", "created_at", "pk")
    )
