"""The IRM evidence package: one ZIP per public plan with what the Independent Reporting
Mechanism asks a government for, each table as CSV through the formula-safe writer
(`core.spreadsheets.csv_bytes`), and the published PDFs of the plan.

Every CSV is a list of `opendata.Column`s, so each file and the data dictionary below (and
on the package page) cannot disagree. The ZIP is built in the background (`build_package`,
a django-tasks task) and stored under a name that carries the public pages' generation: any
write the public can see makes a new one on the next request.
"""

import io
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django_tasks import task

from commitments.models import Commitment
from commitments.ogp import ogp_commitments, ogp_row
from core.page_cache import generation
from core.spreadsheets import csv_bytes
from meetings.models import Meeting
from plans.models import ActionPlan, PlanPublication, Sector

from . import opendata
from .compliance import compliance_report
from .opendata import Column, attr


@dataclass(frozen=True)
class PackageFile:
    name: str
    title: object
    columns: list
    rows: object  # (plan) -> list of rows the columns read


def requirement_rows(plan):
    """One row per piece of evidence of each minimum requirement (or one without when a
    requirement has none), with the portal's verdict."""
    rows = []
    for check in compliance_report(plan).checks:
        for item in check.evidence or [None]:
            rows.append((check, item))
    return rows


REQUIREMENT_COLUMNS = [
    Column("requirement", _("Code of the OGP minimum requirement"), lambda r: r[0].key),
    Column("rule", _("The requirement, in words"), lambda r: r[0].rule),
    Column(
        "status", _("The portal's verdict: met, not_met or not_yet_due"), lambda r: r[0].verdict
    ),
    Column("figure", _("The figure the verdict rests on"), lambda r: r[0].figure),
    Column("evidence", _("Title of the evidence"), lambda r: r[1].label if r[1] else ""),
    Column("evidence_url", _("Address of the evidence"), lambda r: r[1].url if r[1] else ""),
    Column("evidence_date", _("Date of the evidence"), lambda r: r[1].date if r[1] else None),
]


def forum_meetings(plan):
    """The plan's forum meetings with published minutes, with who was present by sector
    counted in the same query."""
    return list(
        Meeting.objects.public()
        .of_forum(plan)
        .select_related("body")
        .with_presence_by_sector()
        .order_by("starts_at")
    )


MEETING_COLUMNS = [
    Column("meeting_id", _("Identifier of the meeting on this site"), attr("pk")),
    *opendata.bilingual("title", _("Title")),
    Column("starts_at", _("Start, date and time with UTC offset"), attr("starts_at")),
    Column("agenda_published_at", _("When the agenda was published"), attr("agenda_published_at")),
    Column(
        "minutes_published_at", _("When the minutes were published"), attr("minutes_published_at")
    ),
    Column(
        "minutes_url",
        _("Path of the minutes page on this site"),
        lambda meeting: meeting.get_absolute_url(),
    ),
    *[
        Column(
            f"present_{value}",
            opendata.interpolated(
                _("Members present from this sector: %(sector)s"), {"sector": label}
            ),
            attr(f"present_{value}"),
        )
        for value, label in Sector.choices
    ],
]


def plan_comments(plan):
    return list(opendata.public_comments().filter(window__plan=plan))


def ogp_rows(language):
    def rows(plan):
        published = ogp_commitments(Commitment.objects.published().filter(plan=plan))
        return [ogp_row(commitment, language) for commitment in published]

    return rows


FILES = [
    PackageFile(
        "commitments_ogp.csv",
        _("The commitments in OGP's columns (English)"),
        opendata.OGP_COLUMNS,
        ogp_rows("en"),
    ),
    PackageFile(
        "commitments_ogp_ar.csv",
        _("The commitments in OGP's columns (Arabic)"),
        opendata.OGP_COLUMNS,
        ogp_rows("ar"),
    ),
    PackageFile(
        "minimum_requirements.csv",
        _("The minimum-requirement evidence index: requirement, status, evidence and date"),
        REQUIREMENT_COLUMNS,
        requirement_rows,
    ),
    PackageFile(
        "forum_meetings.csv",
        _("The forum's meetings with attendance by sector and links to the minutes"),
        MEETING_COLUMNS,
        forum_meetings,
    ),
    PackageFile(
        "comments.csv",
        _("The public comments with their dispositions"),
        opendata.COMMENT_COLUMNS,
        plan_comments,
    ),
]


def package_csv(package_file: PackageFile, plan) -> bytes:
    header = [column.name for column in package_file.columns]
    rows = [
        [opendata.plain(column.read(row)) for column in package_file.columns]
        for row in package_file.rows(plan)
    ]
    return csv_bytes(header, rows)


def published_pdfs(plan) -> list[tuple[str, object]]:
    """The published final versions of the plan document (each language), as stored."""
    publications = PlanPublication.objects.rendered().filter(plan=plan).order_by("number")
    return [
        (f"plan-{plan.number}-v{pub.number}-{pub.language}.pdf", pub.file) for pub in publications
    ]


def package_bytes(plan) -> bytes:
    """The ZIP: the CSVs (texts in English, labels as OGP writes them) and the PDFs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, translation.override("en"):
        for package_file in FILES:
            archive.writestr(package_file.name, package_csv(package_file, plan))
        for name, stored in published_pdfs(plan):
            with stored.open("rb") as pdf:
                archive.writestr(f"pdf/{name}", pdf.read())
    return out.getvalue()


def package_name(plan) -> str:
    return f"evidence/plan-{plan.number}-{generation()}.zip"


@task()
def build_package(plan_pk: int) -> str:
    """Build and store the plan's package for the current public content."""
    plan = ActionPlan.objects.get(pk=plan_pk)
    name = package_name(plan)
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(package_bytes(plan)))
    return name


def public_plan(number: int) -> ActionPlan:
    return get_object_or_404(ActionPlan.objects.public(), number=number)


@require_safe
def package_page(request, number: int):
    """What the package holds, and its download once built (built in the background when
    it is not there yet)."""
    plan = public_plan(number)
    name = package_name(plan)
    ready = default_storage.exists(name)
    if not ready:
        build_package.enqueue(plan.pk)
        ready = default_storage.exists(name)  # the immediate backend builds it at once
    context = {
        "plan": plan,
        "ready": ready,
        "files": FILES,
        "pdfs": [name for name, _file in published_pdfs(plan)],
    }
    return render(request, "public/evidence_package.html", context)


@require_safe
def package_download(request, number: int):
    plan = public_plan(number)
    name = package_name(plan)
    if not default_storage.exists(name):
        build_package.enqueue(plan.pk)
        if not default_storage.exists(name):
            return package_page(request, number)
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"ogp-evidence-plan-{plan.number}.zip",
        content_type="application/zip",
    )
    return response
