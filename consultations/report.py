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

from ogp_portal.spreadsheets import csv_bytes, xlsx_bytes

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


@dataclasses.dataclass
class Group:
    commitment: object  # Commitment or None (the plan in general)
    comments: list


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


def report_context(window: CommentWindow) -> dict:
    comments = published_comments(window)
    groups: list[Group] = []
    for comment in comments:
        if not groups or groups[-1].commitment != comment.commitment:
            groups.append(Group(commitment=comment.commitment, comments=[]))
        groups[-1].comments.append(comment)
    # The plan in general first, then the commitments in order.
    groups.sort(
        key=lambda group: (group.commitment is not None, getattr(group.commitment, "number", 0))
    )
    not_given = _("Not given")
    by_day = Counter(local_day(comment.created_at) for comment in comments)
    sectors = Counter(c.get_sector_display() if c.sector else not_given for c in comments)
    regions = Counter(c.get_region_display() if c.region else not_given for c in comments)
    channels = Counter(c.get_channel_display() for c in comments)
    charts = [
        Chart(
            "commitment",
            _("Comments by commitment"),
            bars(Counter(commitment_label(g.commitment) for g in groups for _c in g.comments)),
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
    answered = sum(1 for comment in comments if comment.report_response is not None)
    return {
        "window": window,
        "plan": window.plan,
        "groups": groups,
        "charts": charts,
        "total": len(comments),
        "answered": answered,
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
