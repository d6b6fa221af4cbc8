"""Open data: every public dataset as rows of named columns, with its data dictionary.

A dataset is a list of `Column`s (name, description, how to read it from a row) and a
queryset of public rows. The same definition writes CSV, JSON and XLSX and the dictionary,
so a file and its dictionary cannot disagree. Private fields (emails, phones, addresses,
commitment contacts, commenters' emails, hidden or pending comments, unpublished rows) are
simply never named here.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import lazy
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

from commitments.models import (
    ADDITIONAL_SECTIONS,
    OGP_VALUE_FIELDS,
    RELEVANCE_SECTION,
    TEMPLATE_SECTIONS,
    CivilSocietyRating,
    Commitment,
    IRMAssessment,
    IRMFinding,
    IRMReport,
    Milestone,
)
from commitments.ogp import COLUMNS as OGP_COLUMN_DEFINITIONS
from commitments.ogp import ogp_commitments, ogp_row
from consultations.models import Comment
from core.spreadsheets import csv_bytes, xlsx_bytes
from meetings.models import Attendance, Meeting
from plans.models import ActionPlan


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    read: Callable


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: list
    rows: Callable  # () -> iterable of the public rows


def attr(path: str) -> Callable:
    def read(row):
        value = row
        for part in path.split("."):
            value = getattr(value, part, None) if value is not None else None
        return value

    return read


def plain(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, bool | int | float) else str(value)


# `pattern % values` put off until the text is shown, so that a description built when
# this module is imported reads in the language of each request (a lazy string's own `%`
# translates at once, in whatever language is active at import).
interpolated = lazy(lambda pattern, values: pattern % values, str)


def bilingual(name: str, what: str, path: str | None = None) -> list[Column]:
    path = path or name
    return [
        Column(
            f"{name}_ar", interpolated(_("%(what)s in Arabic"), {"what": what}), attr(f"{path}_ar")
        ),
        Column(
            f"{name}_en", interpolated(_("%(what)s in English"), {"what": what}), attr(f"{path}_en")
        ),
    ]


def public_plans():
    return ActionPlan.objects.public().order_by("number")


def public_commitments():
    return (
        Commitment.objects.published()
        .select_related("plan", "lead_institution")
        .prefetch_related("milestones")
        .order_by("plan__number", "number")
    )


def public_milestones():
    return (
        Milestone.objects.filter(commitment__in=Commitment.objects.published())
        .select_related("commitment__plan")
        .order_by("commitment__plan__number", "commitment__number", "number")
    )


def public_meetings():
    return Meeting.objects.public().select_related("body", "plan").order_by("starts_at")


def public_attendance():
    return (
        Attendance.objects.filter(meeting__in=public_meetings())
        .select_related("meeting", "person", "organisation")
        .order_by("meeting__starts_at", "meeting_id", "order", "pk")
    )


def public_comments():
    return (
        Comment.objects.public()
        .select_related("window__plan", "commitment", "response")
        .order_by("published_at", "pk")
    )


def plan_url(plan):
    return plan.get_absolute_url() if plan else ""


PLAN_COLUMNS = [
    Column("country_code", _("Country (ISO 3166 code)"), attr("country_code")),
    Column("plan_number", _("Number of the action plan (4 for the 4th)"), attr("number")),
    *bilingual("title", _("Title of the plan")),
    *bilingual("summary", _("Summary of the plan")),
    Column("starts_on", _("First day of the plan period"), attr("starts_on")),
    Column("ends_on", _("Last day of the plan period"), attr("ends_on")),
    Column("status", _("Status code of the plan"), attr("status")),
    Column("published_on", _("Day the plan was published"), attr("published_on")),
    Column("url", _("Path of the plan page on this site"), plan_url),
]

COMMITMENT_COLUMNS = [
    Column("ogp_id", _("OGP identifier of the commitment, e.g. JO0064"), attr("ogp_id")),
    Column("plan_number", _("Number of the action plan"), attr("plan.number")),
    Column("commitment_number", _("Number of the commitment in its plan"), attr("number")),
    # Every part of the OGP template, headed as the commitment page heads it.
    *[column for name, heading in TEMPLATE_SECTIONS for column in bilingual(name, heading)],
    *bilingual(*RELEVANCE_SECTION),
    *[column for name, heading in ADDITIONAL_SECTIONS for column in bilingual(name, heading)],
    *bilingual("lead_institution", _("Lead institution"), "lead_institution.name"),
    *[
        Column(
            flag,
            interpolated(
                _("True when the commitment is relevant to this OGP value: %(value)s"),
                {"value": Commitment._meta.get_field(flag).verbose_name},
            ),
            attr(flag),
        )
        for flag in OGP_VALUE_FIELDS
    ],
    Column("status", _("Status code of the commitment"), attr("status")),
    Column("starts_on", _("Start date"), attr("starts_on")),
    Column("ends_on", _("End date"), attr("ends_on")),
    Column("progress_percent", _("Weighted completion of its milestones, 0–100"), attr("progress")),
    Column("url", _("Path of the commitment page on this site"), lambda c: c.get_absolute_url()),
]

MILESTONE_COLUMNS = [
    Column("commitment_ogp_id", _("OGP identifier of the commitment"), attr("commitment.ogp_id")),
    Column("plan_number", _("Number of the action plan"), attr("commitment.plan.number")),
    Column("commitment_number", _("Number of the commitment"), attr("commitment.number")),
    Column("milestone_number", _("Number of the milestone in its commitment"), attr("number")),
    *bilingual("title", _("Title")),
    *bilingual("expected_output", _("Expected output")),
    Column("starts_on", _("Start date"), attr("starts_on")),
    Column("ends_on", _("End date"), attr("ends_on")),
    Column("weight", _("Share of the commitment's progress"), attr("weight")),
    Column("status", _("Status code of the milestone"), attr("status")),
    Column("percent_done", _("Completion, 0–100"), attr("completion_percent")),
]

MEETING_COLUMNS = [
    Column("meeting_id", _("Identifier of the meeting on this site"), attr("pk")),
    Column("plan_number", _("Number of the action plan, if any"), attr("plan.number")),
    *bilingual("body", _("Body that met"), "body.name"),
    *bilingual("title", _("Title")),
    Column("starts_at", _("Start, date and time with UTC offset"), attr("starts_at")),
    Column("mode", _("In person, remote or hybrid"), attr("mode")),
    *bilingual("place", _("Place")),
    Column("platform", _("Online platform"), attr("platform")),
    Column(
        "minutes_published_at", _("When the minutes were published"), attr("minutes_published_at")
    ),
    Column("url", _("Path of the minutes page on this site"), lambda m: m.get_absolute_url()),
]

ATTENDANCE_COLUMNS = [
    Column("meeting_id", _("Identifier of the meeting"), attr("meeting.pk")),
    *bilingual("person", _("Name of the attendee"), "person.name"),
    *bilingual("organisation", _("Organisation"), "organisation.name"),
    *bilingual("position", _("Position")),
    Column("role", _("Role code in the body"), attr("role")),
    Column("status", _("Present, absent or excused"), attr("status")),
]


def response_of(comment):
    return comment.public_response


COMMENT_COLUMNS = [
    Column("tracking_number", _("Tracking number of the comment"), attr("tracking_number")),
    Column("window_id", _("Identifier of the comment window"), attr("window.pk")),
    Column("plan_number", _("Number of the action plan"), attr("window.plan.number")),
    Column(
        "commitment_ogp_id", _("OGP id of the commitment commented on"), attr("commitment.ogp_id")
    ),
    Column("part", _("Part of the commitment commented on"), attr("part")),
    Column("comment", _("Text of the comment as published"), lambda c: c.public_body),
    Column("author", _("Name, only when the author chose to show it"), lambda c: c.public_name),
    Column("sector", _("Sector code of the author"), attr("sector")),
    Column("region", _("Governorate code of the author"), attr("region")),
    Column("channel", _("Where the comment was received"), attr("channel")),
    Column("published_at", _("When the comment was published"), attr("published_at")),
    Column(
        "response_outcome",
        _("Outcome code of the response"),
        lambda c: attr("outcome")(response_of(c)),
    ),
    Column(
        "response_reason_ar",
        _("Reason of the response in Arabic"),
        lambda c: attr("reason_ar")(response_of(c)),
    ),
    Column(
        "response_reason_en",
        _("Reason of the response in English"),
        lambda c: attr("reason_en")(response_of(c)),
    ),
    Column(
        "response_published_at",
        _("When the response was published"),
        lambda c: attr("published_at")(response_of(c)),
    ),
]


def public_irm_assessments():
    return (
        IRMAssessment.objects.filter(commitment__in=Commitment.objects.published())
        .select_related("commitment__plan", "design_report", "results_report")
        .order_by("commitment__plan__number", "commitment__number")
    )


def public_irm_findings():
    return (
        IRMFinding.objects.filter(report__in=IRMReport.objects.public())
        .select_related("report__plan")
        .order_by("report__plan__number", "report__published_on", "requirement")
    )


IRM_ASSESSMENT_COLUMNS = [
    Column("commitment_ogp_id", _("OGP identifier of the commitment"), attr("commitment.ogp_id")),
    Column("plan_number", _("Number of the action plan"), attr("commitment.plan.number")),
    Column("commitment_number", _("Number of the commitment"), attr("commitment.number")),
    Column("verifiable", _("The IRM found the commitment verifiable"), attr("verifiable")),
    Column(
        "relevant_to_ogp_values",
        _("The IRM found the commitment relevant to the OGP values"),
        attr("ogp_values_lens"),
    ),
    Column(
        "potential_impact",
        _("The IRM's potential impact code (unclear, modest, substantial)"),
        attr("potential_for_results"),
    ),
    Column("promising", _("The IRM named it a promising commitment"), attr("promising")),
    *bilingual("design_text", _("The IRM's text on the design"), "notes"),
    *bilingual(
        "design_report_title", _("Title of the IRM report on the design"), "design_report.title"
    ),
    Column(
        "design_report_url", _("Link to the IRM report on the design"), attr("design_report.url")
    ),
    Column(
        "design_report_date",
        _("Day the IRM report on the design was published"),
        attr("design_report.published_on"),
    ),
    Column(
        "completion",
        _("The IRM's completion code (no_evidence, not_started, limited, substantial, complete)"),
        attr("completion"),
    ),
    Column(
        "did_it_open_government",
        _(
            "The IRM's code for whether it opened government (worsened, did_not_change,"
            " marginal, major, outstanding)"
        ),
        attr("opened_government"),
    ),
    *bilingual("results_text", _("The IRM's text on the results")),
    *bilingual(
        "results_report_title", _("Title of the IRM report on the results"), "results_report.title"
    ),
    Column(
        "results_report_url", _("Link to the IRM report on the results"), attr("results_report.url")
    ),
    Column(
        "results_report_date",
        _("Day the IRM report on the results was published"),
        attr("results_report.published_on"),
    ),
]

IRM_FINDING_COLUMNS = [
    Column("plan_number", _("Number of the action plan"), attr("report.plan.number")),
    Column("requirement", _("Code of the OGP minimum requirement"), attr("requirement")),
    Column("verdict", _("The IRM's finding code (met, not_met, not_assessed)"), attr("verdict")),
    *bilingual("text", _("The IRM's text")),
    *bilingual("report_title", _("Title of the IRM report"), "report.title"),
    Column("report_url", _("Link to the IRM report"), attr("report.url")),
    Column("report_date", _("Day the IRM report was published"), attr("report.published_on")),
]

DATASETS = [
    Dataset(
        "plans",
        _("Action plans"),
        _("Every public national action plan."),
        PLAN_COLUMNS,
        public_plans,
    ),
    Dataset(
        "commitments",
        _("Commitments"),
        _("Every published commitment, with its OGP id and progress."),
        COMMITMENT_COLUMNS,
        public_commitments,
    ),
    Dataset(
        "milestones",
        _("Milestones"),
        _("The milestones of the published commitments."),
        MILESTONE_COLUMNS,
        public_milestones,
    ),
    Dataset(
        "meetings",
        _("Meetings"),
        _("Meetings whose minutes are published."),
        MEETING_COLUMNS,
        public_meetings,
    ),
    Dataset(
        "attendance",
        _("Attendance"),
        _("Who attended the meetings whose minutes are published."),
        ATTENDANCE_COLUMNS,
        public_attendance,
    ),
    Dataset(
        "comments",
        _("Comments and responses"),
        _("Published comments of the public consultations and the responses to them."),
        COMMENT_COLUMNS,
        public_comments,
    ),
]


def public_civil_society_ratings():
    return (
        CivilSocietyRating.objects.public()
        .select_related("milestone__commitment__plan", "organisation")
        .order_by(
            "milestone__commitment__plan__number",
            "milestone__commitment__number",
            "milestone__number",
            "organisation__name_ar",
        )
    )


CIVIL_SOCIETY_COLUMNS = [
    Column(
        "commitment_ogp_id",
        _("OGP identifier of the commitment"),
        attr("milestone.commitment.ogp_id"),
    ),
    Column("plan_number", _("Number of the action plan"), attr("milestone.commitment.plan.number")),
    Column("commitment_number", _("Number of the commitment"), attr("milestone.commitment.number")),
    Column(
        "milestone_number", _("Number of the milestone in its commitment"), attr("milestone.number")
    ),
    Column(
        "government_status",
        _("Status code of the milestone in the government's record"),
        attr("milestone.status"),
    ),
    Column(
        "government_percent_done",
        _("Completion in the government's record, 0–100"),
        attr("milestone.completion_percent"),
    ),
    *bilingual("organisation", _("Civil-society organisation that rated it"), "organisation.name"),
    Column("civil_society_status", _("Status code in the organisation's view"), attr("status")),
    Column(
        "civil_society_rating",
        _(
            "Progress in the organisation's view: 0 not started, 1 limited, 2 substantial,"
            " 3 complete"
        ),
        attr("rating"),
    ),
    Column("evidence", _("The organisation's evidence"), attr("evidence")),
    Column("evidence_url", _("Link to the organisation's evidence"), attr("evidence_url")),
    Column("rated_on", _("Day of the rating"), attr("rated_on")),
]


def ogp_rows(language: str):
    def rows():
        published = ogp_commitments(Commitment.objects.published())
        return [ogp_row(commitment, language) for commitment in published]

    return rows


OGP_COLUMNS = [
    Column(name, description, lambda row, name=name: row[name])
    for name, description in OGP_COLUMN_DEFINITIONS
]

DATASETS += [
    Dataset(
        "ogp_commitments",
        _("Commitments in OGP's columns (English)"),
        _(
            "Every published commitment in the columns of OGP's commitments data, in English;"
            " the workspace import reads the same file."
        ),
        OGP_COLUMNS,
        ogp_rows("en"),
    ),
    Dataset(
        "ogp_commitments_ar",
        _("Commitments in OGP's columns (Arabic)"),
        _("The same rows and columns as OGP's commitments data, with the texts in Arabic."),
        OGP_COLUMNS,
        ogp_rows("ar"),
    ),
    Dataset(
        "civil_society_ratings",
        _("Civil society's ratings"),
        _(
            "Civil-society organisations' own rating of the milestones, beside the government's"
            " record; it never changes the government's progress."
        ),
        CIVIL_SOCIETY_COLUMNS,
        public_civil_society_ratings,
    ),
]
DATASETS += [
    Dataset(
        "irm_assessments",
        _("IRM assessments"),
        _(
            "The Independent Reporting Mechanism's assessment of each published commitment,"
            " with the report it comes from; apart from the government's own progress."
        ),
        IRM_ASSESSMENT_COLUMNS,
        public_irm_assessments,
    ),
    Dataset(
        "irm_findings",
        _("IRM findings on the minimum requirements"),
        _("The IRM's findings on the OGP minimum requirements, per plan and report."),
        IRM_FINDING_COLUMNS,
        public_irm_findings,
    ),
]
BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def table(dataset: Dataset) -> tuple[list[str], list[list]]:
    header = [column.name for column in dataset.columns]
    rows = [[plain(column.read(row)) for column in dataset.columns] for row in dataset.rows()]
    return header, rows


def as_json(header, rows) -> bytes:
    records = [dict(zip(header, row, strict=True)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1).encode()


def render_dataset(dataset: Dataset, fmt: str) -> bytes:
    """The file in `fmt`; CSV and XLSX through the staff exports' formula-safe writers."""
    header, rows = table(dataset)
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "json":
        return as_json(header, rows)
    return xlsx_bytes([(dataset.slug, header, rows)], right_to_left=get_language_bidi())


def dictionary() -> list[dict]:
    return [
        {
            "dataset": dataset.slug,
            "title": str(dataset.title),
            "description": str(dataset.description),
            "columns": [
                {"name": column.name, "description": str(column.description)}
                for column in dataset.columns
            ],
        }
        for dataset in DATASETS
    ]
