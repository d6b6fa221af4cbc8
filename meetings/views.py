from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from commitments.models import Commitment

from .models import AgendaItem, Attendance, AttendanceStatus, Meeting, Outcome


def for_detail(queryset):
    """The public minutes page in a fixed number of queries: attendees with their person and
    organisation, agenda items with their presenter, outcomes with owner and (published)
    related commitments."""
    return queryset.select_related("body", "plan").prefetch_related(
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("person", "organisation"),
        ),
        Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("presenter")),
        Prefetch("outcomes", queryset=Outcome.objects.select_related("owner")),
        Prefetch(
            "outcomes__commitments",
            queryset=Commitment.objects.published().select_related("plan"),
        ),
    )


@require_GET
def meeting_detail(request, pk: int):
    """A meeting whose minutes are published: attendees, agenda and agreed outcomes."""
    meeting = get_object_or_404(for_detail(Meeting.objects.published()), pk=pk)
    attendances = list(meeting.attendances.all())
    context = {
        "meeting": meeting,
        "present": [a for a in attendances if a.status == AttendanceStatus.PRESENT],
        "not_present": [a for a in attendances if a.status != AttendanceStatus.PRESENT],
        "agenda_items": list(meeting.agenda_items.all()),
        "outcomes": list(meeting.outcomes.all()),
    }
    return render(request, "meetings/meeting_detail.html", context)
