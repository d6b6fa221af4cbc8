"""The Independent Reporting Mechanism's findings, recorded by the unit's staff: the IRM's
reports on a plan (with their findings on the minimum requirements) and its assessment of
each commitment (design and results, each with the IRM's own words and the report it comes
from). They sit beside the government's own progress and never feed it: `progress` is
computed from milestones alone.

Writes go through `save_irm_report` and `save_irm_assessment`, which the workspace views
below and the admin call.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import inlineformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.access import show_service_error, workspace_view
from core.concurrency import save_as
from plans.models import ActionPlan

from .models import (
    Commitment,
    IRMAssessment,
    IRMFinding,
    IRMReport,
    IRMReportKind,
    MinimumRequirement,
)

# --- services -------------------------------------------------------------------------

ASSESSMENT_FIELDS = [
    "design_report",
    "verifiable",
    "ogp_values_lens",
    "potential_for_results",
    "promising",
    "notes_ar",
    "notes_en",
    "results_report",
    "completion",
    "opened_government",
    "results_text_ar",
    "results_text_en",
]
# What a save may set: the form's fields, and two the admin still shows.
SAVED_FIELDS = [*ASSESSMENT_FIELDS, "early_results", "report_url"]
REPORT_FIELDS = ["kind", "title_en", "title_ar", "url", "published_on"]


@transaction.atomic
def save_irm_report(*, report: IRMReport, findings=None, by) -> IRMReport:
    """Save an IRM report of its plan, and its findings on the minimum requirements (an
    inline formset bound to it) when given."""
    report.full_clean()
    save_as(report, by)
    if findings is not None:
        findings.instance = report
        rows = findings.save(commit=False)
        for row in findings.deleted_objects:
            row._history_user = by
            row.delete()
        for row in rows:
            row.report = report
            row.full_clean()
            save_as(row, by)
    return report


@transaction.atomic
def save_irm_assessment(*, commitment: Commitment, data: dict, by) -> IRMAssessment:
    """Record the IRM's assessment of `commitment` (one per commitment); the reports must be
    the plan's own, of the right kind (`IRMAssessment.clean`)."""
    assessment = IRMAssessment.objects.filter(commitment=commitment).first() or IRMAssessment(
        commitment=commitment
    )
    for name in SAVED_FIELDS:
        if name in data:
            setattr(assessment, name, data[name])
    if assessment.design_report is not None and not assessment.report_url:
        assessment.report_url = assessment.design_report.url
    assessment.full_clean()
    save_as(assessment, by)
    return assessment


# --- the plan document ---------------------------------------------------------------


def irm_part(commitment: Commitment) -> dict | None:
    """What the plan document prints of the IRM's assessment of `commitment` (loaded with
    its reports by `printing.plan_commitments`), as plain data; None when there is none."""
    from plans.parts import day, text

    irm = commitment.irm
    if irm is None:
        return None

    def source(report):
        if report is None:
            return None
        return {"title": text(report, "title"), "url": report.url, "date": day(report.published_on)}

    yes, no = _("Yes"), _("No")
    return {
        "verifiable": yes if irm.verifiable else no,
        "relevant": yes if irm.ogp_values_lens else no,
        "potential": irm.get_potential_for_results_display() if irm.potential_for_results else "",
        "promising": yes if irm.promising else no,
        "design_text": text(irm, "notes"),
        "design_source": source(irm.design_report),
        "completion": irm.get_completion_display() if irm.completion else "",
        "opened": irm.get_opened_government_display() if irm.opened_government else "",
        "results_text": text(irm, "results_text"),
        "results_source": source(irm.results_report),
    }


# --- forms ----------------------------------------------------------------------------


class IRMReportForm(forms.ModelForm):
    class Meta:
        model = IRMReport
        fields = REPORT_FIELDS
        widgets = {
            "url": forms.URLInput(attrs={"dir": "ltr"}),
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr"}),
        }


FindingFormSet = inlineformset_factory(
    IRMReport,
    IRMFinding,
    fields=["requirement", "verdict", "text_ar", "text_en"],
    extra=len(MinimumRequirement.values),
    max_num=len(MinimumRequirement.values),
    can_delete=True,
    widgets={
        "text_ar": forms.Textarea(attrs={"rows": 2, "dir": "rtl"}),
        "text_en": forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
    },
)


class IRMAssessmentForm(forms.ModelForm):
    class Meta:
        model = IRMAssessment
        fields = ASSESSMENT_FIELDS
        widgets = {
            "notes_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
            "notes_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
            "results_text_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
            "results_text_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        }
        labels = {"potential_for_results": gettext_lazy("potential impact")}

    def __init__(self, *args, commitment: Commitment, **kwargs):
        super().__init__(*args, **kwargs)
        reports = IRMReport.objects.filter(plan=commitment.plan_id)
        self.fields["design_report"].queryset = reports.filter(kind=IRMReportKind.DESIGN)
        self.fields["results_report"].queryset = reports.filter(kind=IRMReportKind.RESULTS)


# --- views ----------------------------------------------------------------------------


@require_GET
@workspace_view("commitments.view_irmassessment")
def irm_reports(request, number: int):
    """The IRM's reports on a plan, each with its findings on the minimum requirements."""
    plan = get_object_or_404(ActionPlan, number=number)
    reports = IRMReport.objects.filter(plan=plan).prefetch_related("findings")
    context = {"plan": plan, "reports": reports}
    return render(request, "manage/irm/report_list.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.view_irmassessment", "commitments.change_irmassessment")
def irm_report_edit(request, number: int, pk: int | None = None):
    plan = get_object_or_404(ActionPlan, number=number)
    report = get_object_or_404(IRMReport, plan=plan, pk=pk) if pk else IRMReport(plan=plan)
    form = IRMReportForm(request.POST or None, instance=report)
    findings = FindingFormSet(request.POST or None, instance=report, prefix="findings")
    if request.method == "POST" and form.is_valid() and findings.is_valid():
        try:
            save_irm_report(report=form.save(commit=False), findings=findings, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The IRM report was saved."))
            return redirect("manage:irm_reports", number=plan.number)
    context = {"plan": plan, "report": report, "form": form, "findings": findings}
    return render(request, "manage/irm/report_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.view_irmassessment", "commitments.change_irmassessment")
def irm_assessment_edit(request, pk: int):
    commitment = get_object_or_404(Commitment.objects.select_related("plan"), pk=pk)
    instance = IRMAssessment.objects.filter(commitment=commitment).first()
    form = IRMAssessmentForm(request.POST or None, instance=instance, commitment=commitment)
    if request.method == "POST" and form.is_valid():
        try:
            save_irm_assessment(commitment=commitment, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The IRM assessment was saved."))
            return redirect("manage:irm_assessment", pk=commitment.pk)
    context = {"commitment": commitment, "form": form, "assessment": instance}
    return render(request, "manage/irm/assessment_form.html", context)
