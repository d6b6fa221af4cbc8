"""The public calendar: upcoming forum meetings and open or upcoming comment windows, as an
iCalendar feed (RFC 5545) that calendar apps can subscribe to.

Written by hand: the format needs only escaping, line folding and UTC times, which fit in
this module, and a dependency would not make it shorter. Only public things go in: meetings
of public plans (their date, place and body, nothing of their minutes) and public windows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from consultations.models import CommentWindow
from meetings.models import Meeting
from plans.models import on_public_plan

CRLF = "\r\n"
MAX_OCTETS = 75  # per line, CRLF excluded (RFC 5545 section 3.1)
PRODID = "-//Open Government Unit, Jordan//OGP portal//EN"


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newlines escaped (section 3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """One content line folded into physical lines of at most 75 octets, each continuation
    starting with a space, never splitting a UTF-8 character (Arabic letters take two)."""
    parts, current, room = [], b"", MAX_OCTETS
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > room:
            parts.append(current.decode())
            current, room = b"", MAX_OCTETS - 1
        current += encoded
    parts.append(current.decode())
    return (CRLF + " ").join(parts)


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Event:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    summary: tuple[str, str]  # (text, language)
    description: str
    location: tuple[str, str] = ("", "")
    url: str = ""
    sequence: int = 0

    def lines(self, stamp: str) -> list[str]:
        text, language = self.summary
        lines = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{utc(self.starts_at)}",
        ]
        if self.ends_at:
            lines.append(f"DTEND:{utc(self.ends_at)}")
        lines.append(f"SUMMARY;LANGUAGE={language}:{escape_text(text)}")
        if self.location[0]:
            lines.append(f"LOCATION;LANGUAGE={self.location[1]}:{escape_text(self.location[0])}")
        if self.description:
            lines.append(f"DESCRIPTION:{escape_text(self.description)}")
        if self.url:
            lines.append(f"URL:{self.url}")
        if self.sequence:
            lines.append(f"SEQUENCE:{self.sequence}")
        lines.append("END:VEVENT")
        return lines


def upcoming_meetings(now: datetime.datetime):
    """Meetings of public plans that have not ended yet (one query)."""
    return (
        Meeting.objects.filter(on_public_plan())
        .filter(Q(starts_at__gte=now) | Q(ends_at__gt=now))
        .select_related("body", "plan")
        .order_by("starts_at", "pk")
    )


def upcoming_windows(now: datetime.datetime):
    """Public comment windows of public plans, open now or opening later (one query)."""
    return (
        CommentWindow.objects.public()
        .filter(closes_at__gt=now)
        .select_related("plan")
        .order_by("opens_at", "pk")
    )


def meeting_event(meeting: Meeting, host: str, absolute) -> Event:
    place = Meeting.place.value_with_language(meeting)
    if not place[0] and meeting.platform:
        place = (meeting.platform, "en")
    body = meeting.body.name
    return Event(
        uid=f"meeting-{meeting.pk}@{host}",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        summary=Meeting.title.value_with_language(meeting),
        description=_("Meeting of %(body)s (%(mode)s).")
        % {"body": body, "mode": meeting.get_mode_display()},
        location=place,
        url=absolute(reverse("meetings:body_detail", kwargs={"pk": meeting.body_id})),
        sequence=meeting.version - 1,
    )


def window_event(window: CommentWindow, host: str, absolute) -> Event:
    description = window.description or ""
    return Event(
        uid=f"comment-window-{window.pk}@{host}",
        starts_at=window.opens_at,
        ends_at=window.closes_at,
        summary=CommentWindow.title.value_with_language(window),
        description=description,
        url=absolute(reverse("consultations:detail", kwargs={"pk": window.pk})),
    )


def calendar_text(*, host: str, absolute, now: datetime.datetime | None = None) -> str:
    """The whole feed in the active language, with CRLF line ends (two queries)."""
    now = now or timezone.now()
    stamp = utc(now)
    events = [meeting_event(meeting, host, absolute) for meeting in upcoming_meetings(now)]
    events += [window_event(window, host, absolute) for window in upcoming_windows(now)]
    events.sort(key=lambda event: event.starts_at)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('Open Government Partnership in Jordan'))}",
        "X-WR-TIMEZONE:Asia/Amman",
    ]
    for event in events:
        lines += event.lines(stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


@require_safe
def calendar_feed(request):
    """Upcoming meetings and open or upcoming comment windows as an iCalendar feed, in the
    language of the URL (two queries whatever the number of events)."""
    text = calendar_text(host=request.get_host().split(":")[0], absolute=request.build_absolute_uri)
    response = HttpResponse(text.encode(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response
