"""Every write to plans and stages that has a rule: one function per action, atomic, and
recording who did it on the history row. The workspace, the admin and the importers call
these; none of them changes a stage's status or a plan's status any other way.

Rules broken raise `ValidationError` with messages meant for the user; a form shows them.
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import lock_for_edit, save_as

from .gates import gate_problems
from .models import (
    NARRATIVE_SECTIONS,
    PLAN_STATUS_MOVES,
    STAGE_COUNT,
    ActionPlan,
    MethodologyStage,
    Organisation,
    PlanPdf,
    PlanPublication,
    PlanStatus,
    StageStatus,
)

# The fields staff edit in a plan's or stage's own form; status fields move only through
# the functions below.
PLAN_EDIT_FIELDS = [
    "number",
    "country_code",
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "starts_on",
    "ends_on",
]
STAGE_EDIT_FIELDS = ["planned_start", "planned_end", "notes_ar", "notes_en"]


def ensure_stages(plan: ActionPlan) -> list[MethodologyStage]:
    """The plan's seven stage rows, creating any that are missing."""
    existing = {stage.number: stage for stage in plan.stages.all()}
    for number in range(1, STAGE_COUNT + 1):
        if number not in existing:
            existing[number] = MethodologyStage.objects.create(plan=plan, number=number)
    return [existing[number] for number in range(1, STAGE_COUNT + 1)]


@transaction.atomic
def create_plan(*, data: dict, by) -> ActionPlan:
    """A new plan, being prepared (not public), with its seven stages not started."""
    plan = ActionPlan(**{name: data[name] for name in PLAN_EDIT_FIELDS if name in data})
    plan.full_clean()
    save_as(plan, by)
    ensure_stages(plan)
    return plan


def save_edit(instance, *, data: dict, names: list[str], expected_version: int, by):
    """Write the fields `names` found in `data` on the row opened at `expected_version`
    (`StaleEdit` if someone saved since), as a new version, checked, with a history row.
    Call inside `transaction.atomic()`."""
    current = lock_for_edit(instance, expected_version)
    for name in names:
        if name in data:
            setattr(current, name, data[name])
    current.version += 1
    current.full_clean()
    save_as(current, by)
    return current


@transaction.atomic
def update_plan(*, plan: ActionPlan, data: dict, expected_version: int, by) -> ActionPlan:
    return save_edit(
        plan, data=data, names=PLAN_EDIT_FIELDS, expected_version=expected_version, by=by
    )


@transaction.atomic
def update_stage(
    *, stage: MethodologyStage, data: dict, expected_version: int, by
) -> MethodologyStage:
    return save_edit(
        stage, data=data, names=STAGE_EDIT_FIELDS, expected_version=expected_version, by=by
    )


def previous_stage(stage: MethodologyStage) -> MethodologyStage | None:
    if stage.number == 1:
        return None
    return MethodologyStage.objects.filter(plan_id=stage.plan_id, number=stage.number - 1).first()


def start_problem(stage: MethodologyStage) -> str | None:
    """Stages overlap in practice (the draft plan is prepared while approvals come in), so a
    stage may start once the one before it has started."""
    if stage.status != StageStatus.NOT_STARTED:
        return _("This stage has already started.")
    previous = previous_stage(stage)
    if stage.number > 1 and (previous is None or previous.status == StageStatus.NOT_STARTED):
        return _("Stage %(number)s must be started first.") % {"number": stage.number - 1}
    return None


def previous_stage_problem(stage: MethodologyStage) -> str | None:
    """A stage completes only after the one before it completed."""
    previous = previous_stage(stage)
    if stage.number > 1 and (previous is None or previous.status != StageStatus.COMPLETED):
        return _("Stage %(number)s must be completed first.") % {"number": stage.number - 1}
    return None


@transaction.atomic
def start_stage(*, stage: MethodologyStage, by, today: datetime.date) -> MethodologyStage:
    """Start a stage: the one before it must have started."""
    stage = MethodologyStage.objects.select_for_update().get(pk=stage.pk)
    problem = start_problem(stage)
    if problem:
        raise ValidationError(problem)
    stage.status = StageStatus.IN_PROGRESS
    stage.actual_start = today
    stage.version += 1
    save_as(stage, by)
    return stage


