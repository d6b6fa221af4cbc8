from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Meeting


@require_GET
def meeting_detail(request, pk: int):
    """A meeting whose minutes are published: attendees, agenda and agreed outcomes."""
    meeting = get_object_or_404(Meeting.objects.published().for_detail(), pk=pk)
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting})
