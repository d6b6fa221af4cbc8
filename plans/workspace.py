"""Workspace views for plans, their seven stages and organisations."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from ogp_portal.access import workspace_view

from .models import ActionPlan


@require_GET
@workspace_view("plans.view_actionplan")
def plan_list(request):
    plans = ActionPlan.objects.order_by("-number")
    return render(request, "manage/plans/plan_list.html", {"plans": plans})
