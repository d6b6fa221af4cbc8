"""The minutes of a meeting: the public page (`minutes_context`, model rows) and the PDF.

The PDF prints `minutes_part(meeting)`, plain data in the active language, through the
partial templates/meetings/_minutes_body.html; annex A of the plan document prints the
same data with the same partial (registered in `MeetingsConfig.ready`, see `plans.parts`),
so a change to the minutes' layout shows in both. Rendered through the shared
`core.pdf` machinery, under its time and memory limit; the public download is rendered
once per content and language and then served from storage (`stored_minutes_pdf`)."""

from django.utils import timezone
from django.utils.translation import get_language

from core.links import links_by_plan
from core.pdf import PDF_BASE_URL, render_pdf, stored_pdf
from plans.parts import clock, day, text

from .models import AttendanceStatus, Meeting


def minutes_context(meeting: Meeting) -> dict:
    """What the public minutes page shows (`meeting` from `for_public_page()`)."""
    attendances = list(meeting.attendances.all())
    outcomes = list(meeting.outcomes.all())
    # Each outcome's related commitments with their links, reversed once per plan.
    links = dict(
        links_by_plan(
            "commitments:detail", {c for outcome in outcomes for c in outcome.commitments.all()}
        )
    )
    return {
        "meeting": meeting,
        "present": [a for a in attendances if a.status == AttendanceStatus.PRESENT],
        "not_present": [a for a in attendances if a.status != AttendanceStatus.PRESENT],
        "agenda_items": list(meeting.agenda_items.all()),
        "outcomes": [
            (outcome, [(c, links[c]) for c in outcome.commitments.all()]) for outcome in outcomes
        ],
    }


def minutes_part(meeting: Meeting) -> dict:
    """The minutes as plain data (JSON) in the active language, from a meeting read with
    `for_detail()` (no further query)."""
    attendances = list(meeting.attendances.all())
    starts = timezone.localtime(meeting.starts_at)
    time = clock(starts)
    if meeting.ends_at:
        time = f"{time} – {clock(timezone.localtime(meeting.ends_at))}"
    published = meeting.minutes_published_at
    return {
        "title": text(meeting, "title"),
        "body": text(meeting.body, "name"),
        "date": day(starts.date()),
        "time": time,
        "mode": meeting.get_mode_display(),
        "platform": meeting.platform,
        "place": text(meeting, "place"),
        "published": day(timezone.localtime(published).date()) if published else "",
        "present": [
            {
                # No title prints nothing (the choice's label "(none)" is for forms).
                "honorific": (
                    attendance.person.get_honorific_display() if attendance.person.honorific else ""
                ),
                "name": text(attendance.person, "name"),
                "position": text(attendance, "position"),
                "organisation": text(attendance.organisation, "name"),
            }
            for attendance in attendances
            if attendance.status == AttendanceStatus.PRESENT
        ],
        "absent": [
            {
                "name": text(attendance.person, "name"),
                "organisation": text(attendance.organisation, "name"),
                "status": attendance.get_status_display(),
            }
            for attendance in attendances
            if attendance.status != AttendanceStatus.PRESENT
        ],
        "agenda": [
            {
                "number": item.number,
                "title": text(item, "title"),
                "presenter": text(item.presenter, "name") if item.presenter else None,
                # Rich text (meetings.richtext), cleaned again when printed.
                "discussion": text(item, "discussion"),
            }
            for item in meeting.agenda_items.all()
        ],
        "outcomes": [
            {
                "number": outcome.number,
                "decision": text(outcome, "decision"),
                "owner": text(outcome.owner, "name") if outcome.owner else None,
                "due": day(outcome.due_on),
                "status": outcome.get_status_display(),
            }
            for outcome in meeting.outcomes.all()
        ],
    }


TEMPLATE = "meetings/minutes_pdf.html"


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes as a PDF in the active language (`meeting` from `for_detail()`). Raises
    `core.pdf.PdfUnavailable`."""
    return render_pdf(TEMPLATE, {"minutes": minutes_part(meeting)}, base_url=PDF_BASE_URL)


def stored_minutes_pdf(meeting: Meeting, *, timeout: float | None = None) -> str:
    """The storage name of the minutes' PDF in the active language, rendered only when its
    content changed (`core.pdf.stored_pdf`). Raises `core.pdf.PdfUnavailable`."""
    return stored_pdf(
        TEMPLATE,
        {"minutes": minutes_part(meeting)},
        folder=f"pdf/minutes/{meeting.pk}/{get_language()}",
        timeout=timeout,
    )
