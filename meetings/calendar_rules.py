"""The forum's calendar as the OGP standard keeps it: a meeting at least every 6 months
(the portal warns after 5), the agenda published at least 7 days before a meeting and the
minutes within 14 days after it. Days are counted in Amman time (`TIME_ZONE`), so a
meeting at 00:30 on the 10th is a meeting of the 10th whatever the server's clock.

These are the only definitions of the three deadlines: the meeting page prints them, the
workspace dashboard warns from them and the compliance page records them.
"""

import datetime
from dataclasses import dataclass

from core.dates import local_day

FORUM_WARNING_DAYS = 150  # 5 months: time to hold a meeting before the 6 are up
AGENDA_LEAD_DAYS = 7
MINUTES_WITHIN_DAYS = 14

ON_TIME, LATE, DUE, NOT_YET = "on_time", "late", "due", "not_yet"


def agenda_due_on(starts_at: datetime.datetime) -> datetime.date:
    """The last day the agenda may be published: 7 days before the meeting's day."""
    return local_day(starts_at) - datetime.timedelta(days=AGENDA_LEAD_DAYS)


def minutes_due_on(starts_at: datetime.datetime) -> datetime.date:
    """The last day the minutes may be published: 14 days after the meeting's day."""
    return local_day(starts_at) + datetime.timedelta(days=MINUTES_WITHIN_DAYS)


def deadline_state(
    due_on: datetime.date, done_at: datetime.datetime | None, today: datetime.date
) -> str:
    """ON_TIME or LATE once done; otherwise NOT_YET before the last day, DUE on it, LATE
    after it."""
    if done_at is not None:
        return ON_TIME if local_day(done_at) <= due_on else LATE
    if today < due_on:
        return NOT_YET
    return DUE if today == due_on else LATE


def agenda_state(starts_at, agenda_published_at, today: datetime.date) -> str:
    return deadline_state(agenda_due_on(starts_at), agenda_published_at, today)


def minutes_state(starts_at, minutes_published_at, today: datetime.date) -> str:
    return deadline_state(minutes_due_on(starts_at), minutes_published_at, today)


def days_without_meeting(
    held: list[datetime.datetime], since: datetime.date, today: datetime.date
) -> int:
    """Days from the last forum meeting held by `today` (or from `since`, the start of the
    count, when none was) to `today`."""
    days = [day for day in map(local_day, held) if day <= today]
    last = max([since, *days])
    return max((today - last).days, 0)


def forum_overdue(days: int) -> bool:
    """Whether the forum has gone 5 months without meeting: day 150 is still in time,
    day 151 is not."""
    return days > FORUM_WARNING_DAYS


@dataclass
class MeetingDeadlines:
    """One forum meeting's two deadlines and where each stands."""

    day: datetime.date
    agenda_due_on: datetime.date
    agenda_published_on: datetime.date | None
    agenda: str
    minutes_due_on: datetime.date
    minutes_published_on: datetime.date | None
    minutes: str

    @property
    def agenda_late(self) -> bool:
        return self.agenda == LATE

    @property
    def minutes_late(self) -> bool:
        return self.minutes == LATE


def meeting_deadlines(
    starts_at, agenda_published_at, minutes_published_at, today: datetime.date
) -> MeetingDeadlines:
    return MeetingDeadlines(
        day=local_day(starts_at),
        agenda_due_on=agenda_due_on(starts_at),
        agenda_published_on=local_day(agenda_published_at) if agenda_published_at else None,
        agenda=agenda_state(starts_at, agenda_published_at, today),
        minutes_due_on=minutes_due_on(starts_at),
        minutes_published_on=local_day(minutes_published_at) if minutes_published_at else None,
        minutes=minutes_state(starts_at, minutes_published_at, today),
    )


FORUM_GAP, AGENDA, MINUTES = "forum_gap", "agenda", "minutes"


@dataclass
class CalendarWarning:
    """Something to do now to keep the forum's calendar: hold a meeting (FORUM_GAP), publish
    an upcoming meeting's agenda (AGENDA) or a held meeting's minutes (MINUTES). `state` is
    DUE on the last day, LATE after it; `link` is filled by the page that shows it."""

    kind: str
    state: str
    due_on: datetime.date | None = None
    days: int = 0
    meeting: object = None
    link: str = ""

    @property
    def is_late(self) -> bool:
        return self.state == LATE


def calendar_warnings(meetings, *, since: datetime.date, today: datetime.date):
    """The warnings for the forum's `meetings` (each with `starts_at`, `agenda_published_at`
    and `minutes_published_at`), counting the months without a meeting from `since` (the
    plan's start); none before `since`. Only what is still undone warns: an agenda for a
    meeting still to come (a late agenda of a past meeting is a record, not work), minutes
    for a meeting held."""
    meetings = sorted(meetings, key=lambda meeting: meeting.starts_at)
    warnings = []
    if since <= today:
        days = days_without_meeting([m.starts_at for m in meetings], since, today)
        if forum_overdue(days):
            warnings.append(CalendarWarning(FORUM_GAP, LATE, days=days))
    for meeting in meetings:
        day = local_day(meeting.starts_at)
        if day >= today and meeting.agenda_published_at is None:
            state = agenda_state(meeting.starts_at, None, today)
            if state in (DUE, LATE):
                warnings.append(
                    CalendarWarning(AGENDA, state, agenda_due_on(meeting.starts_at), 0, meeting)
                )
        if day <= today and meeting.minutes_published_at is None:
            state = minutes_state(meeting.starts_at, None, today)
            if state in (DUE, LATE):
                warnings.append(
                    CalendarWarning(MINUTES, state, minutes_due_on(meeting.starts_at), 0, meeting)
                )
    return warnings
