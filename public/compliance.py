"""The OGP minimum requirements of one plan, each computed from the portal's own data.

Participation and Co-Creation Standards (2021), as DESIGN.md lists them. Each check gives a
verdict (met / not met / not yet due), the figure it rests on, and links to its evidence
(published minutes, public documents, comment windows). Only public facts are used: a
meeting counts once its minutes are published, a document once it is public, so anyone
can follow the links and check the figure.

With the checks comes the attendance of each forum meeting counted (government and
non-government members present, as counts and shares), flagged when no one from outside
government attended: such a meeting is not a meeting "with civil society".
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commitments.models import IRMFinding
from consultations.models import DEFAULT_WINDOW_DAYS, CommentWindow, ModerationState
from core.dates import local_day
from meetings.calendar_rules import MeetingDeadlines, forum_overdue, meeting_deadlines
from meetings.models import AttendanceShares, Meeting
from plans.models import ActionPlan, Document, DocumentKind

MET, NOT_MET, NOT_YET_DUE = "met", "not_met", "not_yet_due"
VERDICT_LABELS = {MET: _("Met"), NOT_MET: _("Not met"), NOT_YET_DUE: _("Not yet due")}

FORUM_GAP_DAYS = 183  # "at least every 6 months"
MEETINGS_PER_YEAR = 2
TIMELINE_LEAD_DAYS = 14
REPOSITORY_UPDATES_PER_YEAR = 2
YEAR = datetime.timedelta(days=365)


@dataclass
class Evidence:
    label: str
    url: str
    date: datetime.date | None = None


@dataclass
class Check:
    key: str
    rule: str
    verdict: str
    figure: str
    evidence: list[Evidence] = field(default_factory=list)
    # The IRM's own findings on this requirement (`commitments.IRMFinding`), beside ours.
    irm_findings: list = field(default_factory=list)

    @property
    def verdict_label(self):
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class HeldMeeting:
    """A forum meeting with published minutes and the day it was held (local time); the
    meeting is read with `Meeting.objects.with_attendance_shares()`."""

    meeting: Meeting
    day: datetime.date

    @property
    def shares(self) -> AttendanceShares:
        return self.meeting.attendance_shares

    @property
    def link(self) -> Evidence:
        return Evidence(self.meeting.title, self.meeting.get_absolute_url(), self.day)


@dataclass
class CalendarRow:
    """One forum meeting of the plan held by today, with its two deadlines
    (`meetings.calendar_rules`); `link` only when its minutes are public."""

    title: str
    deadlines: MeetingDeadlines
    link: str = ""


@dataclass
class ForumCalendar:
    """The forum's calendar as kept: each meeting's agenda and minutes dates, and each
    stretch of more than 5 months without a meeting (start, end, days)."""

    rows: list[CalendarRow]
    gaps: list[tuple[datetime.date, datetime.date, int]]

    @property
    def late_agendas(self) -> int:
        return sum(row.deadlines.agenda_late for row in self.rows)

    @property
    def late_minutes(self) -> int:
        return sum(row.deadlines.minutes_late for row in self.rows)


@dataclass
class Compliance:
    checks: list[Check]
    meetings: list[HeldMeeting]
    calendar: ForumCalendar | None = None

    @property
    def met(self) -> int:
        return sum(check.verdict == MET for check in self.checks)

    @property
    def bodies(self) -> list:
        """The forum bodies the meetings were held by, in order (usually just one)."""
        return list({row.meeting.body_id: row.meeting.body for row in self.meetings}.values())

    @property
    def without_non_government(self) -> int:
        return sum(row.shares.no_non_government for row in self.meetings)


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def co_creation_start(stage_days) -> datetime.date | None:
    """The day co-creation started: the earliest actual start (or end) of a stage, from
    (actual_start, actual_end) pairs."""
    days = [start or end for start, end in stage_days]
    days = [day for day in days if day]
    return min(days) if days else None


def yearly_periods(start: datetime.date, end: datetime.date):
    """Whole 12-month periods from `start` that ended by `end`."""
    periods = []
    while start + YEAR <= end:
        periods.append((start, start + YEAR))
        start += YEAR
    return periods


def plan_compliance(plan: ActionPlan, today: datetime.date | None = None) -> list[Check]:
    """The six checks alone (see `compliance_report`)."""
    return compliance_report(plan, today).checks


def compliance_report(plan: ActionPlan, today: datetime.date | None = None) -> Compliance:
    """Six checks and the forum meetings' attendance in a fixed number of queries: the
    stages, the forum's published minutes with who was present counted by sector, the
    public documents, the public windows with their comments counted, the IRM's findings
    and the forum's calendar."""
    today = today or timezone.localdate()
    started = co_creation_start(plan.stages.values_list("actual_start", "actual_end"))
    documents = [
        (local_date(document.published_at), document)
        for document in Document.objects.public()
        .filter(plan=plan)
        .only("kind", "title_ar", "title_en", "published_at", "file", "url")
        .order_by("published_at")
    ]
    windows = list(
        CommentWindow.objects.public()
        .filter(plan=plan)
        .for_links()
        .annotate(
            published_comments=Count(
                "comments", filter=Q(comments__state=ModerationState.PUBLISHED)
            ),
            answered_comments=Count(
                "comments",
                filter=Q(
                    comments__state=ModerationState.PUBLISHED,
                    comments__response__published_at__isnull=False,
                ),
            ),
        )
        .order_by("opens_at")
    )
    forum = forum_with_shares(plan)
    minutes = [
        HeldMeeting(meeting, day)
        for meeting in forum
        if meeting.is_published and (day := local_date(meeting.starts_at)) <= today
    ]
    window_links = [
        Evidence(window.title, window.get_absolute_url(), local_date(window.opens_at))
        for window in windows
    ]
    checks = [
        forum_regularity(plan, started, minutes, today),
        implementation_meetings(plan, minutes, today),
        timeline_published(started, documents),
        window_lengths(windows, window_links),
        comments_answered(windows, window_links, today),
        repository_updates(plan, started, documents, minutes, today),
    ]
    irm_findings(plan, checks)
    return Compliance(checks, minutes, forum_calendar(plan, forum, today))


