"""Staff workspace: moderate comments (bulk publish / hide with a reason code), redact
personal data, draft and publish reasoned responses; windows (list, create, edit, schedule,
announcements) and comments received elsewhere. Every write goes through services."""

import uuid
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from commitments.forms import TEMPLATE_SECTIONS, text_rows
from commitments.models import Commitment, Milestone
from core.access import show_service_error, workspace_view
from core.numbers import query_int
from core.roles import is_unit_staff
from plans.models import ActionPlan

from . import services
from .forms import MemberRemarkForm, limit_regions
from .models import (
    Announcement,
    Audience,
    Channel,
    Comment,
    CommentPart,
    CommentWindow,
    HiddenReason,
    ModerationState,
    Outcome,
)

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
    comments = Comment.objects.select_related(
        "window", "commitment", "response", "author__person"
    ).order_by("created_at")
    window_pk = query_int(request.GET.get("window"))
    if window_pk is not None:
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
            show_service_error(request, error, form)
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
            "window",
            "commitment",
            "milestone",
            "moderated_by",
            "redacted_by",
            "logged_by",
            "author__person",
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
            show_service_error(request, error)
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


# --- Windows -----------------------------------------------------------------------------

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class WindowCommitmentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("Commitment %(number)s: %(title)s") % {
            "number": obj.number,
            "title": obj.title,
        }


class WindowForm(forms.ModelForm):
    """What a window is about. The commitments offered are those of the window's plan; a
    forged other plan's commitment is refused as an invalid choice (and by the service)."""

    commitments = WindowCommitmentsField(
        queryset=Commitment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Commitments open for comment"),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose commitments of this window's plan only (%(value)s is not one)."
            )
        },
    )

    class Meta:
        model = CommentWindow
        fields = [
            "kind",
            "audience",
            "title_ar",
            "title_en",
            "description_ar",
            "description_en",
            "commitments",
        ]
        labels = {
            "audience": gettext_lazy("Who may comment"),
            "description_ar": gettext_lazy("Announcement text (Arabic)"),
            "description_en": gettext_lazy("Announcement text (English)"),
        }
        help_texts = {
            "description_ar": gettext_lazy(
                "Shown on the window page and used by the posts that announce it."
            ),
        }
        widgets = {
            "title_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
            "description_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "ar"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = Commitment.objects.filter(plan=plan).order_by(
            "number"
        )

    def window_data(self) -> services.WindowData:
        return services.WindowData(
            **{
                field: self.cleaned_data[field]
                for field in (
                    "kind",
                    "audience",
                    "title_ar",
                    "title_en",
                    "description_ar",
                    "description_en",
                )
            }
        )


class ScheduleForm(forms.Form):
    """When comments are accepted, in Amman time."""

    opens_at = forms.DateTimeField(
        label=gettext_lazy("Opens (Amman time)"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"required": gettext_lazy("Give the opening date and time.")},
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day for comments"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Comments are accepted until 23:59:59 Amman time on this day. Empty: 14 days,"
            " the opening day included."
        ),
    )

    def clean_opens_at(self):
        # The form's clock is Amman's, whatever the server's (TIME_ZONE).
        value = self.cleaned_data["opens_at"]
        return value.astimezone(ZoneInfo(settings.TIME_ZONE))


class WindowCreateForm(WindowForm, ScheduleForm):
    class Meta(WindowForm.Meta):
        pass


