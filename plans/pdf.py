"""The plan document (the national action plan as a PDF, one per language).

Two steps, so that what is printed can be frozen and cached:

1. `plan_snapshots(plan, ...)` reads everything the document shows, once, and turns it into
   plain data per language (every text already in that language, every date already
   formatted): the *snapshot*. It is JSON, so a published final version keeps it for ever
   (`PlanPublication.snapshot`) and its `content_key` (a hash of the snapshot and of the
   layout) names the PDF in storage: the same content is never rendered twice.
2. `render_snapshot(snapshot)` turns a snapshot into a PDF through the shared machinery of
   `core.pdf` (bundled fonts, `StaticOnlyFetcher`, a render time limit). It never
   reads the database, so a published version prints the same whatever is edited later.

User text reaches the template as plain strings and is escaped there (`linebreaks` escapes);
nothing typed by staff or citizens is ever marked safe.

`plans` imports none of the other apps (see DESIGN.md); the rows the document prints from
commitments, meetings and consultations are read by loaders those apps register from their
`AppConfig.ready()` (`plans.parts.register_source`).
Annexes A and B are the meetings' minutes and the consultation report: the apps that own
them supply their plain data and partial template (`plans.parts`), which their standalone
documents print too, so the annexes look like the minutes PDF and the report.
"""

import functools
import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.i18n import LANGUAGE_CODES
from core.pdf import PDF_BASE_URL, Rendered, page_counter_css, write_pdf_limited
from core.pdf_text import numbers_after_arabic

from .models import NARRATIVE_SECTIONS, ActionPlan, MethodologyStage, Sector, all_stages
from .parts import (
    COMMENTS,
    COMMITMENTS,
    CONSULTATION_REPORT,
    FORUM,
    IRM,
    MEETINGS,
    MINUTES,
    day,
    optional_part,
    part_builder,
    source,
    span,
    text,
)

TEMPLATE = "plans/pdf/plan.html"
# The files whose content decides the look of the document: a change to any of them gives
# every plan a new content key, so cached drafts are rendered again with the new layout.
# The annexes print the partials of the minutes PDF and of the consultation report.
LAYOUT_FILES = [
    "templates/plans/pdf/plan.html",
    "templates/plans/pdf/_inline.html",
    "templates/plans/pdf/_text.html",
    "templates/meetings/_minutes_body.html",
    "templates/consultations/_report_body.html",
    "templates/consultations/_report_charts.html",
    "templates/pdf/base.html",
    "static/css/pdf.css",
    "static/css/plan_pdf.css",
    "static/css/consultation_report.css",
]
# The shape of a snapshot, stored in it. A published version keeps its snapshot (and its
# file) for ever: a change of shape that the template cannot print from an older snapshot
# must raise this number and keep a template for the older shape in TEMPLATES.
SNAPSHOT_FORMAT = 2
TEMPLATES = {SNAPSHOT_FORMAT: TEMPLATE}

COUNTRY_NAMES = {"JO": gettext_lazy("The Hashemite Kingdom of Jordan")}


