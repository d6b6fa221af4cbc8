"""Civil society's own rating of the milestones: an account in the civil-society role acts
for the civil-society organisations it is a focal point of, and records per milestone its
own status, rating and evidence. The rating is published beside the government's with the
organisation's name and date, and never touches the milestone or the computed progress.

`rate_milestone` is the one write; the views below, and nothing else, call it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import show_service_error, workspace_view
from core.concurrency import save_as
from plans.models import Organisation, Sector

from .models import CivilSocietyRating, Commitment, Milestone

RATING_FIELDS = ["status", "rating", "evidence", "evidence_url"]


def own_organisations(user):
    """The civil-society organisations `user` speaks for."""
    return Organisation.objects.filter(focal_points=user, sector=Sector.CIVIL_SOCIETY)


def rateable_milestones():
    """Milestones civil society may rate: those of the published commitments."""
    return Milestone.objects.filter(commitment__in=Commitment.objects.published())


@transaction.atomic
def rate_milestone(
    *, milestone: Milestone, organisation: Organisation, data: dict, by
) -> CivilSocietyRating:
    """Record (or update) `organisation`'s rating of `milestone`, dated today. Refused
    unless `by` speaks for `organisation` and the milestone is public; the milestone and
    its progress are left as they are."""
    if not by.has_perm("commitments.add_civilsocietyrating"):
        raise PermissionDenied
    if not own_organisations(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You may rate only in the name of your own organisation."))
    if not rateable_milestones().filter(pk=milestone.pk).exists():
        raise ValidationError(_("Only the milestones of published commitments can be rated."))
    rating = CivilSocietyRating.objects.filter(
        milestone=milestone, organisation=organisation
    ).first() or CivilSocietyRating(milestone=milestone, organisation=organisation)
    for name in RATING_FIELDS:
        setattr(rating, name, data[name])
    rating.author = by
    rating.rated_on = timezone.localdate()
    rating.full_clean()
    save_as(rating, by)
    return rating


class RatingForm(forms.ModelForm):
    class Meta:
        model = CivilSocietyRating
        fields = RATING_FIELDS
        widgets = {
            "evidence": forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
            "evidence_url": forms.URLInput(attrs={"dir": "ltr"}),
        }


@require_GET
@workspace_view("commitments.add_civilsocietyrating")
def rating_list(request):
    """The milestones the signed-in organisation may rate, with its ratings so far."""
    organisations = list(own_organisations(request.user))
    milestones = list(
        rateable_milestones()
        .select_related("commitment__plan")
        .order_by("commitment__plan__number", "commitment__number", "number")
    )
    ratings = {
        rating.milestone_id: rating
        for rating in CivilSocietyRating.objects.filter(organisation__in=organisations)
    }
    for milestone in milestones:
        milestone.own_rating = ratings.get(milestone.pk)
    context = {"organisations": organisations, "milestones": milestones}
    return render(request, "manage/monitoring/rating_list.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.add_civilsocietyrating", "commitments.change_civilsocietyrating")
def rate(request, pk: int):
    milestone = get_object_or_404(rateable_milestones().select_related("commitment__plan"), pk=pk)
    organisations = list(own_organisations(request.user))
    if not organisations:
        raise PermissionDenied
    organisation = organisations[0]
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    if wanted:
        organisation = next((o for o in organisations if str(o.pk) == wanted), None)
        if organisation is None:
            raise PermissionDenied
    current = CivilSocietyRating.objects.filter(
        milestone=milestone, organisation=organisation
    ).first()
    form = RatingForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            rate_milestone(
                milestone=milestone,
                organisation=organisation,
                data=form.cleaned_data,
                by=request.user,
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("Your rating is published beside the government's."))
            return redirect("manage:cs_ratings")
    context = {
        "milestone": milestone,
        "commitment": milestone.commitment,
        "organisation": organisation,
        "organisations": organisations,
        "form": form,
    }
    return render(request, "manage/monitoring/rate.html", context)


def disagreements(plan, limit: int):
    """Ratings of `plan`'s milestones more than one step from the government's own record
    (one query), and how many there are."""
    ratings = (
        CivilSocietyRating.objects.filter(milestone__commitment__plan=plan)
        .select_related("milestone__commitment__plan", "organisation")
        .order_by("milestone__commitment__number", "milestone__number", "pk")
    )
    found = [rating for rating in ratings if rating.disagrees]
    return found[:limit], len(found)
