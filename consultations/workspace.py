"""Staff workspace: moderate comments (bulk publish / hide with a reason code), redact
personal data, draft and publish reasoned responses. Every write goes through services."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ogp_portal.access import workspace_view

from . import services
from .models import Comment, CommentWindow, HiddenReason, ModerationState, Outcome

PER_PAGE = 50


class BulkModerationForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[("publish", gettext_lazy("Publish")), ("hide", gettext_lazy("Hide"))],
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason for hiding"),
        choices=[("", "---------"), *HiddenReason.choices],
        required=False,
    )
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one comment.")},
    )


class RedactionForm(forms.Form):
    public_text = forms.CharField(
        label=gettext_lazy("Text the public will read"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
    )


class ResponseForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=Outcome.choices)
    reason_ar = forms.CharField(
        label=gettext_lazy("Reason (Arabic)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ar"}),
    )
    reason_en = forms.CharField(
        label=gettext_lazy("Reason (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
    )


@workspace_view("consultations.change_comment")
@require_http_methods(["GET", "POST"])
def comment_list(request):
    """Comments to moderate, filtered by window and state, with bulk publish / hide."""
    state = request.GET.get("state", ModerationState.PENDING)
    comments = Comment.objects.select_related("window", "commitment", "response").order_by(
        "created_at"
    )
    window_pk = request.GET.get("window")
    if window_pk and window_pk.isdigit():
        comments = comments.filter(window_id=window_pk)
    if state in ModerationState.values:
        comments = comments.filter(state=state)
    form = BulkModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.moderate_comments(
                comments=form.cleaned_data["comments"],
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("%(count)s comment(s) changed.") % {"count": count})
            return redirect(request.get_full_path())
    page = Paginator(comments, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "manage/consultations/comment_list.html",
        {
            "page": page,
            "form": form,
            "state": state,
            "states": ModerationState.choices,
            "windows": list(CommentWindow.objects.select_related("plan")),
            "window_pk": window_pk,
        },
        status=400 if form.errors else 200,
    )


@workspace_view("consultations.change_comment")
@require_http_methods(["GET", "POST"])
def comment_detail(request, pk: int):
    """One comment: the original text for staff, redaction, moderation and the response."""
    comment = get_object_or_404(
        Comment.objects.select_related(
            "window", "commitment", "milestone", "moderated_by", "redacted_by", "logged_by"
        ),
        pk=pk,
    )
    response = comment.response if hasattr(comment, "response") else None
    redaction = RedactionForm(initial={"public_text": comment.public_body})
    response_form = ResponseForm(
        initial={
            "outcome": response.outcome if response else "",
            "reason_ar": response.reason_ar if response else "",
            "reason_en": response.reason_en if response else "",
        }
    )
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "redact":
                redaction = RedactionForm(request.POST)
                if redaction.is_valid():
                    services.redact_comment(
                        comment=comment,
                        public_text=redaction.cleaned_data["public_text"],
                        user=request.user,
                    )
                    messages.success(request, _("The redacted text is published."))
                    return redirect("manage:consultation_comment", pk=comment.pk)
            elif step in ("publish", "hide"):
                services.moderate_comments(
                    comments=[comment],
                    action=step,
                    reason=request.POST.get("reason", ""),
                    user=request.user,
                )
                messages.success(request, _("Moderation saved."))
                return redirect("manage:consultation_comment", pk=comment.pk)
            elif step == "response":
                if not request.user.has_perm("consultations.change_response"):
                    raise PermissionDenied
                response_form = ResponseForm(request.POST)
                if response_form.is_valid():
                    services.save_response(
                        comment=comment, user=request.user, **response_form.cleaned_data
                    )
                    messages.success(request, _("Response saved as a draft."))
                    return redirect("manage:consultation_comment", pk=comment.pk)
            elif step == "publish_response" and response is not None:
                if not request.user.has_perm("consultations.publish_response"):
                    raise PermissionDenied
                services.publish_response(response=response, user=request.user)
                messages.success(request, _("Response published."))
                return redirect("manage:consultation_comment", pk=comment.pk)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            status = 400
        status = 400
    return render(
        request,
        "manage/consultations/comment_detail.html",
        {
            "comment": comment,
            "response": response,
            "redaction": redaction,
            "response_form": response_form,
            "reasons": HiddenReason.choices,
            "can_publish_response": request.user.has_perm("consultations.publish_response"),
        },
        status=status,
    )
