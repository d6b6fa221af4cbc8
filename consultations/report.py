"""The report of a window, "you said, we did": one row per campaign group or single
comment (its representative quote, how many comments, through which channels, the campaign
mark, the themes, the disposition and its public reason, the commitment or milestone, and
what changed in that commitment between the draft and now), the counts behind the charts,
and the CSV / XLSX / PDF downloads. Hidden and pending comments, and responses not yet
published, are never in it.

The page is paginated and filtered (theme, disposition, commitment) in SQL: a fixed number
of queries whatever the window's size, and only the rows of one page are read. What the
page shows of the whole window (totals, groups, charts) is counted by the database in two
grouped queries, counted again by each write that changes them and kept in between
(`window_figures`, `figures_changed`). The
downloads and the PDFs (the report's own and annex B of the plan document) hold every row.
"""

import dataclasses
import datetime
import functools
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from commitments.models import Commitment, HistoricalCommitment
from commitments.views import PUBLIC_TEXT_NAMES, label_of
from core.dates import local_day
from core.diffs import changed
from core.i18n import bilingual_names
from core.links import links_by_plan
from core.numbers import query_int
from core.spreadsheets import csv_bytes, xlsx_bytes
from plans.models import Sector
from plans.parts import day, raw_text, text

from .figures import window_figures
from .models import (
    Channel,
    Comment,
    CommentPart,
    CommentWindow,
    ModerationState,
    Outcome,
    Region,
    Theme,
)

REPORT_PER_PAGE = 25


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


@functools.lru_cache(maxsize=2048)
def day_in(value: datetime.date, language: str) -> str:
    """`plans.parts.day` once per date and language: a report of 10,000 comments has a
    few dozen distinct days."""
    return day(value)


def day_label(value: datetime.date) -> str:
    return day_in(value, get_language())


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


def number_label(number) -> str:
    if number is None:
        return _("The plan in general")
    return _("Commitment %(number)s") % {"number": number}


# What a row of the report and of its spreadsheets reads of a comment, its milestone and its
# response: a 10,000-comment download turns every one of them into objects.
REPORT_COLUMNS = (
    "window",
    "commitment",
    "part",
    "milestone__number",
    "body",
    "redacted_body",
    "author_name",
    "show_name",
    "sector",
    "region",
    "channel",
    "tracking_number",
    "state",
    "created_at",
    "group",
    "source_event",
    "source_date",
    "source_place",
    "taken_down_by",
    "response__outcome",
    "response__reason_ar",
    "response__reason_en",
    "response__published_at",
)


def published_comments(window: CommentWindow) -> list[Comment]:
    """Every published comment of the window with what its report row needs, in four
    queries whatever their number (`with_report_parts`)."""
    comments = list(
        Comment.objects.filter(window=window)
        .published()
        .select_related("milestone", "response")
        .only(*REPORT_COLUMNS)
        .order_by("commitment__number", "created_at", "pk")
    )
    themes = Theme.objects.filter(window=window)
    return with_report_parts(
        comments, themes, Comment.themes.through.objects.filter(comment__window=window)
    )


def report_commitments():
    """The commitments as a report row reads them: number, title and the public texts
    compared with the draft (`draft_changes_summary`), and their plan's number."""
    return Commitment.objects.select_related("plan").only(
        "number", "is_published", "plan__number", *bilingual_names(PUBLIC_TEXT_NAMES)
    )


def with_report_parts(comments: list[Comment], themes, tagged, commitments=None) -> list[Comment]:
    """`comments` with their commitments and theme names attached: the commitments (long
    bilingual texts) and the themes are read once each, not joined to every comment.
    `themes`: the window's; `tagged`: the comment-theme pairs to read; `commitments`: the
    comments' commitments by id when already read (`report_commitments`)."""
    if commitments is None:
        commitments = report_commitments().in_bulk(
            {comment.commitment_id for comment in comments if comment.commitment_id}
        )
    names_of = {theme.pk: theme.name for theme in themes}
    names: dict[int, list[str]] = {}
    for comment_pk, theme_pk in tagged.values_list("comment_id", "theme_id"):
        names.setdefault(comment_pk, []).append(names_of[theme_pk])
    for comment in comments:
        if comment.commitment_id:
            comment.commitment = commitments[comment.commitment_id]
        comment.theme_names = sorted(names.get(comment.pk, ()))
        comment.report_response = comment.public_response
    return comments