def completion_problems(stage: MethodologyStage) -> list[str]:
    """Everything that stops this stage from completing now (empty when it can)."""
    if stage.status != StageStatus.IN_PROGRESS:
        return [_("Only a stage in progress can be completed.")]
    problem = previous_stage_problem(stage)
    if problem:
        return [problem]
    return gate_problems(stage.plan, stage.number)


@transaction.atomic
def complete_stage(*, stage: MethodologyStage, by, today: datetime.date) -> MethodologyStage:
    """Complete a stage, only when its gate holds; otherwise say exactly what is missing."""
    stage = MethodologyStage.objects.select_for_update().select_related("plan").get(pk=stage.pk)
    problems = completion_problems(stage)
    if problems:
        raise ValidationError(problems)
    stage.status = StageStatus.COMPLETED
    stage.actual_end = max(today, stage.actual_start or today)
    stage.version += 1
    save_as(stage, by)
    return stage


def status_change_problems(plan: ActionPlan, status: str) -> list[str]:
    if status not in PLAN_STATUS_MOVES[PlanStatus(plan.status)]:
        return [
            _("A plan cannot move from “%(old)s” to “%(new)s”.")
            % {"old": plan.get_status_display(), "new": PlanStatus(status).label}
        ]
    if status == PlanStatus.PUBLISHED:
        unfinished = plan.stages.exclude(status=StageStatus.COMPLETED).count()
        missing = STAGE_COUNT - plan.stages.count()
        if unfinished or missing:
            return [_("Every stage must be completed before the plan is published.")]
    return []