def forum_with_shares(plan: ActionPlan) -> list[Meeting]:
    """Every forum meeting of `plan`, oldest first, with who was present counted by sector,
    in one query for the checks (those with published minutes: `plan` is one of the site's
    public plans, so these are its public minutes, `Meeting.objects.public()`) and for the
    calendar (all of them)."""
    return list(
        Meeting.objects.of_forum(plan)
        .select_related("body")
        .only(
            "title_ar",
            "title_en",
            "starts_at",
            "agenda_published_at",
            "minutes_published_at",
            "minutes_state",
            "body__name_ar",
            "body__name_en",
        )
        .with_attendance_shares()
        .order_by("starts_at", "pk")
    )


def irm_findings(plan: ActionPlan, checks: list[Check]) -> None:
    """Set beside each check the IRM's findings on the same requirement (one query)."""
    by_key = {check.key: check for check in checks}
    findings = (
        IRMFinding.objects.filter(report__plan_id=plan.pk)
        .select_related("report")
        .order_by("report__published_on", "pk")
    )
    for finding in findings:
        check = by_key.get(finding.requirement)
        if check is not None:
            check.irm_findings.append(finding)


def forum_calendar(
    plan: ActionPlan, meetings: list[Meeting], today: datetime.date
) -> ForumCalendar:
    """The forum's calendar of `plan` by `today`, from its forum meetings (`forum_with_shares`).
    A public plan's meeting dates are public (the calendar feed lists them), whatever the
    state of their minutes; only published minutes are linked, and the title of a meeting
    whose minutes are not out stays in the workspace."""
    rows = []
    for meeting in meetings:
        if local_day(meeting.starts_at) > today:
            continue
        published = meeting.is_published
        deadlines = meeting_deadlines(
            meeting.starts_at,
            meeting.agenda_published_at,
            meeting.minutes_published_at if published else None,
            today,
        )
        if published:
            rows.append(CalendarRow(meeting.title, deadlines, meeting.get_absolute_url()))
        else:
            rows.append(CalendarRow("", deadlines))
    gaps = []
    if plan.starts_on <= today:
        days = [plan.starts_on, *(row.deadlines.day for row in rows), min(today, plan.ends_on)]
        days = sorted(day for day in days if day >= plan.starts_on)
        for earlier, later in zip(days, days[1:], strict=False):
            if forum_overdue((later - earlier).days):
                gaps.append((earlier, later, (later - earlier).days))
    return ForumCalendar(rows, gaps)


def meeting_evidence(rows) -> list[Evidence]:
    return [row.link for row in rows]


def forum_regularity(plan, started, minutes, today) -> Check:
    rule = _("The multi-stakeholder forum meets at least every 6 months.")
    start = started or plan.starts_on
    end = min(today, plan.ends_on)
    if start > today:
        return Check("forum", rule, NOT_YET_DUE, _("Co-creation has not started."))
    days = [start] + [row.day for row in minutes if row.day >= start] + [end]
    longest = max((later - earlier).days for earlier, later in zip(days, days[1:], strict=False))
    count = len(days) - 2
    figure = ngettext(
        "%(count)d forum meeting with published minutes; longest gap %(gap)d days.",
        "%(count)d forum meetings with published minutes; longest gap %(gap)d days.",
        count,
    ) % {"count": count, "gap": longest}
    if longest > FORUM_GAP_DAYS:
        verdict = NOT_MET
    elif count == 0:
        verdict = NOT_YET_DUE
    else:
        verdict = MET
    return Check("forum", rule, verdict, figure, meeting_evidence(minutes))


