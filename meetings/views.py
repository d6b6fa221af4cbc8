from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from core.pdf import PdfUnavailable, unavailable_response
from plans.models import Sector

from .models import Body, Meeting, Membership
from .pdf import minutes_context, stored_minutes_pdf


@require_safe
def meeting_detail(request, pk: int):
    """A meeting whose minutes are published: attendees, agenda and agreed outcomes."""
    meeting = get_object_or_404(Meeting.objects.public().for_public_page(), pk=pk)
    return render(request, "meetings/meeting_detail.html", minutes_context(meeting))


@require_safe
def minutes_pdf_view(request, pk: int):
    """The published minutes as a PDF, generated from the same record as the page: made
    once per content (usually by the task that publishes them) and served from storage;
    "not available" when it cannot be made within the PDF limits."""
    meeting = get_object_or_404(Meeting.objects.public().for_minutes(), pk=pk)
    try:
        name = stored_minutes_pdf(meeting)
    except PdfUnavailable as error:
        return unavailable_response(
            request, back_url=meeting.get_absolute_url(), back_label=meeting.title, error=error
        )
    with default_storage.open(name, "rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    filename = f"minutes-{meeting.pk}-{get_language()}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def body_detail(request, pk: int):
    """A forum body with its current members grouped by sector, and its published minutes
    (three queries whatever the number of members)."""
    body = get_object_or_404(Body, pk=pk)
    memberships = (
        Membership.objects.current()
        .filter(body=body)
        .select_related("person", "organisation")
        .order_by("person__name_ar")
    )
    by_sector: dict[str, list] = {}
    for membership in memberships:
        by_sector.setdefault(membership.organisation.sector, []).append(membership)
    sectors = [
        {"label": label, "key": value, "members": by_sector[value]}
        for value, label in Sector.choices
        if value in by_sector
    ]
    meetings = (
        Meeting.objects.public()
        .filter(body=body)
        .only("title_ar", "title_en", "starts_at")
        .order_by("-starts_at")
    )
    context = {
        "body": body,
        "sectors": sectors,
        "member_count": sum(len(s["members"]) for s in sectors),
        "meetings": list(meetings),
    }
    return render(request, "meetings/body_detail.html", context)
