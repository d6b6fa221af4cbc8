from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from .models import Meeting
from .pdf import minutes_context, minutes_pdf


@require_GET
def meeting_detail(request, pk: int):
    """A meeting whose minutes are published: attendees, agenda and agreed outcomes."""
    meeting = get_object_or_404(Meeting.objects.published().for_detail(), pk=pk)
    return render(request, "meetings/meeting_detail.html", minutes_context(meeting))


@require_GET
def minutes_pdf_view(request, pk: int):
    """The published minutes as a PDF, generated from the same record as the page."""
    meeting = get_object_or_404(Meeting.objects.published().for_detail(), pk=pk)
    response = HttpResponse(minutes_pdf(meeting), content_type="application/pdf")
    filename = f"minutes-{meeting.pk}-{get_language()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
