"""The staff workspace's dashboard: the current plan's stages and the work waiting."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import workspace_view


@require_GET
@workspace_view()
def dashboard(request):
    return render(request, "manage/dashboard.html", {})
