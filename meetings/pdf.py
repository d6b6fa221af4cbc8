"""The minutes PDF, generated from the structured record (the same data as the public
page), through the shared `ogp_portal.pdf` machinery."""

from ogp_portal.pdf import PDF_BASE_URL, render_pdf

from .models import AttendanceStatus, Meeting


def minutes_context(meeting: Meeting) -> dict:
    """What the public minutes page and the PDF show (`meeting` from `for_detail()`)."""
    attendances = list(meeting.attendances.all())
    return {
        "meeting": meeting,
        "present": [a for a in attendances if a.status == AttendanceStatus.PRESENT],
        "not_present": [a for a in attendances if a.status != AttendanceStatus.PRESENT],
        "agenda_items": list(meeting.agenda_items.all()),
        "outcomes": list(meeting.outcomes.all()),
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes as a PDF in the active language."""
    return render_pdf("meetings/minutes_pdf.html", minutes_context(meeting), base_url=PDF_BASE_URL)
