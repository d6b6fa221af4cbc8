"""Workspace views for plans and their seven stages.

Every write goes through `plans.services`; a refused action is shown on the plan page with
exactly what is missing, and a form opened on an older version gets the conflict page.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import show_service_error, workspace_view
from core.concurrency import StaleEdit
from core.conflicts import conflict_context, conflict_page, rebase_form
from core.roles import is_agency_scoped

from . import services
from .forms import PlanCreateForm, PlanForm, PlanNarrativeForm, StageForm
from .models import (
    NARRATIVE_SECTIONS,
    STAGE_COUNT,
    ActionPlan,
    MethodologyStage,
    PdfAudience,
    PlanPdf,
    PlanStatus,
    StageStatus,
)
from .views import (
    check_language,
    draft_response,
    failed_response,
    pdf_response,
    pending_response,
    publication_filename,
)

# What each status means for citizens, shown beside the button that moves a plan there.
STATUS_EXPLANATIONS = {
    PlanStatus.DRAFTING: gettext_lazy(
        "Back to drafting: the unit reworks the text; citizens see the plan as a draft."
    ),
    PlanStatus.CONSULTATION: gettext_lazy(
        "Citizens read the draft and comment on it while a comment window is open."
    ),
    PlanStatus.FINAL: gettext_lazy(
        "The consultation is over and the text is settled; citizens see the final text."
    ),
    PlanStatus.PUBLISHED: gettext_lazy(
        "The plan is adopted and published as the country's action plan; every stage must"
        " be completed first."
    ),
    PlanStatus.IMPLEMENTATION: gettext_lazy(
        "Agencies carry out the commitments; citizens follow the milestones' progress."
    ),
    PlanStatus.CLOSED: gettext_lazy(
        "The plan period is over; its results stay on the public site for the record."
    ),
}


def today() -> datetime.date:
    return timezone.localdate()


def get_plan(number: int) -> ActionPlan:
    plan = ActionPlan.objects.filter(number=number).first()
    if plan is None:
        raise Http404
    return plan


def get_stage(plan: ActionPlan, stage_number: int) -> MethodologyStage:
    """The stage row by its number (1 to 7), creating the plan's missing stage rows."""
    if not 1 <= stage_number <= STAGE_COUNT:
        raise Http404
    return services.ensure_stages(plan)[stage_number - 1]


@require_GET
@workspace_view("plans.view_actionplan")
def plan_list(request):
    plans = ActionPlan.objects.annotate(
        stages_done=Count("stages", filter=Q(stages__status=StageStatus.COMPLETED))
    ).order_by("-number")
    return render(
        request, "manage/plans/plan_list.html", {"plans": plans, "stage_total": STAGE_COUNT}
    )


@require_http_methods(["GET", "POST"])
@workspace_view("plans.view_actionplan", "plans.add_actionplan")
def plan_create(request):
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The plan was created. It is not public yet."))
            return redirect("manage:plan_detail", number=plan.number)
    return render(request, "manage/plans/plan_form.html", {"form": form, "plan": None})


def plan_stages(plan: ActionPlan) -> list[MethodologyStage]:
    """The seven stages in order, read only: a stage without a row yet shows as not started
    (its row is created when someone acts on it)."""
    by_number = {stage.number: stage for stage in plan.stages.all()}
    return [
        by_number.get(number) or MethodologyStage(plan=plan, number=number)
        for number in range(1, STAGE_COUNT + 1)
    ]


def stage_rows(plan: ActionPlan, user, refused: dict | None = None) -> list[dict]:
    """Each stage with what this user may do to it now and, for a stage in progress,
    what still blocks its completion."""
    stages = plan_stages(plan)
    may_edit = user.has_perm("plans.change_methodologystage")
    may_manage = user.has_perm("plans.manage_stages")
    rows = []
    for stage in stages:
        # Stages may overlap: one starts once the one before has started; completion
        # stays in order (`services.start_problem`, `services.completion_problems`).
        previous_started = (
            stage.number == 1 or stages[stage.number - 2].status != StageStatus.NOT_STARTED
        )
        in_progress = stage.status == StageStatus.IN_PROGRESS
        rows.append(
            {
                "stage": stage,
                "may_edit": may_edit,
                "may_start": may_manage
                and stage.status == StageStatus.NOT_STARTED
                and previous_started,
                "may_complete": may_manage and in_progress,
                "blockers": services.completion_problems(stage) if in_progress else [],
                "refused": (refused or {}).get(stage.number, []),
            }
        )
    return rows


