"""Workspace views for the forum's bodies (the MSF, the national working group, a task force
per commitment) and their members. Writes go through `meetings.services`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import show_service_error, workspace_view

from . import services
from .forms import BodyForm, MembershipEndForm, MembershipForm
from .models import Body, Membership


@require_GET
@workspace_view("meetings.view_body")
def body_list(request):
    today = timezone.localdate()
    current = Q(memberships__starts_on__isnull=True) | Q(memberships__starts_on__lte=today)
    current &= Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today)
    bodies = Body.objects.select_related("plan", "commitment").annotate(
        member_count=Count("memberships", filter=current, distinct=True)
    )
    return render(request, "manage/meetings/body_list.html", {"bodies": bodies})


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_body", "meetings.add_body")
def body_create(request):
    form = BodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            body = services.save_body(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The body was created. Add its members."))
            return redirect("manage:body_manage", pk=body.pk)
    return render(request, "manage/meetings/body_form.html", {"form": form, "body": None})


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_body", "meetings.change_body")
def body_edit(request, pk: int):
    body = get_object_or_404(Body, pk=pk)
    form = BodyForm(request.POST or None, instance=Body.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_body(body=body, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The body was saved."))
            return redirect("manage:body_manage", pk=body.pk)
    return render(request, "manage/meetings/body_form.html", {"form": form, "body": body})


@require_GET
@workspace_view("meetings.view_body", "meetings.view_membership")
def body_manage(request, pk: int):
    """A body with its current and former members."""
    body = get_object_or_404(Body.objects.select_related("plan", "commitment"), pk=pk)
    memberships = list(
        body.memberships.select_related("person", "organisation").order_by(
            "organisation__sector", "person__name_ar"
        )
    )
    current = set(Membership.objects.current().filter(body=body).values_list("pk", flat=True))
    context = {
        "body": body,
        "current": [m for m in memberships if m.pk in current],
        "former": [m for m in memberships if m.pk not in current],
        "end_form": MembershipEndForm(initial={"ends_on": timezone.localdate()}),
    }
    return render(request, "manage/meetings/body_manage.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_body", "meetings.add_membership")
def membership_create(request, pk: int):
    body = get_object_or_404(Body, pk=pk)
    form = MembershipForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_membership(body=body, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The member was added."))
            return redirect("manage:body_manage", pk=body.pk)
    context = {"form": form, "body": body, "membership": None}
    return render(request, "manage/meetings/membership_form.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_body", "meetings.change_membership")
def membership_edit(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("body"), pk=pk)
    form = MembershipForm(request.POST or None, instance=Membership.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_membership(
                membership=membership, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The membership was saved."))
            return redirect("manage:body_manage", pk=membership.body_id)
    context = {"form": form, "body": membership.body, "membership": membership}
    return render(request, "manage/meetings/membership_form.html", context)


@require_POST
@workspace_view("meetings.view_body", "meetings.change_membership")
def membership_end(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("person"), pk=pk)
    form = MembershipEndForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(
                membership=membership, on=form.cleaned_data["ends_on"], by=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("The membership of %(name)s ends on %(date)s.")
                % {"name": membership.person.name_ar, "date": form.cleaned_data["ends_on"]},
            )
    else:
        messages.error(request, _("Give the last day of the term."))
    return redirect("manage:body_manage", pk=membership.body_id)