def theme_names(comment: Comment) -> list[str]:
    """The comment's themes: read with the window's (`published_comments`), else from a
    prefetch (the plan document's comments)."""
    if hasattr(comment, "theme_names"):
        return comment.theme_names
    return sorted(theme.name for theme in comment.themes.all())


def group_order(comment) -> tuple:
    """The plan in general first, then the commitments in order."""
    commitment = comment.commitment
    return (commitment is not None, commitment.number if commitment else 0)


def charts_from_counts(
    *, by_commitment, sectors, regions, channels, by_day: dict[datetime.date, int]
) -> list[Chart]:
    return [
        Chart("commitment", _("Comments by commitment"), bars(by_commitment)),
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


def chart_data(chart: Chart) -> dict:
    """A chart as plain data (JSON), as `dataclasses.asdict` gives it, without its deep
    copy of every value."""
    return {
        "key": chart.key,
        "title": chart.title,
        "bars": [
            {"label": bar.label, "count": bar.count, "percent": bar.percent, "offset": bar.offset}
            for bar in chart.bars
        ],
    }


def report_charts(comments: list[Comment]) -> list[Chart]:
    """The counts behind the charts, from a list of published comments (no query)."""
    not_given = _("Not given")
    return charts_from_counts(
        by_commitment=Counter(
            commitment_label(comment.commitment) for comment in sorted(comments, key=group_order)
        ),
        sectors=Counter(label(Sector, c.sector) if c.sector else not_given for c in comments),
        regions=Counter(label(Region, c.region) if c.region else not_given for c in comments),
        channels=Counter(label(Channel, c.channel) for c in comments),
        by_day=Counter(local_day(comment.created_at) for comment in comments),
    )


# --- What changed in a commitment between the draft and now -------------------------------


def draft_changes_summary(commitments) -> dict[int, dict]:
    """{commitment pk: {"fields": labels of the public text changed since it was first
    published (the draft put to consultation), "url": its changes page}} in one query.
    The changes page shows every difference, the milestones' too."""
    commitments = {commitment.pk: commitment for commitment in commitments if commitment}
    if not commitments:
        return {}
    first_rows = {}
    history = (
        HistoricalCommitment.objects.filter(id__in=list(commitments), is_published=True)
        .order_by("id", "history_date", "history_id")
        .only("id", *bilingual_names(PUBLIC_TEXT_NAMES))
    )
    for row in history:
        first_rows.setdefault(row.id, row)
    # The changes page of each published commitment with a draft, reversed once per plan.
    urls = dict(
        links_by_plan(
            "commitments:changes",
            [c for pk, c in commitments.items() if c.is_published and pk in first_rows],
        )
    )
    summary = {}
    for pk, commitment in commitments.items():
        first = first_rows.get(pk)
        fields = []
        if first is not None:
            for name in PUBLIC_TEXT_NAMES:
                for code in ("ar", "en"):
                    field = f"{name}_{code}"
                    before = str(getattr(first, field) or "")
                    if changed(before, str(getattr(commitment, field) or "")):
                        fields.append(label_of(Commitment, field))
        summary[pk] = {
            "fields": fields,
            "url": urls.get(commitment, ""),
            "published": first is not None,
        }
    return summary


# --- Rows: one per campaign group or single comment ---------------------------------------


@functools.lru_cache(maxsize=64)
def choice_labels(choices, language: str) -> dict[str, str]:
    """The labels of a set of choices in one language, built once per process: a model's
    `get_<field>_display()` translates every label of the field anew on each call."""
    return {value: str(text) for value, text in choices.choices}


def label(choices, value) -> str:
    """`value`'s label in the reader's language (the value itself when unknown), as
    `get_<field>_display()` gives it."""
    return choice_labels(choices, get_language()).get(value, value)


def channel_labels() -> dict[str, str]:
    return choice_labels(Channel, get_language())


def source_label(comment: Comment) -> str:
    """Where a comment received off the site came from, in the reader's language."""
    parts = [
        value
        for value in (
            comment.source_event,
            comment.source_place,
            day(comment.source_date) if comment.source_date else "",
        )
        if value
    ]
    label = ("، " if get_language().startswith("ar") else ", ").join(parts)
    if comment.taken_down_by:
        label = (
            _("%(source)s; taken down by %(name)s")
            % {"source": label, "name": comment.taken_down_by}
            if label
            else _("taken down by %(name)s") % {"name": comment.taken_down_by}
        )
    return label


def report_row(
    comment: Comment,
    *,
    size: int,
    channels: list[str],
    themes: list[str],
    first: datetime.datetime,
    last: datetime.datetime,
    changes: dict,
) -> dict:
    """One row of the report as plain data (JSON): `comment` is the first published comment
    of its group (or the single comment)."""
    response = comment.public_response
    commitment = comment.commitment
    change = changes.get(commitment.pk) if commitment else None
    return {
        "key": f"g{comment.group_id}" if comment.group_id and size > 1 else f"c{comment.pk}",
        "cluster": comment.group_id if size > 1 else None,
        "tracking": comment.tracking_number,
        "quote": raw_text(comment.public_body),
        "redacted": comment.is_redacted,
        "name": comment.public_name if size == 1 else "",
        "count": size,
        "campaign": size > 1,
        "channels": channels,
        "source": source_label(comment) if size == 1 and comment.is_offline else "",
        "themes": themes,
        "first": day_label(local_day(first)),
        "last": day_label(local_day(last)),
        "commitment": commitment.number if commitment else None,
        "commitment_title": text(commitment, "title") if commitment else None,
        "milestone": comment.milestone.number if comment.milestone else None,
        "part": label(CommentPart, comment.part) if comment.part != "general" else "",
        "outcome": label(Outcome, response.outcome) if response else "",
        "outcome_code": response.outcome if response else "",
        "reason": text(response, "reason") if response else None,
        "reason_ar": response.reason_ar if response else "",
        "reason_en": response.reason_en if response else "",
        "changed_fields": change["fields"] if change else [],
        "changes_url": change["url"] if change else "",
        "has_draft": bool(change and change["published"]),
    }


def rows_from_comments(comments: list[Comment]) -> list[dict]:
    """Every row of the report from the window's published comments (no query beyond the
    changes summary): the plan in general first, then the commitments, larger groups
    first, then by first arrival."""
    labels = channel_labels()
    members: dict[object, list[Comment]] = {}
    for comment in sorted(comments, key=lambda c: (c.created_at, c.pk)):
        members.setdefault(comment.group_id or f"c{comment.pk}", []).append(comment)
    changes = draft_changes_summary({c.commitment for c in comments if c.commitment})
    rows = []
    for group in members.values():
        first = group[0]
        themes = sorted({name for comment in group for name in theme_names(comment)})
        row = report_row(
            first,
            size=len(group),
            channels=sorted({labels[c.channel] for c in group}),
            themes=themes,
            first=first.created_at,
            last=group[-1].created_at,
            changes=changes,
        )
        row["members"] = [c.tracking_number for c in group]
        rows.append(row)
    rows.sort(
        key=lambda row: (row["commitment"] is not None, row["commitment"] or 0, -row["count"])
    )
    return rows


def report_part(window: CommentWindow, comments: list[Comment], *, charts=None) -> dict:
    """The report as plain data (JSON) in the active language: what its PDF and annex B of
    the plan document print with templates/consultations/_report_body.html (registered in
    `ConsultationsConfig.ready`, see `plans.parts`). `comments`: the window's published
    comments with their commitment, milestone, response and themes. Campaign groups print
    as one row each, which keeps the annex short."""
    rows = rows_from_comments(comments)
    return {
        "window": window.pk,
        "title": text(window, "title"),
        "opens": day(local_day(window.opens_at)),
        "last_day": day(window.last_day) if window.closes_at else "",
        "total": len(comments),
        "answered": sum(1 for comment in comments if comment.public_response is not None),
        "row_count": len(rows),
        "campaigns": sum(1 for row in rows if row["campaign"]),
        "charts": [
            chart_data(chart) for chart in (report_charts(comments) if charts is None else charts)
        ],
        "rows": rows,
    }


def report_context(window: CommentWindow, params=None) -> dict:
    """The page's context: with `params` (the page's query string) one filtered page of
    rows, read in SQL; without, every row (the PDF)."""
    if params is None:
        comments = published_comments(window)
        charts = report_charts(comments)
        return {
            "window": window,
            "plan": window.plan,
            "charts": charts,
            "report": report_part(window, comments, charts=charts),
        }
    return report_page_context(window, params)


# --- The page: filtered, paginated, in SQL --------------------------------------------------


@dataclasses.dataclass
class Filters:
    theme: Theme | None = None
    disposition: str = ""  # an Outcome value, "none", or ""
    commitment: str = ""  # a commitment number, "general", or ""

    def query(self) -> str:
        return urlencode(
            {
                key: value
                for key, value in (
                    ("theme", self.theme.pk if self.theme else ""),
                    ("disposition", self.disposition),
                    ("commitment", self.commitment),
                )
                if value
            }
        )


def read_filters(window: CommentWindow, params, themes: list[Theme]) -> Filters:
    """The filters of the query string; an unknown value is ignored (the whole report)."""
    theme_pk = query_int(params.get("theme"))
    disposition = params.get("disposition", "")
    commitment = params.get("commitment", "")
    return Filters(
        theme=next((theme for theme in themes if theme.pk == theme_pk), None),
        disposition=disposition if disposition in (*Outcome.values, "none") else "",
        commitment=commitment
        if commitment == "general" or query_int(commitment) is not None
        else "",
    )


def row_queryset(window: CommentWindow, filters: Filters):
    """The report's rows as comments, filtered and in the report's order
    (`CommentQuerySet.report_rows`)."""
    rows = Comment.objects.filter(window=window).report_rows()
    if filters.theme is not None:
        rows = rows.filter(themes=filters.theme)
    if filters.disposition == "none":
        rows = rows.filter(Q(response__isnull=True) | Q(response__published_at__isnull=True))
    elif filters.disposition:
        rows = rows.filter(
            response__published_at__isnull=False, response__outcome=filters.disposition
        )
    if filters.commitment == "general":
        rows = rows.filter(commitment__isnull=True)
    elif filters.commitment:
        rows = rows.filter(commitment__number=int(filters.commitment))
    return rows.in_report_order()


def figures_summary(figures: dict) -> dict:
    """The totals and each group's tally from the window's figures."""
    total = answered = singles = 0
    groups = {}
    for tally in figures["tallies"]:
        total += tally["size"]
        answered += tally["answered"]
        if tally["group_id"] is None:
            singles = tally["size"]
        else:
            groups[tally["group_id"]] = tally
    return {
        "total": total,
        "answered": answered,
        # A group whose other members are not published shows as a single comment.
        "rows": singles + len(groups),
        "campaigns": sum(1 for tally in groups.values() if tally["size"] > 1),
        "groups": groups,
    }


def commented_commitments(figures: dict) -> set[int]:
    """The ids of the commitments the window's published comments are about."""
    return {
        int(value)
        for chart, value, _count in figures["counts"]
        if chart == "commitment" and value is not None
    }


def figures_charts(figures: dict, numbers: dict[int, int]) -> list[Chart]:
    """The charts from the window's counts, in the reader's language: the plan in general
    and the commitments in order (`numbers`: each commented commitment's number), the
    days in order, the rest most first (ties in the order of their stored values)."""
    values: dict[str, list] = {"commitment": [], "sector": [], "region": [], "channel": []}
    for chart, value, count in figures["counts"]:
        values[chart].append((value, count))
    by_commitment = Counter()
    for number, count in sorted(
        (
            (None if value is None else numbers[int(value)], count)
            for value, count in values["commitment"]
        ),
        key=lambda item: (item[0] is not None, item[0] or 0),
    ):
        by_commitment[number_label(number)] += count
    not_given = _("Not given")

    def labelled(chart: str, choices) -> Counter:
        return Counter(
            {
                label(choices, value) if value else not_given: count
                for value, count in sorted(values[chart], key=lambda item: item[0] or "")
            }
        )

    return charts_from_counts(
        by_commitment=by_commitment,
        sectors=labelled("sector", Sector),
        regions=labelled("region", Region),
        channels=labelled("channel", Channel),
        by_day=figures["days"],
    )


def page_comments(comments: list[Comment], themes: list[Theme], commitments: dict) -> list:
    """The comments of one page of rows with what their rows show (`with_report_parts`;
    `themes`: the window's; `commitments`: theirs, by id)."""
    if not comments:
        return comments
    tagged = Comment.themes.through.objects
    # A window without themes has no comment tagged: nothing to read.
    tagged = tagged.filter(comment_id__in=[c.pk for c in comments]) if themes else tagged.none()
    return with_report_parts(comments, themes, tagged, commitments)


def page_rows(window: CommentWindow, comments: list[Comment], groups: dict) -> list[dict]:
    """The rows of one page: `groups`, the window's group tallies (`figures_summary`); the
    page's groups' channels and themes in two queries, whatever the groups' sizes."""
    group_pks = [c.group_id for c in comments if groups.get(c.group_id, {}).get("size", 0) > 1]
    labels = channel_labels()
    channels: dict[int, set] = {}
    themes: dict[int, set] = {}
    if group_pks:  # a page of single comments has them all
        published = Comment.objects.filter(window=window).published().order_by()
        for group_pk, channel in (
            published.filter(group_id__in=group_pks).values_list("group_id", "channel").distinct()
        ):
            channels.setdefault(group_pk, set()).add(labels[channel])
        for theme in (
            Theme.objects.filter(
                comments__group_id__in=group_pks, comments__state=ModerationState.PUBLISHED
            )
            .annotate(group_pk=F("comments__group_id"))
            .distinct()
        ):
            themes.setdefault(theme.group_pk, set()).add(theme.name)
    changes = draft_changes_summary({c.commitment for c in comments if c.commitment})
    rows = []
    for comment in comments:
        tally = groups.get(comment.group_id)
        if tally is not None and tally["size"] > 1:
            rows.append(
                report_row(
                    comment,
                    size=tally["size"],
                    channels=sorted(channels[comment.group_id]),
                    themes=sorted(themes.get(comment.group_id, ())),
                    first=tally["first"],
                    last=tally["last"],
                    changes=changes,
                )
            )
        else:
            rows.append(
                report_row(
                    comment,
                    size=1,
                    channels=[labels[comment.channel]],
                    themes=comment.theme_names,
                    first=comment.created_at,
                    last=comment.created_at,
                    changes=changes,
                )
            )
    return rows


def report_page_context(window: CommentWindow, params) -> dict:
    # One window's themes: in name order without the default order's join to the window.
    themes = list(Theme.objects.filter(window=window).order_by("name_ar"))
    filters = read_filters(window, params, themes)
    filter_query = filters.query()
    figures = window_figures(window)
    summary = figures_summary(figures)
    paginator = Paginator(
        row_queryset(window, filters).select_related("milestone", "response").only(*REPORT_COLUMNS),
        REPORT_PER_PAGE,
    )
    if not filter_query:
        # Unfiltered, the rows are the window's singles and groups: already counted.
        paginator.count = summary["rows"]
    page = paginator.get_page(params.get("page"))
    comments = list(page)
    # The numbers of the commitments open for comment (the filter), and what the rows and
    # the charts read of the others: the page's, and any commented but not open.
    offered = dict(window.commitments.published().order_by("number").values_list("pk", "number"))
    wanted = {c.commitment_id for c in comments if c.commitment_id}
    wanted |= commented_commitments(figures) - offered.keys()
    commitments = report_commitments().in_bulk(wanted) if wanted else {}
    numbers = offered | {pk: commitment.number for pk, commitment in commitments.items()}
    charts = figures_charts(figures, numbers)
    report = {
        "window": window.pk,
        "total": summary["total"],
        "answered": summary["answered"],
        "row_count": page.paginator.count,
        "campaigns": summary["campaigns"],
        "charts": [chart_data(chart) for chart in charts],
        "rows": page_rows(
            window,
            page_comments(comments, themes, commitments),
            summary["groups"],
        ),
        "first_number": page.start_index(),
    }
    return {
        "window": window,
        "plan": window.plan,
        "charts": charts,
        "report": report,
        "page": page,
        "filters": filters,
        "filter_query": filter_query,
        "themes": themes,
        # The filter's options: (value, label, selected).
        "outcomes": [
            (value, name, value == filters.disposition)
            for value, name in choice_labels(Outcome, get_language()).items()
        ],
        "commitment_options": [
            (str(number), number_label(number), str(number) == filters.commitment)
            for number in offered.values()
        ],
        "filtered": bool(filter_query),
    }


# --- Downloads: every row ------------------------------------------------------------------


def join(values) -> str:
    return " · ".join(str(value) for value in values)


def download_rows(window: CommentWindow, comments=None) -> tuple[list[str], list[list]]:
    """One row per group or single comment, with everything the page shows and the
    tracking numbers of every comment of the row."""
    headers = [
        _("Row"),
        "cluster",
        _("Campaign"),
        _("Comments"),
        _("Tracking numbers"),
        _("Representative quote"),
        _("Channels"),
        _("Where it came from"),
        _("Themes"),
        _("Commitment"),
        _("Milestone"),
        _("Part"),
        _("Disposition"),
        _("Reason (Arabic)"),
        _("Reason (English)"),
        _("Changed since the draft"),
        _("Changes page"),
        _("First arrival"),
        _("Last arrival"),
    ]
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    rows = []
    comments = published_comments(window) if comments is None else comments
    for number, row in enumerate(rows_from_comments(comments), 1):
        rows.append(
            [
                number,
                row["cluster"] or "",
                _("yes") if row["campaign"] else "",
                row["count"],
                join(row["members"]),
                row["quote"]["text"],
                join(row["channels"]),
                row["source"],
                join(row["themes"]),
                row["commitment"] or "",
                row["milestone"] or "",
                row["part"],
                row["outcome"],
                row["reason_ar"],
                row["reason_en"],
                join(row["changed_fields"]),
                base + row["changes_url"] if row["changes_url"] else "",
                row["first"],
                row["last"],
            ]
        )
    return headers, rows


def comment_rows(window: CommentWindow, comments=None) -> tuple[list[str], list[list]]:
    """The spreadsheet of every published comment, with its group (`cluster`)."""
    headers = [
        _("Tracking number"),
        _("Received"),
        _("Channel"),
        _("Where it came from"),
        _("Commitment"),
        _("Part"),
        _("Milestone"),
        _("Name"),
        _("Sector"),
        _("Governorate"),
        _("Comment"),
        _("Redacted"),
        "cluster",
        _("Themes"),
        _("Outcome"),
        _("Reason (Arabic)"),
        _("Reason (English)"),
        _("Response published"),
    ]
    rows = []
    for comment in published_comments(window) if comments is None else comments:
        response = comment.report_response
        rows.append(
            [
                comment.tracking_number,
                local_day(comment.created_at),
                label(Channel, comment.channel),
                source_label(comment),
                comment.commitment.number if comment.commitment else "",
                label(CommentPart, comment.part),
                comment.milestone.number if comment.milestone else "",
                comment.public_name,
                label(Sector, comment.sector) if comment.sector else "",
                label(Region, comment.region) if comment.region else "",
                comment.public_body,
                _("yes") if comment.is_redacted else "",
                comment.group_id or "",
                join(theme_names(comment)),
                label(Outcome, response.outcome) if response else "",
                response.reason_ar if response else "",
                response.reason_en if response else "",
                local_day(response.published_at) if response else "",
            ]
        )
    return headers, rows


def report_rows(window: CommentWindow) -> tuple[list[str], list[list]]:
    """The CSV: one row per group or single comment."""
    return download_rows(window)


def report_csv(window: CommentWindow) -> bytes:
    headers, rows = download_rows(window)
    return csv_bytes(headers, rows)


def report_xlsx(window: CommentWindow, *, right_to_left: bool) -> bytes:
    """Two sheets: the report's rows, and every published comment."""
    comments = published_comments(window)
    return xlsx_bytes(
        [
            (_("Report"), *download_rows(window, comments)),
            (_("Comments"), *comment_rows(window, comments)),
        ],
        right_to_left=right_to_left,
    )
