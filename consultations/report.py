"""The report of a window, "you said, we did": every published comment with its published
response, grouped by commitment, the counts behind the charts, and the CSV / XLSX / PDF
downloads. Hidden and pending comments, and responses not yet published, are never in it.

Two queries whatever the window's size: the window, then its published comments with their
commitment, milestone and response. Counts are made in Python from that one list.
"""

import dataclasses
import datetime
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.spreadsheets import csv_bytes, xlsx_bytes
from plans.parts import day, raw_text, text

from .models import Comment, CommentWindow


@dataclasses.dataclass
class Bar:
    label: str
    count: int
    percent: int  # of the longest bar in its chart, for the drawing
    offset: int = 0  # where the bar starts in a right-to-left drawing (100 - percent)


@dataclasses.dataclass
class Chart:
    key: str
    title: str
    bars: list[Bar]


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def bars(counter: Counter, *, most_first: bool = False) -> list[Bar]:
    """The bars of a chart: in the counter's order (commitments, days) or most first."""
    items = counter.most_common() if most_first else list(counter.items())
    longest = max((count for _label, count in items), default=0) or 1
    result = []
    for label, count in items:
        percent = round(100 * count / longest)
        result.append(Bar(label=str(label), count=count, percent=percent, offset=100 - percent))
    return result


def commitment_label(commitment) -> str:
    if commitment is None:
        return _("The plan in general")
    return _("Commitment %(number)s") % {"number": commitment.number}


def published_comments(window: CommentWindow) -> list[Comment]:
    comments = list(
        Comment.objects.filter(window=window)
        .published()
        .select_related("commitment", "milestone", "response")
        .order_by("commitment__number", "created_at", "pk")
    )
    for comment in comments:
        comment.report_response = comment.public_response
    return comments


def group_order(comment) -> tuple:
    """The plan in general first, then the commitments in order."""
    commitment = comment.commitment
    return (commitment is not None, commitment.number if commitment else 0)


def report_charts(comments: list[Comment]) -> list[Chart]:
    """The counts behind the charts, from the published comments (no query)."""
    not_given = _("Not given")
    by_day = Counter(local_day(comment.created_at) for comment in comments)
    sectors = Counter(c.get_sector_display() if c.sector else not_given for c in comments)
    regions = Counter(c.get_region_display() if c.region else not_given for c in comments)
    channels = Counter(c.get_channel_display() for c in comments)
    by_commitment = Counter(
        commitment_label(comment.commitment) for comment in sorted(comments, key=group_order)
    )
    return [
        Chart(
            "commitment",
            _("Comments by commitment"),
            bars(by_commitment),
        ),
        Chart("sector", _("Comments by sector"), bars(sectors, most_first=True)),
        Chart("region", _("Comments by governorate"), bars(regions, most_first=True)),
        Chart("channel", _("Comments by channel"), bars(channels, most_first=True)),
        Chart(
            "day",
            _("Comments by day received"),
            bars(
                Counter(
                    {date_format(day, "SHORT_DATE_FORMAT"): by_day[day] for day in sorted(by_day)}
                )
            ),
        ),
    ]


def report_comment(comment: Comment) -> dict:
    response = comment.public_response
    return {
        "tracking": comment.tracking_number,
        "name": comment.public_name,
        "milestone": comment.milestone.number if comment.milestone else None,
        "part": comment.get_part_display() if comment.part != "general" else "",
        "channel": comment.get_channel_display(),
        "date": day(local_day(comment.created_at)),
        "body": raw_text(comment.public_body),
        "redacted": comment.is_redacted,
        "response": (
            {"outcome": response.get_outcome_display(), "reason": text(response, "reason")}
            if response
            else None
        ),
    }


def report_part(window: CommentWindow, comments: list[Comment], *, charts=None) -> dict:
    """The report as plain data (JSON) in the active language: what the page, its PDF and
    annex B of the plan document print with templates/consultations/_report_body.html
    (registered in `ConsultationsConfig.ready`, see `plans.parts`). `comments`: the
    window's published comments with their commitment, milestone and response."""
    groups: list[dict] = []
    for comment in sorted(comments, key=group_order):
        commitment = comment.commitment
        number = commitment.number if commitment else None
        if not groups or groups[-1]["commitment"] != number:
            groups.append(
                {
                    "commitment": number,
                    "title": text(commitment, "title") if commitment else None,
                    "comments": [],
                }
            )
        groups[-1]["comments"].append(report_comment(comment))
    return {
        "window": window.pk,
        "title": text(window, "title"),
        "opens": day(local_day(window.opens_at)),
        "last_day": day(window.last_day) if window.closes_at else "",
        "total": len(comments),
        "answered": sum(1 for comment in comments if comment.public_response is not None),
        "charts": [
            dataclasses.asdict(chart)
            for chart in (report_charts(comments) if charts is None else charts)
        ],
        "groups": groups,
    }


def report_context(window: CommentWindow) -> dict:
    comments = published_comments(window)
    charts = report_charts(comments)
    return {
        "window": window,
        "plan": window.plan,
        "charts": charts,
        "report": report_part(window, comments, charts=charts),
    }


def report_rows(window: CommentWindow) -> tuple[list[str], list[list]]:
    """The spreadsheet of the report: one row per published comment."""
    headers = [
        _("Tracking number"),
        _("Received"),
        _("Channel"),
        _("Commitment"),
        _("Part"),
        _("Milestone"),
        _("Name"),
        _("Sector"),
        _("Governorate"),
        _("Comment"),
        _("Redacted"),
        _("Outcome"),
        _("Reason (Arabic)"),
        _("Reason (English)"),
        _("Response published"),
    ]
    rows = []
    for comment in published_comments(window):
        response = comment.report_response
        rows.append(
            [
                comment.tracking_number,
                local_day(comment.created_at),
                comment.get_channel_display(),
                comment.commitment.number if comment.commitment else "",
                comment.get_part_display(),
                comment.milestone.number if comment.milestone else "",
                comment.public_name,
                comment.get_sector_display() if comment.sector else "",
                comment.get_region_display() if comment.region else "",
                comment.public_body,
                _("yes") if comment.is_redacted else "",
                response.get_outcome_display() if response else "",
                response.reason_ar if response else "",
                response.reason_en if response else "",
                local_day(response.published_at) if response else "",
            ]
        )
    return headers, rows


def report_csv(window: CommentWindow) -> bytes:
    headers, rows = report_rows(window)
    return csv_bytes(headers, rows)


def report_xlsx(window: CommentWindow, *, right_to_left: bool) -> bytes:
    headers, rows = report_rows(window)
    return xlsx_bytes([(_("Comments"), headers, rows)], right_to_left=right_to_left)
