"""Site-level pages that bring several apps together, and the health check."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from commitments.models import plan_achievement, with_progress
from consultations.models import CommentWindow
from meetings.models import Meeting
from plans.models import STAGE_COUNT, ActionPlan, MethodologyStage, StageStatus, all_stages
from plans.views import public_document_links

from .views import commitment_cards, commitment_links

# What the plan overview and its "other action plans" list show: only these columns are read
# (each column read is Python work on every request).
PLAN_OVERVIEW_FIELDS = [
    "number",
    "title_ar",
    "title_en",
    "summary_ar",
    "summary_en",
    "starts_on",
    "ends_on",
    "status",
]


def site_plans_newest_first() -> list[ActionPlan]:
    """Every public plan of the site, newest first: the page's plan and the "other action
    plans" list come from this one query (the shown plan's stages are read on their own:
    a prefetch for every plan costs more than the one query it saves)."""
    return list(ActionPlan.objects.public().only(*PLAN_OVERVIEW_FIELDS).order_by("-number"))


@require_safe
def home(request):
    """The public front page: the current plan, its stages and its commitments."""
    plans = site_plans_newest_first()
    plan = plans[0] if plans else None
    return render_plan(request, plan, template="home.html", other_plans=plans[1:])


@require_safe
def plan_detail(request, number: int):
    plans = site_plans_newest_first()
    plan = next((plan for plan in plans if plan.number == number), None)
    if plan is None:
        raise Http404
    return render_plan(
        request,
        plan,
        template="plans/actionplan_detail.html",
        other_plans=[other for other in plans if other is not plan],
        extra={"document_links": public_document_links(plan)},
    )


def window_lists(plan: ActionPlan) -> dict:
    """The plan's public windows open now (with the days left), upcoming, and closed (with
    their reports, newest first), in one query."""
    now = timezone.now()
    windows = CommentWindow.objects.public().filter(plan=plan)
    windows = list(windows.order_by("opens_at").for_links())
    open_windows = sorted((w for w in windows if w.is_open(now)), key=lambda w: w.closes_at)
    for window in open_windows:
        window.days_remaining = window.days_left(now)
    closed = (w for w in windows if w.state_at(now) == "closed")
    return {
        "open_windows": open_windows,
        "upcoming_windows": [w for w in windows if w.state_at(now) == "upcoming"],
        "closed_windows": sorted(closed, key=lambda w: w.closes_at, reverse=True),
    }


def render_plan(
    request,
    plan: ActionPlan | None,
    *,
    template: str,
    other_plans: list[ActionPlan],
    extra: dict | None = None,
):
    """A plan's public overview. A fixed number of queries, whatever the plan's size."""
    context = {"plan": plan, "stage_total": STAGE_COUNT, **(extra or {})}
    if plan is not None:
        commitments = with_progress(commitment_cards().filter(plan=plan).order_by("number"))
        stages = all_stages(
            plan, MethodologyStage.objects.filter(plan=plan).only("number", "status")
        )
        completed = sum(stage.is_completed for stage in stages)
        context |= {
            "stages": stages,
            "stages_completed": completed,
            "stages_percent": round(100 * completed / STAGE_COUNT),
            "current_stage": next(
                (stage for stage in stages if stage.status == StageStatus.IN_PROGRESS), None
            ),
            "commitments": commitments,
            "cards": commitment_links(commitments),
            "achievement": plan_achievement(commitments),
            **window_lists(plan),
            "meetings": list(
                Meeting.objects.public()
                .filter(plan=plan)
                .select_related("body")
                .only("title_ar", "title_en", "starts_at", "body__name_ar", "body__name_en")
                .order_by("-starts_at")
            ),
            "other_plans": other_plans,
        }
    return render(request, template, context)