class AnnouncementForm(forms.ModelForm):
    announced_at = forms.DateTimeField(
        label=gettext_lazy("Posted (Amman time)"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=gettext_lazy("Empty: now."),
    )

    class Meta:
        model = Announcement
        fields = ["channel", "url", "announced_at"]
        widgets = {"url": forms.URLInput(attrs={"dir": "ltr"})}


def window_rows(windows, now) -> list[dict]:
    return [{"window": window, "state": window.state_at(now)} for window in windows]


@workspace_view("consultations.change_commentwindow")
@require_http_methods(["GET"])
def window_list(request):
    """Every window with its state now and how many comments wait for moderation."""
    windows = CommentWindow.objects.select_related("plan").annotate(
        comment_count=Count("comments"),
        pending_count=Count("comments", filter=Q(comments__state=ModerationState.PENDING)),
    )
    return render(
        request,
        "manage/consultations/window_list.html",
        {
            "rows": window_rows(windows, timezone.now()),
            "plans": list(ActionPlan.objects.order_by("-number")),
            "may_schedule": request.user.has_perm(services.SCHEDULE_PERMISSION),
        },
    )


@workspace_view("consultations.add_commentwindow", services.SCHEDULE_PERMISSION)
@require_http_methods(["GET", "POST"])
def window_create(request):
    """A new window on the plan chosen in `?plan=`, with its schedule (coordinator)."""
    number = query_int(request.GET.get("plan"))
    plan = ActionPlan.objects.filter(number=number).first() if number is not None else None
    if plan is None:
        if request.method == "POST":
            return HttpResponseBadRequest(_("Choose the plan first."))
        return render(
            request,
            "manage/consultations/window_form.html",
            {"plans": list(ActionPlan.objects.order_by("-number")), "form": None},
        )
    form = WindowCreateForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            window = services.create_window(
                plan=plan,
                data=form.window_data(),
                commitments=form.cleaned_data["commitments"],
                opens_at=form.cleaned_data["opens_at"],
                last_day=form.cleaned_data["last_day"],
                user=request.user,
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The window was created."))
            return redirect("manage:consultation_window", pk=window.pk)
    return render(
        request,
        "manage/consultations/window_form.html",
        {"form": form, "plan": plan, "window": None},
        status=400 if form.errors else 200,
    )


def get_window(pk: int) -> CommentWindow:
    return get_object_or_404(CommentWindow.objects.select_related("plan"), pk=pk)


@workspace_view("consultations.change_commentwindow")
@require_http_methods(["GET", "POST"])
def window_edit(request, pk: int):
    window = get_window(pk)
    form = WindowForm(request.POST or None, instance=window, plan=window.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_window(
                window=window,
                data=form.window_data(),
                commitments=form.cleaned_data["commitments"],
                user=request.user,
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The window was saved."))
            return redirect("manage:consultation_window", pk=window.pk)
    return render(
        request,
        "manage/consultations/window_form.html",
        {"form": form, "plan": window.plan, "window": window},
        status=400 if form.errors else 200,
    )


@workspace_view("consultations.change_commentwindow")
@require_http_methods(["GET", "POST"])
def window_detail(request, pk: int):
    """A window for staff: its schedule, announcements (add / remove), and where to go next."""
    window = get_window(pk)
    form = AnnouncementForm(request.POST if request.POST.get("step") == "announce" else None)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "announce":
                if form.is_valid():
                    services.add_announcement(
                        window=window,
                        channel=form.cleaned_data["channel"],
                        url=form.cleaned_data["url"],
                        announced_at=form.cleaned_data["announced_at"],
                        user=request.user,
                    )
                    messages.success(request, _("The announcement was recorded."))
                    return redirect("manage:consultation_window", pk=window.pk)
            elif step == "remove" and (
                announcement_pk := query_int(request.POST.get("announcement"))
            ):
                announcement = get_object_or_404(window.announcements, pk=announcement_pk)
                services.remove_announcement(announcement=announcement, user=request.user)
                messages.success(request, _("The announcement was removed."))
                return redirect("manage:consultation_window", pk=window.pk)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            show_service_error(request, error, form)
        status = 400
    now = timezone.now()
    announcements = list(window.announcements.all())
    seen = set()
    for announcement in announcements:
        announcement.is_reminder = announcement.channel in seen
        seen.add(announcement.channel)
    return render(
        request,
        "manage/consultations/window_detail.html",
        {
            "window": window,
            "state": window.state_at(now),
            "days_left": window.days_left(now),
            "commitments": list(window.commitments.order_by("number")),
            "announcements": announcements,
            "form": form,
            "counts": window.comments.aggregate(
                total=Count("pk"),
                pending=Count("pk", filter=Q(state=ModerationState.PENDING)),
                remarks=Count("pk", filter=Q(state=ModerationState.MEMBERS)),
                remarks_unanswered=Count(
                    "pk", filter=Q(state=ModerationState.MEMBERS, response__isnull=True)
                ),
            ),
            "members_only": window.audience == Audience.FORUM,
            "may_schedule": request.user.has_perm(services.SCHEDULE_PERMISSION),
        },
        status=status,
    )


@workspace_view("consultations.change_commentwindow", services.SCHEDULE_PERMISSION)
@require_http_methods(["GET", "POST"])
def window_schedule(request, pk: int):
    """The coordinator sets the opening and the last day, or opens / closes at once."""
    window = get_window(pk)
    form = ScheduleForm(
        request.POST if request.POST.get("step") == "schedule" else None,
        initial={"opens_at": window.opens_at, "last_day": window.last_day},
    )
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "schedule":
                if form.is_valid():
                    services.schedule_window(
                        window=window,
                        opens_at=form.cleaned_data["opens_at"],
                        last_day=form.cleaned_data["last_day"],
                        user=request.user,
                    )
                    messages.success(request, _("The schedule was saved."))
                    return redirect("manage:consultation_window", pk=window.pk)
            elif step == "open":
                services.open_window_now(window=window, user=request.user)
                messages.success(request, _("The window is open for comments."))
                return redirect("manage:consultation_window", pk=window.pk)
            elif step == "report":
                services.announce_report(window=window, user=request.user)
                messages.success(request, _("Subscribers are being told of the report."))
                return redirect("manage:consultation_window", pk=window.pk)
            elif step == "close":
                services.close_window_now(window=window, user=request.user)
                messages.success(request, _("The window is closed: no more comments."))
                return redirect("manage:consultation_window", pk=window.pk)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            show_service_error(request, error, form)
        status = 400
    else:
        status = 200
    return render(
        request,
        "manage/consultations/window_schedule.html",
        {"window": window, "form": form, "state": window.state_at()},
        status=status,
    )


# --- Comments received elsewhere -------------------------------------------------------


class LoggedCommentForm(forms.ModelForm):
    """A comment received on Facebook, X, by email, at a workshop or by letter, typed in by
    staff. The hidden token makes a double click store it once."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    received_at = forms.DateTimeField(
        label=gettext_lazy("Received (Amman time)"),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=gettext_lazy("While the window was open."),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Received through"),
        choices=[(value, label) for value, label in Channel.choices if value != Channel.SITE],
    )
    commitment = forms.ModelChoiceField(
        queryset=Commitment.objects.none(),
        required=False,
        label=gettext_lazy("Commitment"),
        empty_label=gettext_lazy("The plan in general"),
    )

    class Meta:
        model = Comment
        fields = [
            "channel",
            "commitment",
            "part",
            "milestone",
            "body",
            "author_name",
            "show_name",
            "author_email",
            "sector",
            "region",
        ]
        labels = {
            "body": gettext_lazy("Comment, as received"),
            "show_name": gettext_lazy("The person agreed to show their name"),
            "author_email": gettext_lazy("Email for our response (never published)"),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
            "author_name": forms.TextInput(attrs={"dir": "auto"}),
            "author_email": forms.EmailInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, window: CommentWindow, **kwargs):
        super().__init__(*args, **kwargs)
        commitments = Commitment.objects.published().filter(comment_windows=window)
        self.fields["commitment"].queryset = commitments.order_by("number")
        self.fields["milestone"].queryset = Milestone.objects.filter(
            commitment__in=commitments
        ).order_by("commitment__number", "number")
        limit_regions(self.fields["region"])
        if not self.is_bound:
            self.fields["token"].initial = uuid.uuid4()
            self.fields["received_at"].initial = min(timezone.now(), window.closes_at)

    def comment_data(self) -> services.CommentData:
        cleaned = self.cleaned_data
        return services.CommentData(
            body=cleaned["body"],
            commitment=cleaned.get("commitment"),
            milestone=cleaned.get("milestone"),
            part=cleaned.get("part") or CommentPart.GENERAL,
            author_name=cleaned.get("author_name", ""),
            show_name=cleaned.get("show_name", False),
            author_email=cleaned.get("author_email", ""),
            sector=cleaned.get("sector", ""),
            region=cleaned.get("region", ""),
            channel=cleaned["channel"],
        )


@workspace_view("consultations.add_comment", "consultations.change_comment")
@require_http_methods(["GET", "POST"])
def comment_log(request, pk: int):
    """Staff type in a comment received elsewhere; it waits for moderation like any other."""
    window = get_window(pk)
    form = LoggedCommentForm(request.POST or None, window=window)
    if request.method == "POST" and form.is_valid():
        try:
            comment, _created = services.submit_comment(
                window=window,
                data=form.comment_data(),
                token=form.cleaned_data["token"],
                now=form.cleaned_data["received_at"],
                logged_by=request.user,
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(
                request,
                _("Comment %(number)s was logged; it waits for moderation.")
                % {"number": comment.tracking_number},
            )
            return redirect("manage:consultation_comment_log", pk=window.pk)
    return render(
        request,
        "manage/consultations/comment_log.html",
        {"window": window, "form": form},
        status=400 if form.errors else 200,
    )


# --- Forum members' remarks (members-only feedback periods) -----------------------------


@workspace_view("consultations.view_commentwindow")
@require_http_methods(["GET"])
def member_feedback_list(request):
    """The members-only feedback periods on draft commitments: open ones first, then the
    upcoming and the closed ones (whose responses members still read). A member sees how
    many remarks they sent; staff how many came in and wait for a response."""
    user = request.user
    remarks = Q(comments__state=ModerationState.MEMBERS)
    windows = (
        CommentWindow.objects.filter(audience=Audience.FORUM)
        .select_related("plan")
        .annotate(
            commitment_count=Count("commitments", distinct=True),
            own_count=Count("comments", filter=remarks & Q(comments__author=user), distinct=True),
            remark_count=Count("comments", filter=remarks, distinct=True),
            unanswered_count=Count(
                "comments", filter=remarks & Q(comments__response__isnull=True), distinct=True
            ),
        )
        .order_by("-opens_at")
    )
    now = timezone.now()
    rows = window_rows(windows, now)
    order = {"open": 0, "upcoming": 1, "closed": 2}
    rows.sort(key=lambda row: order[row["state"]])
    for row in rows:
        row["days_left"] = row["window"].days_left(now)
    return render(
        request,
        "manage/consultations/member_feedback_list.html",
        {"rows": rows, "staff": is_unit_staff(user), "member": services.is_forum_member(user)},
    )


def remark_target(request) -> str:
    """Which form of the page was sent: a commitment's primary key, or "general"."""
    return request.POST.get("target", "")


@workspace_view("consultations.view_commentwindow")
@require_http_methods(["GET", "POST"])
def member_feedback(request, pk: int):
    """One members-only feedback period: the draft commitments it covers (their text in
    both languages), a form per commitment and one on the plan in general, and the
    member's own earlier remarks with the unit's published responses. Only forum members
    send (others: 403); staff read the page as members see it and answer elsewhere."""
    window = get_window(pk)
    user = request.user
    if window.audience != Audience.FORUM:
        return render(
            request,
            "manage/consultations/member_feedback.html",
            {"window": window, "not_forum": services.member_window_problem(window)},
            status=404,
        )
    may_send = services.is_forum_member(user)
    if request.method == "POST" and not may_send:
        raise PermissionDenied
    now = timezone.now()
    problem = services.member_window_problem(window, now)
    commitments = list(
        window.commitments.select_related("plan").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("number"))
        )
    )
    commitments.sort(key=lambda commitment: commitment.number)
    offer_forms = may_send and problem is None
    forms_by_target = {
        str(commitment.pk): MemberRemarkForm(commitment=commitment) if offer_forms else None
        for commitment in commitments
    }
    forms_by_target["general"] = MemberRemarkForm(commitment=None) if offer_forms else None
    status = 200
    if request.method == "POST":
        target = remark_target(request)
        if target not in forms_by_target:
            return HttpResponseBadRequest(_("Choose the commitment your remark is about."))
        commitment = next((c for c in commitments if str(c.pk) == target), None)
        form = MemberRemarkForm(request.POST, commitment=commitment)
        forms_by_target[target] = form
        status = 400
        if form.is_valid():
            try:
                comment, created = services.submit_member_remark(
                    window=window,
                    data=form.comment_data(),
                    token=form.cleaned_data["token"],
                    user=user,
                )
            except services.WindowClosed as error:
                for message in error.messages:
                    form.add_error(None, message)
                status = 409
            except ValidationError as error:
                show_service_error(request, error, form)
            else:
                if created:
                    messages.success(
                        request, _("Thank you: your remark was sent to the unit's staff.")
                    )
                else:
                    messages.info(request, _("This remark had already been sent; it is kept once."))
                url = reverse("manage:member_feedback", kwargs={"pk": window.pk})
                return redirect(f"{url}#remark-{comment.pk}")
    own = list(
        Comment.objects.filter(window=window, author=user)
        .select_related("milestone", "response")
        .order_by("created_at", "pk")
    )
    items = [
        {
            "commitment": commitment,
            "anchor": f"commitment-{commitment.pk}",
            "rows": text_rows(commitment, TEMPLATE_SECTIONS),
            "milestones": list(commitment.milestones.all()),
            "remarks": [remark for remark in own if remark.commitment_id == commitment.pk],
            "form": forms_by_target[str(commitment.pk)],
            "target": commitment.pk,
        }
        for commitment in commitments
    ]
    general = {
        "anchor": "general",
        "remarks": [remark for remark in own if remark.commitment_id is None],
        "form": forms_by_target["general"],
        "target": "general",
    }
    staff_counts = None
    if is_unit_staff(user):
        staff_counts = window.comments.member_remarks().aggregate(
            total=Count("pk"), unanswered=Count("pk", filter=Q(response__isnull=True))
        )
    return render(
        request,
        "manage/consultations/member_feedback.html",
        {
            "window": window,
            "state": window.state_at(now),
            "days_left": window.days_left(now),
            "problem": problem,
            "may_send": may_send,
            "items": items,
            "general": general,
            "own_count": len(own),
            "staff_counts": staff_counts,
        },
        status=status,
    )
