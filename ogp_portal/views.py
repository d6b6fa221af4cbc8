"""Site-level pages that bring several apps together, and the health check."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from commitments.models import Commitment, plan_achievement
from consultations.models import CommentWindow
from plans.models import ActionPlan


@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def home(request):
    """The public front page: the current plan, its stages and its commitments."""
    plan = ActionPlan.objects.with_stages().current()
    return render_plan(request, plan, template="home.html")


@require_GET
def plan_detail(request, number: int):
    plan = ActionPlan.objects.with_stages().filter(number=number).first()
    if plan is None:
        raise Http404
    return render_plan(request, plan, template="plans/actionplan_detail.html")


def render_plan(request, plan: ActionPlan | None, *, template: str):
    context = {"plan": plan}
    if plan is not None:
        commitments = list(Commitment.objects.in_plan(plan).published().for_listing())
        stages = list(plan.stages.all())
        context |= {
            "stages": stages,
            "stages_completed": sum(stage.is_completed for stage in stages),
            "commitments": commitments,
            "achievement": plan_achievement(commitments),
            "open_windows": list(
                CommentWindow.objects.filter(plan=plan).public().open_at(timezone.now())
            ),
        }
    return render(request, template, context)
