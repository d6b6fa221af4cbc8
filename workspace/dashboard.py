"""The staff workspace's dashboard: the current plan's stages and the work waiting.

Each list shows how many items wait and the first few, each linking to where the work is
done (`work_link`). The page runs a fixed number of queries whatever the plan's size: one
per list, the count coming with the first rows through a window function.
"""

from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from commitments.models import ApprovalLetter, Commitment, Decision, Milestone, MilestoneStatus
from commitments.monitoring import disagreements
from consultations.models import Audience, Comment, CommentWindow, ModerationState
from consultations.services import is_forum_member
from core.access import workspace_view
from core.queries import first_with_total
from core.roles import is_agency_scoped, is_unit_staff
from meetings.calendar_rules import AGENDA, FORUM_GAP, calendar_warnings
from meetings.models import Meeting, MinutesState, Outcome, OutcomeStatus
from plans.models import STAGE_COUNT, ActionPlan, StageStatus, all_stages

FIRST_ITEMS = 5


# Where each kind of work is done: the first workspace screen, in order, whose URL name
# exists and whose permission the user holds; otherwise the commitment's public page (when
# citizens can see it) or the plan's workspace page. Change the targets here.
WORK_TARGETS = {
    "commitment": [
        ("commitment_edit", "commitments.change_commitment"),
        ("commitment_detail", "commitments.view_commitment"),
    ],
    "letter": [("letter_detail", "commitments.view_approvalletter")],
    "milestone": [("milestone_progress", "commitments.add_progressreport")],
    "comment": [("consultation_comment", "consultations.change_comment")],
    "meeting": [("meeting_detail", "meetings.view_meeting")],
    "outcome": [("meeting_outcomes", "meetings.change_outcome")],
}


