from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from commitments.models import Commitment

from .models import CommentWindow


@require_GET
def window_detail(request, pk: int):
    """A public comment window: what is open for comment, until when, and where announced."""
    window = get_object_or_404(
        CommentWindow.objects.public()
        .select_related("plan")
        .prefetch_related(
            Prefetch(
                "commitments",
                queryset=Commitment.objects.published().select_related("plan", "lead_institution"),
            ),
            "announcements",
        ),
        pk=pk,
    )
    now = timezone.now()
    if window.is_open(now):
        state = "open"
    elif now < window.opens_at:
        state = "upcoming"
    else:
        state = "closed"
    context = {
        "window": window,
        "plan": window.plan,
        "state": state,
        "is_open": state == "open",
        "commitments": list(window.commitments.all()),
        "announcements": list(window.announcements.all()),
    }
    return render(request, "consultations/commentwindow_detail.html", context)