def implementation_meetings(plan, minutes, today) -> Check:
    """Forum meetings in each year of implementation; a meeting whose attendance shows no
    one from outside government is not a meeting with civil society and does not count (a
    meeting with no attendance recorded counts: the minutes are the evidence)."""
    rule = _("At least 2 forum meetings a year with civil society during implementation.")
    periods = yearly_periods(plan.starts_on, min(today, plan.ends_on))
    in_period = [row for row in minutes if plan.starts_on <= row.day <= plan.ends_on]
    during = [row for row in in_period if not row.shares.no_non_government]
    left_out = len(in_period) - len(during)
    counts = [sum(1 for row in during if start <= row.day < end) for start, end in periods]
    if not periods:
        so_far = len(during)
        figure = ngettext(
            "%(count)d meeting so far; the first year of implementation is not over.",
            "%(count)d meetings so far; the first year of implementation is not over.",
            so_far,
        ) % {"count": so_far}
        verdict = NOT_YET_DUE
    else:
        figure = _("Meetings in each year of implementation: %(counts)s.") % {
            "counts": ", ".join(str(count) for count in counts)
        }
        verdict = MET if min(counts) >= MEETINGS_PER_YEAR else NOT_MET
    if left_out:
        figure += " " + ngettext(
            "%(count)d meeting with no one present from outside government is not counted.",
            "%(count)d meetings with no one present from outside government are not counted.",
            left_out,
        ) % {"count": left_out}
    return Check("implementation", rule, verdict, figure, meeting_evidence(during))


def timeline_published(started, documents) -> Check:
    """`documents`: (day published, document) pairs."""
    rule = _("The timeline is published at least 2 weeks before co-creation starts.")
    timelines = [(day, doc) for day, doc in documents if doc.kind == DocumentKind.TIMELINE]
    evidence = [Evidence(doc.title, doc.address, day) for day, doc in timelines]
    if not timelines:
        if started is None:
            return Check("timeline", rule, NOT_YET_DUE, _("Co-creation has not started."))
        return Check("timeline", rule, NOT_MET, _("No timeline has been published."))
    first = evidence[0].date
    if started is None:
        return Check(
            "timeline", rule, NOT_YET_DUE, _("Published; co-creation has not started."), evidence
        )
    lead = (started - first).days
    figure = _("Published %(days)d days before co-creation started.") % {"days": lead}
    verdict = MET if lead >= TIMELINE_LEAD_DAYS else NOT_MET
    return Check("timeline", rule, verdict, figure, evidence)


def window_days(window: CommentWindow) -> int:
    return (local_date(window.closes_at) - local_date(window.opens_at)).days


def window_lengths(windows, links) -> Check:
    """`links`: each window's Evidence, in the same order."""
    rule = _("Every public comment window is open at least %(days)d days.") % {
        "days": DEFAULT_WINDOW_DAYS
    }
    evidence = list(links)
    if not windows:
        return Check("windows", rule, NOT_YET_DUE, _("No public comment window yet."))
    shortest = min(window_days(window) for window in windows)
    figure = ngettext(
        "%(count)d window; the shortest is %(days)d days.",
        "%(count)d windows; the shortest is %(days)d days.",
        len(windows),
    ) % {"count": len(windows), "days": shortest}
    verdict = MET if shortest >= DEFAULT_WINDOW_DAYS else NOT_MET
    return Check("windows", rule, verdict, figure, evidence)


def comments_answered(windows, links, today) -> Check:
    """`links`: each window's Evidence, in the same order."""
    rule = _("Every published comment receives a reasoned response.")
    published = sum(window.published_comments for window in windows)
    answered = sum(window.answered_comments for window in windows)
    evidence = [
        link for window, link in zip(windows, links, strict=True) if window.published_comments
    ]
    figure = _("%(answered)d of %(published)d published comments answered.") % {
        "answered": answered,
        "published": published,
    }
    closed_unanswered = any(
        window.answered_comments < window.published_comments
        and local_date(window.closes_at) <= today
        for window in windows
    )
    if closed_unanswered:
        verdict = NOT_MET
    elif published == 0 or answered < published:
        verdict = NOT_YET_DUE
    else:
        verdict = MET
    return Check("responses", rule, verdict, figure, evidence)


def repository_updates(plan, started, documents, minutes, today) -> Check:
    """`documents`: (day published, document) pairs."""
    rule = _("The online repository is updated at least twice a year.")
    days = sorted([day for day, _doc in documents] + [row.day for row in minutes])
    start = started or plan.starts_on
    periods = yearly_periods(start, min(today, plan.ends_on))
    evidence = [Evidence(doc.title, doc.address, day) for day, doc in reversed(documents[-5:])]
    latest = days[-1] if days else None
    if not periods:
        figure = ngettext(
            "%(count)d update so far; the first year is not over.",
            "%(count)d updates so far; the first year is not over.",
            len(days),
        ) % {"count": len(days)}
        return Check("repository", rule, NOT_YET_DUE, figure, evidence)
    counts = [sum(1 for day in days if begin <= day < end) for begin, end in periods]
    figure = _("Updates in each year: %(counts)s; latest %(latest)s.") % {
        "counts": ", ".join(str(count) for count in counts),
        "latest": latest.isoformat() if latest else "–",
    }
    verdict = MET if min(counts) >= REPOSITORY_UPDATES_PER_YEAR else NOT_MET
    return Check("repository", rule, verdict, figure, evidence)
