from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import CommentWindow


@require_GET
def window_detail(request, pk: int):
    """A public comment window: what is open for comment, until when, and where announced."""
    window = get_object_or_404(
        CommentWindow.objects.public()
        .select_related("plan")
        .prefetch_related("commitments", "announcements"),
        pk=pk,
    )
    context = {"window": window, "is_open": window.is_open(timezone.now())}
    return render(request, "consultations/commentwindow_detail.html", context)
