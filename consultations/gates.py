"""Stage gates owned by consultations, registered with `plans.gates` at start-up."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Comment, CommentWindow


def every_window_closed_and_answered(plan) -> list[str]:
    """Stage 7: every comment window closed, every published comment and every forum
    member's remark answered."""
    problems = []
    now = timezone.now()
    open_windows = CommentWindow.objects.filter(plan=plan, closes_at__gt=now).count()
    if open_windows:
        problems.append(
            _("%(count)s comment window(s) are still open or not yet opened.")
            % {"count": open_windows}
        )
    # Inputs without a disposition (the dashboard counts them per window the same way).
    unanswered = Comment.objects.filter(window__plan=plan).without_disposition().published().count()
    if unanswered:
        problems.append(
            _("%(count)s published comment(s) have no response yet.") % {"count": unanswered}
        )
    remarks = (
        Comment.objects.filter(window__plan=plan).without_disposition().member_remarks().count()
    )
    if remarks:
        problems.append(
            _("%(count)s forum member remark(s) have no response yet.") % {"count": remarks}
        )
    return problems
