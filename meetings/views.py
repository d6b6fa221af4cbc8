from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import AttendanceStatus, Meeting


@require_GET
def meeting_detail(request, pk: int):
    """A meeting whose minutes are published: attendees, agenda and agreed outcomes."""
    meeting = get_object_or_404(Meeting.objects.published().for_detail(), pk=pk)
    attendances = list(meeting.attendances.all())
    context = {
        "meeting": meeting,
        "present": [a for a in attendances if a.status == AttendanceStatus.PRESENT],
        "not_present": [a for a in attendances if a.status != AttendanceStatus.PRESENT],
        "agenda_items": list(meeting.agenda_items.all()),
        "outcomes": list(meeting.outcomes.all()),
    }
    return render(request, "meetings/meeting_detail.html", context)