@functools.cache
def layout_key() -> str:
    digest = hashlib.sha256()
    for relative in LAYOUT_FILES:
        path = Path(settings.BASE_DIR) / relative
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def content_key(snapshot: dict) -> str:
    """The name of a snapshot's PDF: equal snapshots (and layout) give equal keys."""
    payload = json.dumps(snapshot, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((layout_key() + payload).encode()).hexdigest()


class PlanData:
    """Everything the plan document prints, read once in a fixed number of queries."""

    def __init__(self, plan: ActionPlan, *, public_only: bool):
        self.plan = plan
        self.stages = all_stages(plan, MethodologyStage.objects.filter(plan=plan))
        self.commitments = source(COMMITMENTS)(plan, public_only=public_only)
        self.forum_bodies = source(FORUM)(plan)
        self.meetings = source(MEETINGS)(plan)
        self.comments = source(COMMENTS)(plan)
        # Each window with its published comments, in the order the windows opened.
        self.windows: list[tuple] = []
        for comment in self.comments:
            if not self.windows or self.windows[-1][0].pk != comment.window_id:
                self.windows.append((comment.window, []))
            self.windows[-1][1].append(comment)


def missing_parts(data: PlanData) -> list[str]:
    """What a final plan still lacks, in the reader's words (empty when complete)."""
    plan = data.plan
    missing = []
    meta = type(plan)._meta
    for name in ["title"] + [name for name, _heading in NARRATIVE_SECTIONS]:
        for code in LANGUAGE_CODES:
            if not getattr(plan, f"{name}_{code}").strip():
                missing.append(
                    _("The plan: “%(field)s” is empty.")
                    % {"field": meta.get_field(f"{name}_{code}").verbose_name}
                )
    if not data.commitments:
        missing.append(_("The plan has no commitments."))
    for commitment in data.commitments:
        # The stage-4 gate's rule, asked of each commitment (plans imports no commitments).
        problem = commitment.template_problem()
        if problem:
            missing.append(problem)
    return missing


def commitment_part(commitment) -> dict:
    # Every part of the OGP template as the commitment's model heads it (plans imports no
    # commitments): the needed texts, their relevance, the additional parts filled in.
    fields = [
        {"name": name, "label": str(heading), "value": text(commitment, name)}
        for name, heading in commitment.text_sections(relevance=True)
    ]
    lead = commitment.lead_institution
    milestones = sorted(commitment.milestones.all(), key=lambda m: m.number)
    return {
        "number": commitment.number,
        "ogp_id": commitment.ogp_id,
        "title": text(commitment, "title"),
        "fields": fields,
        "values": [str(label) for label in commitment.ogp_values],
        "lead": text(lead, "name") if lead else None,
        "supporting": [
            text(organisation, "name")
            for organisation in sorted(
                commitment.supporting_institutions.all(), key=lambda o: o.name_ar
            )
        ],
        "period": span(commitment.starts_on, commitment.ends_on),
        # The IRM's assessment, apart from the government's text (commitments.irm.irm_part).
        "irm": irm_builder(commitment) if (irm_builder := optional_part(IRM)) else None,
        "milestones": [
            {
                "number": milestone.number,
                "title": text(milestone, "title"),
                "output": text(milestone, "expected_output"),
                "period": span(milestone.starts_on, milestone.ends_on),
                "weight": milestone.weight,
            }
            for milestone in milestones
        ],
    }


def forum_part(data: PlanData) -> dict | None:
    if not data.forum_bodies:
        return None
    body = data.forum_bodies[0]
    by_sector: dict[str, list] = {}
    for membership in body.memberships.all():
        sector = membership.organisation.sector if membership.organisation else ""
        by_sector.setdefault(sector, []).append(
            {
                "name": text(membership.person, "name"),
                "organisation": text(membership.organisation, "name")
                if membership.organisation
                else None,
                "role": membership.get_role_display(),
            }
        )
    order = [value for value in Sector.values if value in by_sector]
    if "" in by_sector:
        order.append("")
    return {
        "name": text(body, "name"),
        "sectors": [
            {
                "label": str(Sector(value).label) if value else _("Other members"),
                "members": by_sector[value],
            }
            for value in order
        ],
    }


def numbers_in_line(value: dict) -> dict:
    """An Arabic text whose numbers keep the direction of the line wherever it wraps (the
    plan's title, on the cover and in every page's header: core.pdf_text)."""
    if value["lang"] != "ar":
        return value
    return {**value, "text": numbers_after_arabic(value["text"])}


def letters_part(data: PlanData) -> list[dict]:
    rows = []
    for commitment in data.commitments:
        for letter in commitment.approval_letters.all():
            rows.append(
                {
                    "commitment": commitment.number,
                    "organisation": text(letter.organisation, "name"),
                    "reference": letter.reference,
                    "sent": day(letter.sent_on),
                    "received": day(letter.received_on),
                    "decision": letter.get_decision_display(),
                    "current": letter.is_current(),
                }
            )
    return rows


def build_snapshot(data: PlanData, *, language: str, is_draft: bool, audience: str) -> dict:
    """The plain data the document prints, in `language`."""
    plan = data.plan
    minutes_part = part_builder(MINUTES)
    report_part = part_builder(CONSULTATION_REPORT)
    with translation.override(language):
        missing = missing_parts(data)
        return {
            "format": SNAPSHOT_FORMAT,
            "language": language,
            "is_draft": is_draft,
            "audience": audience,
            "plan": {
                "title": text(plan, "title"),
                # As printed on the cover and in the header (the metadata keep `title`).
                "title_line": numbers_in_line(text(plan, "title")),
                "summary": text(plan, "summary"),
                "number": plan.number,
                "period": plan.period_label,
                "dates": span(plan.starts_on, plan.ends_on),
                "country": str(COUNTRY_NAMES.get(plan.country_code, plan.country_code)),
                "status": plan.get_status_display(),
            },
            "sections": [
                {"id": name, "heading": str(heading), "value": text(plan, name)}
                for name, heading in NARRATIVE_SECTIONS
            ],
            "stages": [
                {
                    "number": stage.number,
                    "name": str(stage.name),
                    "status": stage.get_status_display(),
                    "planned": span(stage.planned_start, stage.planned_end),
                    "actual": span(stage.actual_start, stage.actual_end),
                    "notes": text(stage, "notes"),
                }
                for stage in data.stages
            ],
            "forum": forum_part(data),
            "commitments": [commitment_part(commitment) for commitment in data.commitments],
            # Annex A: each meeting's minutes (meetings.pdf.minutes_part); annex B: each
            # window's report (consultations.report.report_part).
            "meetings": [minutes_part(meeting) for meeting in data.meetings],
            "consultation": [report_part(window, comments) for window, comments in data.windows],
            "letters": letters_part(data),
            "missing": missing if is_draft else [],
        }


def plan_snapshots(
    plan: ActionPlan, *, audience: str, is_draft: bool = True, languages=None
) -> dict[str, dict]:
    """The plan's snapshot in each language, from one read of the database."""
    data = PlanData(plan, public_only=audience == "public")
    return {
        language: build_snapshot(data, language=language, is_draft=is_draft, audience=audience)
        for language in (languages or LANGUAGE_CODES)
    }


def render_snapshot_html(snapshot: dict) -> str:
    with translation.override(snapshot["language"]):
        template = TEMPLATES[snapshot["format"]]
        return render_to_string(template, {"doc": snapshot, "page_counter_css": page_counter_css()})


def render_snapshot(snapshot: dict) -> Rendered:
    """The PDF of a snapshot (no database access; see the module docstring)."""
    return write_pdf_limited(render_snapshot_html(snapshot), base_url=PDF_BASE_URL)
