"""Site-level pages that bring several apps together, and the health check."""

import dataclasses
import datetime
from typing import ClassVar

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from commitments.models import Commitment, plan_achievement
from consultations.models import CommentWindow
from core.i18n import Translated
from core.links import UrlPattern
from meetings.models import Meeting
from plans.models import STAGE_COUNT, ActionPlan, MethodologyStage, StageStatus, all_stages
from plans.views import public_document_links

from .views import CardRow, card_rows, commitment_cards

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


@dataclasses.dataclass
class MinutesLink:
    """A link to a meeting's published minutes, read as a plain row (see public.CardRow):
    its title and body's name in the page's language (for `bidi_text`), date and address."""

    pk: int
    title_ar: str
    title_en: str
    starts_at: datetime.datetime
    body_name_ar: str
    body_name_en: str
    url: str = ""

    COLUMNS: ClassVar[list[str]] = [
        "pk",
        "title_ar",
        "title_en",
        "starts_at",
        "body__name_ar",
        "body__name_en",
    ]
    title: ClassVar[Translated] = Translated("title")
    body_name: ClassVar[Translated] = Translated("body_name")


def minutes_links(rows) -> list[MinutesLink]:
    url = UrlPattern("meetings:detail", "pk")  # Meeting.get_absolute_url, reversed once
    links = [MinutesLink(*row) for row in rows]
    for link in links:
        link.url = url(link.pk)
    return links


@dataclasses.dataclass
class WindowLink:
    """A public comment window as the overview's call to action shows it, read as a plain
    row (see public.CardRow), with the model's own rules for its days."""

    pk: int
    title_ar: str
    title_en: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    days_remaining: int = 0

    COLUMNS: ClassVar[list[str]] = ["pk", "title_ar", "title_en", "opens_at", "closes_at"]
    title: ClassVar[Translated] = Translated("title")
    is_open = CommentWindow.is_open
    state_at = CommentWindow.state_at
    days_left = CommentWindow.days_left
    last_day = CommentWindow.last_day


@dataclasses.dataclass
class StageRow:
    """A stage of the overview's tracker, read as a plain row (see public.CardRow), with the
    model's own name, status label and completion rule."""

    number: int
    status: str

    name = MethodologyStage.name
    get_status_display = MethodologyStage.get_status_display
    is_completed = MethodologyStage.is_completed


# The overview's querysets, built once when the module loads; each request filters a copy
# (never iterate one directly: it would keep its rows for every later request).
# Building a queryset's filters, joins and column list costs about as much Python work as
# running its query on the site's data (bench/README.md).
PUBLIC_PLANS = ActionPlan.objects.public().only(*PLAN_OVERVIEW_FIELDS).order_by("-number")
STAGE_STATUSES = MethodologyStage.objects.order_by().values_list("number", "status")
COMMITMENT_CARDS = Commitment.objects.published().order_by("number").values_list(*CardRow.COLUMNS)
PUBLIC_WINDOWS = (
    CommentWindow.objects.public().order_by("opens_at").values_list(*WindowLink.COLUMNS)
)
MINUTES_LINKS = Meeting.objects.public().order_by("-starts_at").values_list(*MinutesLink.COLUMNS)


def site_plans_newest_first() -> list[ActionPlan]:
    """Every public plan of the site, newest first: the page's plan and the "other action
    plans" list come from this one query (the shown plan's stages are read on their own:
    a prefetch for every plan costs more than the one query it saves)."""
    return list(PUBLIC_PLANS.all())


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
    """The plan's public windows open now (with the days left) and upcoming, in one query."""
    now = timezone.now()
    windows = [WindowLink(*row) for row in PUBLIC_WINDOWS.filter(plan=plan, closes_at__gt=now)]
    open_windows = sorted((w for w in windows if w.is_open(now)), key=lambda w: w.closes_at)
    for window in open_windows:
        window.days_remaining = window.days_left(now)
    return {
        "open_windows": open_windows,
        "upcoming_windows": [w for w in windows if w.state_at(now) == "upcoming"],
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
        commitments = card_rows(COMMITMENT_CARDS.filter(plan=plan))
        rows = [StageRow(*row) for row in STAGE_STATUSES.filter(plan=plan)]
        stages = all_stages(plan, rows)
        completed = sum(stage.is_completed for stage in stages)
        context |= {
            "stages": stages,
            "stages_completed": completed,
            "stages_percent": round(100 * completed / STAGE_COUNT),
            "current_stage": next(
                (stage for stage in stages if stage.status == StageStatus.IN_PROGRESS), None
            ),
            "commitments": commitments,
            "cards": commitment_cards(commitments, gettext("Commitment %(number)s")),
            "achievement": plan_achievement(commitments),
            **window_lists(plan),
            "meetings": minutes_links(MINUTES_LINKS.filter(plan=plan)),
            "other_plans": other_plans,
        }
    return render(request, template, context)