def render_plan(request, plan: ActionPlan, *, refused=None, status_problems=None, status=200):
    rows = stage_rows(plan, request.user, refused)
    context = {
        "plan": plan,
        "rows": rows,
        "stages_done": sum(row["stage"].is_completed for row in rows),
        "stage_total": STAGE_COUNT,
        "next_statuses": [
            {
                "value": value,
                "label": PlanStatus(value).label,
                "explanation": STATUS_EXPLANATIONS[value],
                "problems": services.status_change_problems(plan, value),
            }
            for value in plan.allowed_statuses()
        ],
        "status_problems": status_problems or [],
    }
    return render(request, "manage/plans/plan_detail.html", context, status=status)


@require_GET
@workspace_view("plans.view_actionplan")
def plan_detail(request, number: int):
    plan = get_plan(number)
    return render_plan(request, plan)


@require_http_methods(["GET", "POST"])
@workspace_view("plans.view_actionplan", "plans.change_actionplan")
def plan_edit(request, number: int):
    plan = get_plan(number)
    form = PlanForm(request.POST or None, instance=plan)
    context = {"plan": plan}
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.update_plan(
                plan=plan,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as stale:
            return conflict_page(
                request, form, stale.current, "manage/plans/plan_form.html", context
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("manage:plan_detail", number=plan.number)
    return render(request, "manage/plans/plan_form.html", context | {"form": form})


@require_http_methods(["GET", "POST"])
@workspace_view("plans.view_actionplan", "plans.change_methodologystage")
def stage_edit(request, number: int, stage: int):
    plan = get_plan(number)
    stage_row = get_stage(plan, stage)
    form = StageForm(request.POST or None, instance=stage_row)
    context = {"plan": plan, "stage": stage_row}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_stage(
                stage=stage_row,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as stale:
            return conflict_page(
                request, form, stale.current, "manage/plans/stage_form.html", context
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(
                request, _("Stage %(number)s was saved.") % {"number": stage_row.number}
            )
            return redirect("manage:plan_detail", number=plan.number)
    return render(request, "manage/plans/stage_form.html", context | {"form": form})


@require_POST
@workspace_view("plans.view_actionplan", "plans.manage_stages")
def stage_start(request, number: int, stage: int):
    return move_stage(
        request, number, stage, services.start_stage, gettext_lazy("Stage %(number)s has started.")
    )


@require_POST
@workspace_view("plans.view_actionplan", "plans.manage_stages")
def stage_complete(request, number: int, stage: int):
    return move_stage(
        request,
        number,
        stage,
        services.complete_stage,
        gettext_lazy("Stage %(number)s is completed."),
    )


def move_stage(request, number: int, stage: int, step, done):
    """Start or complete a stage through `step` (the service); a refused step is shown on
    the plan's page beside the stage."""
    plan = get_plan(number)
    stage_row = get_stage(plan, stage)
    try:
        step(stage=stage_row, by=request.user, today=today())
    except ValidationError as error:
        return render_plan(request, plan, refused={stage_row.number: error.messages}, status=400)
    messages.success(request, done % {"number": stage_row.number})
    return redirect("manage:plan_detail", number=plan.number)


@require_POST
@workspace_view("plans.view_actionplan", "plans.publish_plan")
def plan_status(request, number: int):
    plan = get_plan(number)
    wanted = request.POST.get("status", "")
    if wanted not in PlanStatus.values:
        return render_plan(
            request, plan, status_problems=[_("Choose one of the statuses offered.")], status=400
        )
    try:
        plan = services.change_plan_status(plan=plan, status=wanted, by=request.user, today=today())
    except ValidationError as error:
        return render_plan(request, plan, status_problems=error.messages, status=400)
    messages.success(
        request,
        _("The plan’s status is now “%(status)s”.") % {"status": plan.get_status_display()},
    )
    return redirect("manage:plan_detail", number=plan.number)


@require_POST
@workspace_view("plans.view_actionplan", "plans.publish_plan")
def plan_public(request, number: int):
    plan = get_plan(number)
    public = request.POST.get("public") == "1"
    plan = services.set_plan_public(plan=plan, public=public, by=request.user)
    if plan.is_public:
        messages.success(request, _("The plan is now on the public site."))
    else:
        messages.success(request, _("The plan was taken off the public site."))
    return redirect("manage:plan_detail", number=plan.number)


# --- The plan document: narrative sections, PDFs, final publication ---


def document_context(plan: ActionPlan, user, *, publish_problems=None) -> dict:
    """The plan document page: what is written, what is still missing for the final
    version, the PDFs to download (with their size) and every published version."""
    latest_drafts = {}
    for cached in PlanPdf.objects.filter(plan=plan, audience=PdfAudience.STAFF).order_by(
        "rendered_at"
    ):
        latest_drafts[cached.language] = cached
    publications = list(plan.publications.order_by("-number", "language"))
    versions: dict[int, list] = {}
    for publication in publications:
        versions.setdefault(publication.number, []).append(publication)
    return {
        "plan": plan,
        "sections": [
            {
                "heading": heading,
                "ar": bool(getattr(plan, f"{name}_ar").strip()),
                "en": bool(getattr(plan, f"{name}_en").strip()),
            }
            for name, heading in NARRATIVE_SECTIONS
        ],
        "drafts": [
            {"language": code, "label": label, "cached": latest_drafts.get(code)}
            for code, label in settings.LANGUAGES
        ],
        "versions": [{"number": number, "publications": rows} for number, rows in versions.items()],
        "gaps": services.final_publication_problems(plan),
        "publish_problems": publish_problems or [],
        "may_publish": user.has_perm("plans.publish_plan"),
        "may_edit": user.has_perm("plans.change_actionplan"),
    }


@require_GET
@workspace_view("plans.view_actionplan", "commitments.view_commitment")
def plan_document(request, number: int):
    plan = get_plan(number)
    return render(request, "manage/plans/plan_document.html", document_context(plan, request.user))


@require_http_methods(["GET", "POST"])
@workspace_view("plans.view_actionplan", "plans.change_actionplan")
def plan_narrative(request, number: int):
    plan = get_plan(number)
    form = PlanNarrativeForm(request.POST or None, instance=plan)
    context = {"plan": plan, "section_pairs": narrative_pairs(form)}
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.update_plan_narrative(
                plan=plan,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as stale:
            form = rebase_form(form, stale.current)
            context |= conflict_context(form, stale.current)
            context["section_pairs"] = narrative_pairs(form)
            return render(
                request, "manage/plans/plan_narrative.html", context | {"form": form}, status=409
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The plan’s text was saved."))
            return redirect("manage:plan_document", number=plan.number)
    return render(request, "manage/plans/plan_narrative.html", context | {"form": form})


def narrative_pairs(form) -> list[dict]:
    return [
        {"heading": heading, "arabic": form[f"{name}_ar"], "english": form[f"{name}_en"]}
        for name, heading in NARRATIVE_SECTIONS
    ]


@require_GET
@workspace_view("plans.view_actionplan", "commitments.view_commitment")
def plan_pdf(request, number: int, language: str):
    """The staff draft: every commitment, published or not (an agency focal point, who may
    see only their agencies' commitments, gets the public draft's scope: refused here)."""
    check_language(language)
    if is_agency_scoped(request.user):
        raise PermissionDenied
    plan = get_plan(number)
    return draft_response(request, plan, language, PdfAudience.STAFF, staff=True)


@require_GET
@workspace_view("plans.view_actionplan")
def plan_publication_pdf(request, number: int, version: int, language: str):
    check_language(language)
    plan = get_plan(number)
    publication = plan.publications.filter(number=version, language=language).first()
    if publication is None:
        raise Http404
    if publication.failure:
        return failed_response(request, plan, publication, staff=True)
    if not publication.file:
        return pending_response(request, plan)
    return pdf_response(publication.file, publication_filename(publication))


@require_POST
@workspace_view("plans.view_actionplan", "plans.publish_plan")
def plan_publish(request, number: int):
    plan = get_plan(number)
    try:
        publications = services.publish_final_plan(plan=plan, by=request.user, now=timezone.now())
    except ValidationError as error:
        context = document_context(plan, request.user, publish_problems=error.messages)
        return render(request, "manage/plans/plan_document.html", context, status=400)
    messages.success(
        request,
        _("Version %(number)s of the final plan was published; its PDFs are being prepared.")
        % {"number": publications[0].number},
    )
    return redirect("manage:plan_document", number=plan.number)


@require_POST
@workspace_view("plans.view_actionplan", "plans.change_actionplan")
def plan_pdf_regenerate(request, number: int):
    plan = get_plan(number)
    services.regenerate_plan_pdfs(plan=plan)
    messages.success(
        request, _("The draft PDFs will be made again from the current text at the next download.")
    )
    return redirect("manage:plan_document", number=plan.number)
