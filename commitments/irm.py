"""The Independent Reporting Mechanism's findings, recorded by the unit's staff: the IRM's
reports on a plan (with their findings on the minimum requirements) and its assessment of
each commitment (design and results, each with the IRM's own words and the report it comes
from). They sit beside the government's own progress and never feed it: `progress` is
computed from milestones alone.

Writes go through `save_irm_report` and `save_irm_assessment`, which the workspace views
below and the admin call. Both are versioned: a page opened before someone else saved the
report (with its findings) or the assessment answers 409 with the merge (`core.conflicts`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import inlineformset_factory
from django.forms.utils import ErrorDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.access import show_service_error, workspace_view
from core.concurrency import StaleEdit, lock_for_edit, save_as
from core.conflicts import VersionedFormMixin, conflict_context, conflict_page, rebase_form
from core.forms import DATE_WIDGET
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
def save_irm_report(
    *, report: IRMReport, findings=None, by, expected_version: int | None = None
) -> IRMReport:
    """Save an IRM report of its plan, and its findings on the minimum requirements (an
    inline formset bound to it) when given. An edit opened on `expected_version` raises
    `StaleEdit` when the report or its findings were saved since; each save of a saved report
    raises its version."""
    if report.pk:
        if expected_version is None:
            current = IRMReport.objects.select_for_update().get(pk=report.pk)
        else:
            current = lock_for_edit(report, expected_version)
        report.version = current.version + 1
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
def save_irm_finding(*, finding: IRMFinding, by, delete: bool = False) -> None:
    """Save (or delete) one finding on its own (the admin), counted in its report's version
    like a save of the report's page: a page opened on the report before is then stale."""
    report = IRMReport.objects.select_for_update().get(pk=finding.report_id)
    if delete:
        finding._history_user = by
        finding.delete()
    else:
        finding.full_clean()
        save_as(finding, by)
    report.version += 1
    save_as(report, by, update_fields=["version"])


@transaction.atomic
def save_irm_assessment(
    *, commitment: Commitment, data: dict, by, expected_version: int | None = None
) -> IRMAssessment:
    """Record the IRM's assessment of `commitment` (one per commitment); the reports must be
    the plan's own, of the right kind (`IRMAssessment.clean`).

    A form opened on `expected_version` (0: when there was none yet) raises `StaleEdit` when
    the assessment was saved, or first created, since."""
    # The commitment's row serialises the first assessment's creation.
    Commitment.objects.select_for_update().only("pk").get(pk=commitment.pk)
    assessment = IRMAssessment.objects.select_for_update().filter(commitment=commitment).first()
    if assessment is None:
        assessment = IRMAssessment(commitment=commitment)
    elif expected_version is not None and assessment.version != expected_version:
        raise StaleEdit(assessment)
    else:
        assessment.version += 1
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


class IRMReportForm(VersionedFormMixin, forms.ModelForm):
    """A report and, sealed with it, its findings (version 0 while it is not saved)."""

    class Meta:
        model = IRMReport
        fields = REPORT_FIELDS
        widgets = {
            "url": forms.URLInput(attrs={"dir": "ltr"}),
            "published_on": DATE_WIDGET,
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


class AssessmentFields(forms.ModelForm):
    """The assessment's fields; the reports offered are the commitment's plan's."""

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


class IRMAssessmentForm(VersionedFormMixin, AssessmentFields):
    """A commitment's assessment: version 0 until the first one is saved, so that saving a
    form opened before someone else created it is a conflict, not an overwrite."""

    class Meta(AssessmentFields.Meta):
        pass


# --- views ----------------------------------------------------------------------------


@require_GET
@workspace_view("commitments.view_irmassessment")
def irm_reports(request, number: int):
    """The IRM's reports on a plan, each with its findings on the minimum requirements."""
    plan = get_object_or_404(ActionPlan, number=number)
    reports = IRMReport.objects.filter(plan=plan).prefetch_related("findings")
    context = {"plan": plan, "reports": reports}
    return render(request, "manage/irm/report_list.html", context)


FINDINGS_PREFIX = "findings"


def quiet(formset) -> None:
    """Show merged rows without judging them: the user has not saved them yet."""
    formset._non_form_errors = formset.error_class()
    formset._errors = [ErrorDict() for _form in formset.forms]
    for row in formset.forms:
        row._errors = ErrorDict()


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.view_irmassessment", "commitments.change_irmassessment")
def irm_report_edit(request, number: int, pk: int | None = None):
    plan = get_object_or_404(ActionPlan, number=number)
    report = get_object_or_404(IRMReport, plan=plan, pk=pk) if pk else IRMReport(plan=plan)
    opened_on = report.version if report.pk else None
    form = IRMReportForm(request.POST or None, instance=report)
    # `form.data`: the posted data with the choices made on the conflict page applied.
    data = form.data if form.is_bound else None
    findings = FindingFormSet(data, instance=report, prefix=FINDINGS_PREFIX)
    form.seal(findings)
    status = 200
    if request.method == "POST" and form.is_valid():
        current = None
        if opened_on is not None and form.cleaned_data["version"] != opened_on:
            # Stale: merged before the findings are judged (one may be gone since).
            current = IRMReport.objects.get(pk=report.pk)
        elif findings.is_valid():
            try:
                save_irm_report(
                    report=form.save(commit=False),
                    findings=findings,
                    expected_version=form.cleaned_data["version"] if opened_on else None,
                    by=request.user,
                )
            except StaleEdit as stale:
                current = stale.current
            except ValidationError as error:
                show_service_error(request, error, form)
            else:
                messages.success(request, _("The IRM report was saved."))
                return redirect("manage:irm_reports", number=plan.number)
        if current is not None:
            report = current
            saved = FindingFormSet(instance=report, prefix=FINDINGS_PREFIX)
            label = _("The IRM's findings on the minimum requirements")
            form = rebase_form(form, report, formsets=[(findings, saved, label)])
            findings = FindingFormSet(form.data, instance=report, prefix=FINDINGS_PREFIX)
            form.seal(findings)
            quiet(findings)
            status = 409
    context = {"plan": plan, "report": report, "form": form, "findings": findings}
    context |= conflict_context(form, report)
    return render(request, "manage/irm/report_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.view_irmassessment", "commitments.change_irmassessment")
def irm_assessment_edit(request, pk: int):
    commitment = get_object_or_404(Commitment.objects.select_related("plan"), pk=pk)
    saved = IRMAssessment.objects.filter(commitment=commitment).first()
    instance = saved or IRMAssessment(commitment=commitment)
    form = IRMAssessmentForm(request.POST or None, instance=instance, commitment=commitment)
    context = {"commitment": commitment, "form": form, "assessment": saved}
    if request.method == "POST" and form.is_valid():
        try:
            save_irm_assessment(
                commitment=commitment,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as stale:
            context["assessment"] = stale.current
            return conflict_page(
                request, form, stale.current, "manage/irm/assessment_form.html", context
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The IRM assessment was saved."))
            return redirect("manage:irm_assessment", pk=commitment.pk)
    return render(request, "manage/irm/assessment_form.html", context)
