"""Progress reporting in the workspace: an agency's focal point reports each milestone of
their agencies' commitments (status, percent done, what was done, evidence); unit staff
may report too. Reports go through `services.report_progress`, so the commitment's progress
and the plan's achievement rate follow. Evidence files are private: served only here, to
those who may see the commitment.
"""

import mimetypes
from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import workspace_view

from . import services
from .models import Commitment, Milestone, MilestoneStatus, ProgressReport
from .progress_forms import ProgressReportForm

REPORT_PERMS = ("commitments.add_progressreport", "commitments.change_milestone")


def mark_past_due(milestones, today) -> list[Milestone]:
    """Mark each milestone past due when its end date has gone by unfinished."""
    for milestone in milestones:
        milestone.is_past_due = (
            milestone.ends_on < today and milestone.status != MilestoneStatus.COMPLETED
        )
    return milestones


def reportable_milestones(user):
    """The milestones `user` may report on: for a focal point, those of their agencies'
    commitments only."""
    return Milestone.objects.filter(commitment__in=Commitment.objects.visible_to(user))


@require_GET
@workspace_view(*REPORT_PERMS)
def my_commitments(request):
    today = timezone.localdate()
    commitments = list(
        Commitment.objects.visible_to(request.user)
        .select_related("plan", "lead_institution")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("number")))
        .order_by("-plan__number", "number")
    )
    for commitment in commitments:
        commitment.milestone_rows = mark_past_due(list(commitment.milestones.all()), today)
    return render(
        request,
        "manage/progress/my_commitments.html",
        {"commitments": commitments, "today": today},
    )


@require_http_methods(["GET", "POST"])
@workspace_view(*REPORT_PERMS)
def milestone_progress(request, pk: int):
    milestone = get_object_or_404(
        reportable_milestones(request.user).select_related(
            "commitment__plan", "commitment__lead_institution"
        ),
        pk=pk,
    )
    if request.method == "POST":
        form = ProgressReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_progress(
                    milestone=milestone,
                    status=data["status"],
                    progress_percent=data["progress_percent"],
                    narrative=data["narrative"],
                    evidence_url=data["evidence_url"],
                    evidence_file=data["evidence_file"] or None,
                    by=request.user,
                    now=timezone.now(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your progress report is saved."))
                return redirect(
                    f"{reverse('manage:my_commitments')}#commitment-{milestone.commitment_id}"
                )
    else:
        form = ProgressReportForm(
            initial={"status": milestone.status, "progress_percent": milestone.completion_percent}
        )
    reports = milestone.progress_reports.select_related("reported_by").order_by("-reported_at")
    mark_past_due([milestone], timezone.localdate())
    return render(
        request,
        "manage/progress/milestone_progress.html",
        {
            "milestone": milestone,
            "commitment": milestone.commitment,
            "form": form,
            "reports": reports,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@workspace_view("commitments.view_progressreport")
def progress_evidence(request, pk: int):
    """A report's evidence file, to those who may see its commitment (never a public URL)."""
    report = get_object_or_404(
        ProgressReport.objects.filter(
            milestone__commitment__in=Commitment.objects.visible_to(request.user)
        ).exclude(evidence_file=""),
        pk=pk,
    )
    name = PurePosixPath(report.evidence_file.name).name
    try:
        handle = report.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, filename=name, content_type=content_type)
