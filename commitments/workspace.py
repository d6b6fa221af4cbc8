"""Workspace views for commitments: the list of a plan's commitments, one commitment's
page, and the OGP template form with its milestones (create and edit).

Every write goes through `commitments.services` (and `plans.services` for a new
organisation); a stale edit answers 409 with the conflict page and the user's text kept.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict, ErrorList
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import show_service_error, workspace_view
from core.concurrency import StaleEdit
from core.conflicts import conflict_context, rebase_form
from plans.models import ActionPlan
from plans.services import create_organisation

from . import services
from .forms import (
    RELEVANCE_QUESTION,
    CommitmentEditForm,
    CommitmentForm,
    MilestoneFormSet,
    OrganisationInlineForm,
    milestone_initial,
    text_rows,
)
from .models import ADDITIONAL_SECTIONS, TEMPLATE_SECTIONS, Commitment, Decision

FORM_TEMPLATE = "manage/commitments/commitment_form.html"
MILESTONE_PREFIX = "milestones"
# Buttons of the commitment form that re-render it (data kept) instead of saving it.
ADD_MILESTONE = "add_milestone"
CREATE_ORGANISATION = "create_organisation"


def optional_url(name: str, **kwargs) -> str | None:
    """The URL of a workspace screen another area provides, or None until it exists."""
    try:
        return reverse(f"manage:{name}", kwargs=kwargs)
    except NoReverseMatch:
        return None


def visible_commitment(user, pk: int, queryset=None) -> Commitment:
    """The commitment `pk` if `user` may see it (an agency focal point only their
    agencies'); 404 otherwise."""
    queryset = queryset if queryset is not None else Commitment.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


@require_http_methods(["GET"])
@workspace_view("commitments.view_commitment")
def commitment_list(request, number):
    plan = get_object_or_404(ActionPlan, number=number)
    commitments = (
        Commitment.objects.in_plan(plan).visible_to(request.user).for_listing().order_by("number")
    )
    rows = [
        {"commitment": commitment, "missing": commitment.missing_translations()}
        for commitment in commitments
    ]
    return render(
        request,
        "manage/commitments/commitment_list.html",
        {"plan": plan, "rows": rows},
    )


@require_http_methods(["GET"])
@workspace_view("commitments.view_commitment")
def commitment_detail(request, pk):
    queryset = Commitment.objects.for_detail().prefetch_related("approval_letters__organisation")
    commitment = visible_commitment(request.user, pk, queryset)
    fingerprint = commitment.text_fingerprint()
    letters = [
        {
            "letter": letter,
            "is_current": letter.text_fingerprint == fingerprint,
            "from_lead": letter.organisation_id == commitment.lead_institution_id,
            "url": optional_url("letter_detail", pk=letter.pk),
        }
        for letter in commitment.approval_letters.all()
    ]
    approved = any(
        row["is_current"] and row["from_lead"] and row["letter"].decision == Decision.APPROVED
        for row in letters
    )
    return render(
        request,
        "manage/commitments/commitment_detail.html",
        {
            "commitment": commitment,
            "sections": text_rows(commitment, TEMPLATE_SECTIONS),
            "relevance": text_rows(commitment, [RELEVANCE_QUESTION])[0],
            "additional": text_rows(commitment, ADDITIONAL_SECTIONS),
            "sdgs": sorted(commitment.sdgs or []),
            "milestones": sorted(commitment.milestones.all(), key=lambda m: m.number),
            "letters": letters,
            "approved": approved,
            "letter_create_url": optional_url("letter_create", pk=commitment.pk),
            "missing": commitment.missing_translations(),
        },
    )


@require_POST
@workspace_view("commitments.view_commitment", "commitments.publish_commitment")
def commitment_publish(request, pk):
    commitment = visible_commitment(request.user, pk)
    published = request.POST.get("published") == "1"
    try:
        services.set_commitment_published(
            commitment=commitment, published=published, by=request.user
        )
    except ValidationError as error:
        show_service_error(request, error)
        return redirect("manage:commitment_detail", pk=commitment.pk)
    if published:
        messages.success(request, _("The commitment is published."))
    else:
        messages.success(request, _("The commitment is no longer published."))
    return redirect("manage:commitment_detail", pk=commitment.pk)


def quiet(form) -> None:
    """Show a bound form again without judging it: after "add a milestone" or "add an
    organisation" the user has not asked to save yet, so no field is marked wrong."""
    forms = getattr(form, "forms", None)
    if forms is not None:
        form._non_form_errors = ErrorList()
        form._errors = [ErrorDict() for _form in forms]
        for inner in forms:
            quiet(inner)
    else:
        form._errors = ErrorDict()


def with_extra_milestone(data):
    data = data.copy()
    key = f"{MILESTONE_PREFIX}-TOTAL_FORMS"
    data[key] = str(int(data.get(key) or 0) + 1)
    return data


def organisation_created_message(organisation) -> str:
    """The confirmation, with the name isolated (it may be in the other language)."""
    return format_html(
        _("{name} was added. It is now in the lists of lead and supporting institutions."),
        name=format_html('<bdi dir="auto">{}</bdi>', organisation.name),
    )


def form_context(request, *, plan, form, formset, org_form, commitment=None, **extra) -> dict:
    return {
        "plan": plan,
        "commitment": commitment,
        "form": form,
        "formset": formset,
        "org_form": org_form,
        "can_add_organisation": request.user.has_perm("plans.add_organisation"),
        **extra,
    }


def handle_form(request, *, plan, commitment=None):
    """The create and edit pages share everything but the service they call."""
    form_class = CommitmentEditForm if commitment else CommitmentForm
    if request.method == "GET":
        form = form_class(instance=commitment)
        initial = milestone_initial(commitment) if commitment else []
        formset = MilestoneFormSet(prefix=MILESTONE_PREFIX, initial=initial)
        if commitment:
            form.seal(formset)
        context = form_context(
            request,
            plan=plan,
            commitment=commitment,
            form=form,
            formset=formset,
            org_form=OrganisationInlineForm(),
        )
        return render(request, FORM_TEMPLATE, context)

    data = request.POST
    initial = milestone_initial(commitment) if commitment else []
    if ADD_MILESTONE in data:
        data = with_extra_milestone(data)
    org_form = OrganisationInlineForm()
    if CREATE_ORGANISATION in data:
        org_form = OrganisationInlineForm(data=data)
        if not request.user.has_perm("plans.add_organisation"):
            org_form.add_error(None, _("You may not add organisations."))
        elif org_form.is_valid():
            organisation = create_organisation(data=org_form.cleaned_data, by=request.user)
            messages.success(request, organisation_created_message(organisation))
            org_form = OrganisationInlineForm()
    form = form_class(data=data, instance=commitment)
    # `form.data`: the posted data with the choices made on the conflict page applied.
    formset = MilestoneFormSet(data=form.data, prefix=MILESTONE_PREFIX, initial=initial)
    context = form_context(
        request, plan=plan, commitment=commitment, form=form, formset=formset, org_form=org_form
    )
    if ADD_MILESTONE in data or CREATE_ORGANISATION in data:
        quiet(form)
        quiet(formset)
        return render(request, FORM_TEMPLATE, context)

    if not (form.is_valid() and formset.is_valid()):
        return render(request, FORM_TEMPLATE, context)
    try:
        if commitment is None:
            saved = services.create_commitment(
                plan=plan,
                data=form.service_data(),
                by=request.user,
                milestones=formset.rows(),
                relations=form.relations(),
            )
        else:
            saved = services.update_commitment(
                commitment=commitment,
                data=form.service_data(),
                expected_version=form.cleaned_data["version"],
                by=request.user,
                milestones=formset.rows(),
                relations=form.relations(),
            )
    except StaleEdit as stale:
        saved = MilestoneFormSet(prefix=MILESTONE_PREFIX, initial=milestone_initial(stale.current))
        form = rebase_form(form, stale.current, formsets=[(formset, saved, _("Milestones"))])
        formset = MilestoneFormSet(data=form.data, prefix=MILESTONE_PREFIX, initial=saved.initial)
        quiet(formset)
        context |= {"form": form, "formset": formset, "commitment": stale.current}
        context |= conflict_context(form, stale.current)
        return render(request, FORM_TEMPLATE, context, status=409)
    except ValidationError as error:
        show_service_error(request, error, form)
        return render(request, FORM_TEMPLATE, context)
    messages.success(request, _("The commitment is saved."))
    return redirect("manage:commitment_detail", pk=saved.pk)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.add_commitment")
def commitment_create(request, number):
    plan = get_object_or_404(ActionPlan, number=number)
    return handle_form(request, plan=plan)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.change_commitment")
def commitment_edit(request, pk):
    queryset = Commitment.objects.select_related("plan").prefetch_related(
        "milestones", "supporting_institutions", "policy_areas"
    )
    commitment = visible_commitment(request.user, pk, queryset)
    return handle_form(request, plan=commitment.plan, commitment=commitment)


@require_POST
@workspace_view("plans.add_organisation")
def organisation_create_inline(request):
    """htmx: add an organisation from inside the commitment form, and answer with the small
    form again (empty, or with its errors) and the refreshed institution lists, keeping
    what the user had chosen in them."""
    if not request.headers.get("HX-Request"):
        raise Http404  # the page without JavaScript posts to its own form view instead
    org_form = OrganisationInlineForm(data=request.POST)
    created = None
    if org_form.is_valid():
        created = create_organisation(data=org_form.cleaned_data, by=request.user)
        org_form = OrganisationInlineForm()
    form = CommitmentForm(data=request.POST)
    return render(
        request,
        "manage/commitments/_organisation_inline.html",
        {
            "form": form,
            "org_form": org_form,
            "created": created,
            "created_message": organisation_created_message(created) if created else "",
            "can_add_organisation": True,
            "refresh_selects": True,
        },
    )