def workspace_url(name: str, **kwargs) -> str | None:
    try:
        return reverse(f"manage:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def first_target(kind: str, pk: int, user) -> str | None:
    for name, perm in WORK_TARGETS[kind]:
        if user.has_perm(perm):
            url = workspace_url(name, pk=pk)
            if url:
                return url
    return None


def plan_page(plan: ActionPlan) -> str:
    return reverse("manage:plan_detail", kwargs={"number": plan.number})


def commitment_link(commitment: Commitment, user) -> str:
    url = first_target("commitment", commitment.pk, user)
    if url:
        return url
    if commitment.is_published and commitment.plan.is_public:
        return commitment.get_absolute_url()
    return plan_page(commitment.plan)


def work_link(item, user) -> str:
    """The page where `user` does the work on `item`."""
    if isinstance(item, Commitment):
        return commitment_link(item, user)
    if isinstance(item, ApprovalLetter):
        return first_target("letter", item.pk, user) or commitment_link(item.commitment, user)
    if isinstance(item, Milestone):
        return first_target("milestone", item.pk, user) or commitment_link(item.commitment, user)
    if isinstance(item, Comment):
        plan = item.window.plan
        url = first_target("comment", item.pk, user)
        if url:
            return url
        if plan.is_public:
            return reverse("consultations:detail", kwargs={"pk": item.window_id})
        return plan_page(plan)
    if isinstance(item, Meeting):
        return first_target("meeting", item.pk, user) or plan_page(item.plan)
    if isinstance(item, Outcome):  # the outcome's own screen is its meeting's outcomes
        return (
            first_target("outcome", item.meeting_id, user)
            or first_target("meeting", item.meeting_id, user)
            or plan_page(item.meeting.plan)
        )
    raise TypeError(f"no work link for {type(item).__name__}")


@dataclass
class WorkList:
    key: str
    title: str
    explanation: str
    total: int = 0
    items: list = field(default_factory=list)


def first_items(user, key: str, title, explanation, queryset: QuerySet) -> WorkList:
    """The first rows of `queryset` and how many there are, in one query."""
    rows, total = first_with_total(queryset, FIRST_ITEMS)
    for row in rows:
        row.link = work_link(row, user)
    return WorkList(key, title, explanation, total, rows)


def dispositions_missing(plan: ActionPlan) -> list[CommentWindow]:
    """The plan's windows with inputs still lacking a disposition, and how many (what the
    stage 7 gate holds the plan to): one query."""
    missing = (
        Comment.objects.filter(window=OuterRef("pk"))
        .without_disposition()
        .order_by()
        .values("window")
        .annotate(n=Count("pk"))
        .values("n")
    )
    windows = list(
        CommentWindow.objects.filter(plan=plan)
        .annotate(missing=Subquery(missing))
        .filter(missing__gt=0)
        .order_by("-missing", "pk")
    )
    for window in windows:
        window.link = (
            reverse("manage:consultation_comments")
            + f"?window={window.pk}&state=all&disposition=none"
        )
    return windows


def missing_translations(user, commitments: QuerySet) -> WorkList:
    """Commitments with template text in one language only (checked in Python: one query)."""
    separator = "، " if get_language().startswith("ar") else ", "
    rows = []
    for commitment in commitments.order_by("number"):
        missing = commitment.missing_translations()
        if missing:
            commitment.missing_label = separator.join(str(label) for label in missing)
            commitment.link = work_link(commitment, user)
            rows.append(commitment)
    return WorkList(
        "translations",
        _("Missing translations"),
        _("Commitments with text written in one language only."),
        len(rows),
        rows[:FIRST_ITEMS],
    )


def forum_calendar(user, plan: ActionPlan, today) -> WorkList:
    """The forum's calendar kept (`meetings.calendar_rules`): each warning links to the
    action that clears it (schedule a meeting, publish the agenda, publish the minutes).
    One query: the plan's forum meetings."""
    meetings = Meeting.objects.of_forum(plan).only(
        "pk",
        "plan_id",
        "title_ar",
        "title_en",
        "starts_at",
        "agenda_published_at",
        "minutes_published_at",
    )
    warnings = calendar_warnings(meetings, since=plan.starts_on, today=today)
    for warning in warnings:
        if warning.kind == FORUM_GAP:
            warning.link = (
                workspace_url("meeting_create")
                if user.has_perm("meetings.add_meeting")
                else plan_page(plan)
            )
        else:
            warning.meeting.plan = plan
            url = work_link(warning.meeting, user)
            warning.link = url + ("#agenda" if warning.kind == AGENDA else "#minutes-steps")
    return WorkList(
        "calendar",
        _("Forum calendar"),
        _(
            "The forum meets at least every 6 months, publishes each agenda 7 days before"
            " and the minutes within 14 days after."
        ),
        len(warnings),
        warnings[:FIRST_ITEMS],
    )


def civil_society_disagreements(user, plan: ActionPlan) -> WorkList | None:
    """Milestones where a civil-society rating is more than one step from the government's
    own record (`commitments.monitoring`), for staff who read the ratings. One query."""
    if not (is_unit_staff(user) and user.has_perm("commitments.view_civilsocietyrating")):
        return None
    ratings, total = disagreements(plan, FIRST_ITEMS)
    for rating in ratings:
        rating.link = work_link(rating.milestone, user)
    return WorkList(
        "disagreements",
        _("Civil society disagrees"),
        _(
            "Milestones that a civil-society organisation rates more than one step away"
            " from the government's record."
        ),
        total,
        ratings,
    )


def work_lists(user, plan: ActionPlan) -> list[WorkList]:
    """What waits for `user` in `plan`: unit staff see everything; an agency focal point
    sees their agencies' letters, milestones and translations; others see no work lists."""
    staff = is_unit_staff(user)
    if not staff and not is_agency_scoped(user):
        return []
    now = timezone.now()
    today = timezone.localdate(now)
    commitments = Commitment.objects.in_plan(plan).visible_to(user).select_related("plan")
    lists = []
    if staff and user.has_perm("consultations.change_comment"):
        comments = Comment.objects.filter(window__plan=plan).select_related(
            "window__plan", "commitment"
        )
        lists.append(
            first_items(
                user,
                "comments_pending",
                _("Comments to moderate"),
                _("Comments waiting to be published or hidden."),
                comments.filter(state=ModerationState.PENDING).order_by("created_at"),
            )
        )
        lists.append(
            first_items(
                user,
                "comments_unanswered",
                _("Comments without a response"),
                _(
                    "Published comments and forum members' remarks that the unit has not"
                    " answered yet."
                ),
                comments.awaiting_response().order_by("published_at", "created_at"),
            )
        )
    lists.append(
        first_items(
            user,
            "letters_overdue",
            _("Approval letters overdue"),
            _("Letters awaiting an agency's reply after the date it was due."),
            ApprovalLetter.objects.filter(
                commitment__in=commitments.values("pk"),
                decision=Decision.PENDING,
                due_on__lt=today,
            )
            .select_related("commitment__plan", "organisation")
            .order_by("due_on", "pk"),
        )
    )
    if staff and user.has_perm("meetings.change_meeting"):
        lists.append(
            first_items(
                user,
                "minutes",
                _("Minutes to publish"),
                _("Meetings that took place whose minutes are not published yet."),
                Meeting.objects.filter(plan=plan, starts_at__lt=now)
                .exclude(minutes_state=MinutesState.PUBLISHED)
                .select_related("plan")
                .order_by("starts_at"),
            )
        )
    if staff and user.has_perm("meetings.view_outcome"):
        outcomes = first_items(
            user,
            "outcomes_open",
            _("Meeting outcomes still open"),
            _("Agreed outcomes not done yet, those past their due date first."),
            Outcome.objects.filter(
                meeting__plan=plan, status__in=[OutcomeStatus.OPEN, OutcomeStatus.IN_PROGRESS]
            )
            .select_related("meeting__plan", "owner")
            .order_by(F("due_on").asc(nulls_last=True), "meeting__starts_at", "number"),
        )
        for outcome in outcomes.items:
            outcome.is_overdue = outcome.due_on is not None and outcome.due_on < today
        lists.append(outcomes)
    lists.append(
        first_items(
            user,
            "milestones_late",
            _("Milestones past due"),
            _("Milestones whose end date has passed and that are not completed."),
            Milestone.objects.filter(commitment__in=commitments.values("pk"), ends_on__lt=today)
            .exclude(status=MilestoneStatus.COMPLETED)
            .select_related("commitment__plan")
            .order_by("ends_on", "pk"),
        )
    )
    lists.append(missing_translations(user, commitments))
    return lists


@require_GET
@workspace_view()
def dashboard(request):
    plans = list(ActionPlan.objects.order_by("-number"))
    plan = plans[0] if plans else None
    wanted = request.GET.get("plan", "")
    if wanted:
        plan = next((p for p in plans if str(p.number) == wanted), None)
        if plan is None:
            raise Http404
    context = {"plans": plans, "plan": plan, "stage_total": STAGE_COUNT}
    if is_forum_member(request.user):
        # Members-only feedback periods open now, whatever the plan (one query).
        context["feedback_periods"] = list(
            CommentWindow.objects.filter(audience=Audience.FORUM)
            .open_at(timezone.now())
            .select_related("plan")
            .order_by("closes_at")
        )
    if plan is not None:
        stages = all_stages(plan)
        context |= {
            "stages": stages,
            "stages_done": sum(stage.is_completed for stage in stages),
            "current_stage": next(
                (stage for stage in stages if stage.status == StageStatus.IN_PROGRESS), None
            ),
            "work": work_lists(request.user, plan),
            "calendar": (
                forum_calendar(request.user, plan, timezone.localdate())
                if is_unit_staff(request.user) and request.user.has_perm("meetings.change_meeting")
                else None
            ),
            "disagreements": civil_society_disagreements(request.user, plan),
        }
        if is_unit_staff(request.user) and request.user.has_perm("consultations.change_comment"):
            context["dispositions"] = dispositions_missing(plan)
    return render(request, "manage/dashboard.html", context)