@transaction.atomic
def change_plan_status(*, plan: ActionPlan, status: str, by, today: datetime.date) -> ActionPlan:
    """Move a plan to its next status (the allowed order is `PLAN_STATUS_MOVES`)."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    problems = status_change_problems(plan, status)
    if problems:
        raise ValidationError(problems)
    plan.status = status
    if status == PlanStatus.PUBLISHED and plan.published_on is None:
        plan.published_on = today
    plan.version += 1
    save_as(plan, by)
    return plan


@transaction.atomic
def set_plan_public(*, plan: ActionPlan, public: bool, by) -> ActionPlan:
    """Show a plan on the public site, or take it back to the workspace only."""
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_public != public:
        plan.is_public = public
        plan.version += 1
        save_as(plan, by)
    return plan


# The fields of an organisation that staff fill in from the workspace.
ORGANISATION_EDIT_FIELDS = ["name_ar", "name_en", "acronym", "sector", "website"]


@transaction.atomic
def create_organisation(*, data: dict, by) -> Organisation:
    """A new organisation (a lead or supporting institution, a forum member's employer)."""
    organisation = Organisation(
        **{name: data[name] for name in ORGANISATION_EDIT_FIELDS if name in data}
    )
    organisation.full_clean()
    save_as(organisation, by)
    return organisation


def remember_organisation_name(*, organisation: Organisation, name: str) -> None:
    """Remember that `name` (as a file wrote it) means `organisation`, so that the next
    import finds it without asking. A name that already means this organisation, or is one
    of its own names, changes nothing; a name remembered for another one is moved to it
    (the user has just said which organisation it is)."""
    from core.arabic import normalise

    from .models import OrganisationName

    key = normalise(name)[:200]
    own = {normalise(n) for n in (organisation.name_ar, organisation.name_en, organisation.acronym)}
    if not key or key in own:
        return
    OrganisationName.objects.update_or_create(
        key=key, defaults={"organisation": organisation, "name": name.strip()[:200]}
    )


@transaction.atomic
def add_public_document(
    *,
    plan: ActionPlan | None,
    kind: str,
    title_ar: str,
    title_en: str = "",
    url: str = "",
    file=None,
    published_at: datetime.datetime,
    by,
):
    """A public, timestamped entry in the document repository (OGP requires it online).
    Another app (the minutes of a meeting, say) calls this when it publishes something."""
    from .models import Document

    document = Document(
        plan=plan,
        kind=kind,
        title_ar=title_ar[:300],
        title_en=title_en[:300],
        url=url,
        is_public=True,
        published_at=published_at,
    )
    if file is not None:
        document.file = file
    # The link is built by the caller from our own routes; the host may be a bare name
    # (an intranet, tests) that URLValidator would refuse.
    document.full_clean(exclude=["url"])
    save_as(document, by)
    return document


# --- The plan document: its narrative sections, its final publication, its PDFs ---

NARRATIVE_EDIT_FIELDS = [
    f"{name}_{code}" for name, _heading in NARRATIVE_SECTIONS for code in ("ar", "en")
]
# A final plan document is published once the plan's text is settled.
FINAL_DOCUMENT_STATUSES = [
    PlanStatus.FINAL,
    PlanStatus.PUBLISHED,
    PlanStatus.IMPLEMENTATION,
    PlanStatus.CLOSED,
]


@transaction.atomic
def update_plan_narrative(*, plan: ActionPlan, data: dict, expected_version: int, by) -> ActionPlan:
    """Save the plan's narrative sections (both languages), with the version check and a
    history row, like `update_plan`."""
    return save_edit(
        plan, data=data, names=NARRATIVE_EDIT_FIELDS, expected_version=expected_version, by=by
    )


def final_publication_problems(plan: ActionPlan) -> list[str]:
    """Everything that stops the final plan document from being published now."""
    from .pdf import PlanData, missing_parts

    problems = []
    if plan.status not in FINAL_DOCUMENT_STATUSES:
        problems.append(
            _("The plan must reach the “%(status)s” status before its final document is published.")
            % {"status": PlanStatus.FINAL.label}
        )
    return problems + missing_parts(PlanData(plan, public_only=False))


@transaction.atomic
def publish_final_plan(*, plan: ActionPlan, by, now: datetime.datetime) -> list[PlanPublication]:
    """Freeze the plan document: one new dated version per language, each keeping the exact
    content it prints (its snapshot). The PDFs are rendered in the background after commit;
    later edits to the plan or its commitments never change a published version."""
    from django.utils import formats, translation

    from . import tasks
    from .pdf import content_key, plan_snapshots

    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    problems = final_publication_problems(plan)
    if problems:
        raise ValidationError(problems)
    last = plan.publications.aggregate(last=Max("number"))["last"] or 0
    publications = []
    for language, snapshot in plan_snapshots(plan, audience="final", is_draft=False).items():
        with translation.override(language):
            published_on = formats.date_format(timezone.localtime(now).date(), "DATE_FORMAT")
        snapshot["publication"] = {"version": last + 1, "date": published_on}
        publications.append(
            PlanPublication.objects.create(
                plan=plan,
                number=last + 1,
                language=language,
                published_at=now,
                published_by=by,
                snapshot=snapshot,
                content_key=content_key(snapshot),
            )
        )
    if plan.is_public:
        file_in_repository(plan, publications, by=by, now=now)
    for publication in publications:
        transaction.on_commit(
            functools.partial(tasks.render_publication_pdf.enqueue, publication.pk)
        )
    return publications


def file_in_repository(plan: ActionPlan, publications: list[PlanPublication], *, by, now) -> None:
    """One public, timestamped entry per language in the document repository (OGP requires
    the final plan there), linking to the frozen PDF of that version."""
    from django.urls import reverse
    from django.utils import translation

    from .models import Document, DocumentKind

    titles = {}
    for code in ("ar", "en"):
        with translation.override(code):
            titles[code] = _("%(title)s, final version %(number)s") % {
                "title": getattr(plan, f"title_{code}") or plan.title_ar,
                "number": publications[0].number,
            }
    for publication in publications:
        with translation.override(publication.language):
            url = reverse(
                "plans:final_pdf", args=[plan.number, publication.number, publication.language]
            )
        document = Document(
            plan=plan,
            kind=DocumentKind.FINAL_PLAN,
            title_ar=titles["ar"][:300],
            title_en=titles["en"][:300],
            language=publication.language,
            url=url,
            is_public=True,
            published_at=now,
        )
        document.full_clean(exclude=["url"])  # our own route, a path without a host
        save_as(document, by)


def regenerate_plan_pdfs(*, plan: ActionPlan) -> int:
    """Throw away the plan's cached draft PDFs (they are rendered again on the next
    download) and render any published version whose file is missing. Published files are
    never re-rendered: they are frozen. Returns how many cached drafts were removed."""
    from . import tasks

    removed = 0
    for cached in PlanPdf.objects.filter(plan=plan):
        cached.file.delete(save=False)
        cached.delete()
        removed += 1
    for publication in plan.publications.filter(file=""):
        tasks.render_publication_pdf.enqueue(publication.pk)
    return removed
