"""Staff workspace: moderate comments (bulk publish / hide with a reason code), redact
personal data, draft and publish reasoned responses; windows (list, create, edit, schedule,
announcements) and comments received elsewhere. Every write goes through services."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Min, OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from commitments.forms import text_rows
from commitments.models import TEMPLATE_SECTIONS, Commitment, Milestone
from core.access import show_service_error, workspace_view
from core.concurrency import StaleEdit
from core.conflicts import VersionedFormMixin, conflict_page
from core.forms import DATE_WIDGET, LocalDateTimeField
from core.numbers import query_int
from core.roles import is_unit_staff
from plans.models import ActionPlan

from . import services
from .forms import COMMENT_FORM_FIELDS, MemberRemarkForm, comment_data, limit_regions
from .models import (
    Announcement,
    Audience,
    Channel,
    Comment,
    CommentGroup,
    CommentWindow,
    HiddenReason,
    ModerationState,
    Outcome,
    Theme,
)

PER_PAGE = 50


BULK_ACTIONS = [
    ("publish", gettext_lazy("Publish")),
    ("hide", gettext_lazy("Hide")),
    ("answer", gettext_lazy("Give a disposition (draft response)")),
    ("publish_responses", gettext_lazy("Publish their draft responses")),
    ("theme", gettext_lazy("Add a theme")),
    ("untheme", gettext_lazy("Remove a theme")),
    ("group", gettext_lazy("Group together (same campaign)")),
    ("ungroup", gettext_lazy("Take out of their group")),
]


class ThemeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class BulkModerationForm(forms.Form):
    """One action on the ticked comments; every refusal comes from the service."""

    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=BULK_ACTIONS,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason for hiding"),
        choices=[("", "---------"), *HiddenReason.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Disposition"),
        choices=[("", "---------"), *Outcome.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason_ar = forms.CharField(
        label=gettext_lazy("Public reason (Arabic)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "dir": "rtl", "lang": "ar", "class": "form-control"}
        ),
    )
    reason_en = forms.CharField(
        label=gettext_lazy("Public reason (English)"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "dir": "ltr", "lang": "en", "class": "form-control"}
        ),
    )
    theme = ThemeChoiceField(
        label=gettext_lazy("Theme"),
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one comment.")},
    )

    def __init__(self, *args, themes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes if themes is not None else Theme.objects.all()


def run_bulk_action(request, form: BulkModerationForm) -> str:
    """Do the form's action through its service; the message to show."""
    data = form.cleaned_data
    comments = list(data["comments"])
    action = data["action"]
    user = request.user
    if action in ("publish", "hide"):
        count = services.moderate_comments(
            comments=comments, action=action, reason=data["reason"], user=user
        )
        return _("%(count)s comment(s) changed.") % {"count": count}
    if action == "answer":
        if not user.has_perm("consultations.change_response"):
            raise PermissionDenied
        count = services.answer_comments(
            comments=comments,
            outcome=data["outcome"],
            reason_ar=data["reason_ar"],
            reason_en=data["reason_en"],
            user=user,
        )
        return _("%(count)s comment(s) have this disposition (draft).") % {"count": count}
    if action == "publish_responses":
        count = services.publish_responses(comments=comments, user=user)
        return _("%(count)s response(s) published.") % {"count": count}
    if action in ("theme", "untheme"):
        if data["theme"] is None:
            raise ValidationError(_("Choose the theme."))
        count = services.assign_theme(
            theme=data["theme"], comments=comments, user=user, remove=action == "untheme"
        )
        return _("%(count)s comment(s) tagged.") % {"count": count}
    if action == "group":
        group = services.group_comments(comments=comments, user=user)
        return _("The comments are now group %(number)s.") % {"number": group.pk}
    count = services.ungroup_comments(comments=comments, user=user)
    return _("%(count)s comment(s) taken out of their group.") % {"count": count}


def group_size():
    """The number of comments in a comment's group (a subquery: no query per row)."""
    return Subquery(
        Comment.objects.filter(group_id=OuterRef("group_id"))
        .order_by()
        .values("group_id")
        .annotate(size=Count("pk"))
        .values("size")[:1]
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
    """Comments to moderate, filtered by window, state, group, theme and disposition, with
    bulk actions: publish / hide, a disposition, a theme, grouping. Each row shows its
    campaign group and size; a fixed number of queries whatever the page shows."""
    state = request.GET.get("state", ModerationState.PENDING)
    comments = (
        Comment.objects.select_related(
            "window", "commitment", "response", "author__person", "logged_by"
        )
        .prefetch_related("themes")
        .annotate(group_size=group_size())
        .order_by("created_at", "pk")
    )
    window_pk = query_int(request.GET.get("window"))
    window = CommentWindow.objects.filter(pk=window_pk).first() if window_pk else None
    if window_pk is not None:
        comments = comments.filter(window_id=window_pk)
    if state in ModerationState.values:
        comments = comments.filter(state=state)
    group_pk = query_int(request.GET.get("group"))
    if group_pk is not None:
        comments = comments.filter(group_id=group_pk)
    theme_pk = query_int(request.GET.get("theme"))
    if theme_pk is not None:
        comments = comments.filter(themes=theme_pk)
    disposition = request.GET.get("disposition", "")
    if disposition == "none":
        comments = comments.filter(response__isnull=True)
    elif disposition in Outcome.values:
        comments = comments.filter(response__outcome=disposition)
    themes = Theme.objects.filter(window=window) if window else Theme.objects.none()
    form = BulkModerationForm(request.POST or None, themes=themes)
    if request.method == "POST" and form.is_valid():
        try:
            message = run_bulk_action(request, form)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, message)
            return redirect(request.get_full_path())
    page = Paginator(comments, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
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
            "window": window,
            "themes": list(themes),
            "theme_pk": theme_pk,
            "group_pk": group_pk,
            "disposition": disposition,
            "outcomes": Outcome.choices,
            "query": query.urlencode(),
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


class WindowCommitmentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        # The title isolated in its own direction (the sentence is ours, escaped).
        return mark_safe(  # noqa: S308
            conditional_escape(_("Commitment %(number)s: %(title)s"))
            % {"number": obj.number, "title": format_html("<bdi>{}</bdi>", obj.title)}
        )


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
        fields = [*services.WINDOW_DATA_FIELDS, "commitments"]
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
            **{field: self.cleaned_data[field] for field in services.WINDOW_DATA_FIELDS}
        )


class WindowEditForm(VersionedFormMixin, WindowForm):
    """A saved window's subject, carrying the version it was opened on."""


class ScheduleForm(forms.Form):
    """When comments are accepted, in Amman time."""

    opens_at = LocalDateTimeField(
        label=gettext_lazy("Opens (Amman time)"),
        error_messages={"required": gettext_lazy("Give the opening date and time.")},
    )
    last_day = forms.DateField(
        label=gettext_lazy("Last day for comments"),
        required=False,
        widget=DATE_WIDGET,
        help_text=gettext_lazy(
            "Comments are accepted until 23:59:59 Amman time on this day. Empty: 14 days,"
            " the opening day included."
        ),
    )


class WindowCreateForm(WindowForm, ScheduleForm):
    """A new window: its subject and when it takes comments."""


class AnnouncementForm(forms.ModelForm):
    announced_at = LocalDateTimeField(
        label=gettext_lazy("Posted (Amman time)"),
        required=False,
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
    form = WindowEditForm(request.POST or None, instance=window, plan=window.plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_window(
                window=window,
                data=form.window_data(),
                commitments=form.cleaned_data["commitments"],
                user=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            context = {"plan": window.plan, "window": stale.current}
            return conflict_page(
                request, form, stale.current, "manage/consultations/window_form.html", context
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


# The schedule page's buttons that act at once: the service each calls, and what it says.
SCHEDULE_STEPS = {
    "open": (services.open_window_now, gettext_lazy("The window is open for comments.")),
    "report": (services.announce_report, gettext_lazy("Subscribers are being told of the report.")),
    "close": (services.close_window_now, gettext_lazy("The window is closed: no more comments.")),
}


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
            elif step in SCHEDULE_STEPS:
                service, done = SCHEDULE_STEPS[step]
                service(window=window, user=request.user)
                messages.success(request, done)
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
    received_at = LocalDateTimeField(
        label=gettext_lazy("Received (Amman time)"),
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
            *COMMENT_FORM_FIELDS,
            "source_event",
            "source_date",
            "source_place",
            "taken_down_by",
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
            "source_event": forms.TextInput(attrs={"dir": "auto"}),
            "source_date": DATE_WIDGET,
            "source_place": forms.TextInput(attrs={"dir": "auto"}),
            "taken_down_by": forms.TextInput(attrs={"dir": "auto"}),
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
        return comment_data(
            cleaned,
            channel=cleaned["channel"],
            source_event=cleaned.get("source_event", ""),
            source_date=cleaned.get("source_date"),
            source_place=cleaned.get("source_place", ""),
            taken_down_by=cleaned.get("taken_down_by", ""),
        )


# What the next logged comment most likely shares with the last one (the same workshop's
# cards typed one after another): kept in the session and offered again.
REMEMBERED_SOURCE = ["channel", "source_event", "source_date", "source_place", "taken_down_by"]
SOURCE_SESSION_KEY = "consultations.logged_source"


def remembered_source(request, window: CommentWindow) -> dict:
    stored = request.session.get(SOURCE_SESSION_KEY) or {}
    if stored.get("window") != window.pk:
        return {}
    return {name: stored[name] for name in REMEMBERED_SOURCE if stored.get(name)}


def remember_source(request, window: CommentWindow, cleaned: dict) -> None:
    source = {name: cleaned.get(name) or "" for name in REMEMBERED_SOURCE}
    if source["source_date"]:
        source["source_date"] = source["source_date"].isoformat()
    request.session[SOURCE_SESSION_KEY] = {"window": window.pk, **source}


@workspace_view("consultations.add_comment", "consultations.change_comment")
@require_http_methods(["GET", "POST"])
def comment_log(request, pk: int):
    """Staff type in a comment received elsewhere; it waits for moderation like any other."""
    window = get_window(pk)
    form = LoggedCommentForm(
        request.POST or None, window=window, initial=remembered_source(request, window)
    )
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
            remember_source(request, window, form.cleaned_data)
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


# --- Campaign groups and themes ------------------------------------------------------------

GROUPS_PER_PAGE = 30


def first_member(field: str):
    """A field of a group's first comment (a subquery: no query per group)."""
    return Subquery(
        Comment.objects.filter(group_id=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values(field)[:1]
    )


def channels_of(group_pks) -> dict[int, list[str]]:
    """{group pk: the labels of the channels its comments came through} in one query."""
    labels = dict(Channel.choices)
    result: dict[int, list[str]] = {}
    rows = (
        Comment.objects.filter(group_id__in=list(group_pks))
        .order_by("group_id", "channel")
        .values_list("group_id", "channel")
        .distinct()
    )
    for group_pk, channel in rows:
        result.setdefault(group_pk, []).append(str(labels.get(channel, channel)))
    return result


class MergeForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        queryset=CommentGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least two groups to merge them.")},
    )


@workspace_view("consultations.change_comment")
@require_http_methods(["GET", "POST"])
def window_groups(request, pk: int):
    """The window's campaign groups, largest first: how many comments, through which
    channels, first and last arrival, the first text and the group's disposition; merge
    ticked groups, or group the whole window again."""
    window = get_window(pk)
    form = MergeForm(request.POST if request.POST.get("step") == "merge" else None)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "merge":
                if form.is_valid():
                    group = services.merge_groups(
                        groups=form.cleaned_data["groups"], user=request.user
                    )
                    messages.success(
                        request,
                        _("The groups were merged into group %(number)s.") % {"number": group.pk},
                    )
                    return redirect("manage:consultation_groups", pk=window.pk)
            elif step == "regroup":
                changed = services.regroup_window(window=window)
                messages.success(
                    request,
                    _("Grouping done: %(count)s comment(s) changed group.") % {"count": changed},
                )
                return redirect("manage:consultation_groups", pk=window.pk)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            show_service_error(request, error, form)
        status = 400
    groups = (
        CommentGroup.objects.filter(window=window)
        .annotate(
            size=Count("comments"),
            first_at=Min("comments__created_at"),
            last_at=Max("comments__created_at"),
            quote=first_member("body"),
        )
        .order_by("-size", "pk")
    )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    channels = channels_of(group.pk for group in page)
    for group in page:
        group.channels = channels.get(group.pk, [])
        group.outcome_label = dict(Outcome.choices).get(group.outcome, "")
    counts = window.comments.aggregate(
        total=Count("pk"), grouped=Count("pk", filter=Q(group__isnull=False))
    )
    return render(
        request,
        "manage/consultations/group_list.html",
        {"window": window, "page": page, "form": form, "counts": counts},
        status=status,
    )


class AnswerForm(ResponseForm):
    """The answer given to a whole campaign group: a response's outcome and reasons, named
    as the group page names them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].label = gettext_lazy("Disposition")
        self.fields["reason_ar"].label = gettext_lazy("Public reason (Arabic)")
        self.fields["reason_en"].label = gettext_lazy("Public reason (English)")
        for name in ("reason_ar", "reason_en"):
            self.fields[name].widget.attrs["rows"] = 3


SPLIT_PARTS = 3


def split_parts(post, member_pks) -> list[set[int]]:
    """The parts of a split as sent: each member's `part-<pk>` names its part (1 stays);
    a member sent with two parts lands in both, and the service refuses it."""
    parts: list[set[int]] = [set() for _ in range(SPLIT_PARTS)]
    for pk in member_pks:
        for value in post.getlist(f"part-{pk}"):
            number = query_int(value)
            if number is not None and 1 <= number <= SPLIT_PARTS:
                parts[number - 1].add(pk)
    return parts


@workspace_view("consultations.change_comment")
@require_http_methods(["GET", "POST"])
def group_detail(request, pk: int):
    """One campaign group: every member with its tracking number, channel, sector, region
    and arrival; answer the group once (each member gets the response), publish the
    answers, split the group."""
    group = get_object_or_404(CommentGroup.objects.select_related("window__plan"), pk=pk)
    window = group.window
    answer = AnswerForm(
        request.POST if request.POST.get("step") == "answer" else None,
        initial={
            "outcome": group.outcome,
            "reason_ar": group.reason_ar,
            "reason_en": group.reason_en,
        },
    )
    members = list(
        group.comments.select_related("response", "commitment", "logged_by")
        .prefetch_related("themes")
        .order_by("created_at", "pk")
    )
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "answer":
                if not request.user.has_perm("consultations.change_response"):
                    raise PermissionDenied
                if answer.is_valid():
                    count = services.answer_group(
                        group=group, user=request.user, **answer.cleaned_data
                    )
                    messages.success(
                        request,
                        _("The disposition was given to the %(count)s comment(s) of the group.")
                        % {"count": count},
                    )
                    return redirect("manage:consultation_group", pk=group.pk)
            elif step == "publish":
                count = services.publish_responses(comments=members, user=request.user)
                messages.success(request, _("%(count)s response(s) published.") % {"count": count})
                return redirect("manage:consultation_group", pk=group.pk)
            elif step == "split":
                parts = split_parts(request.POST, [member.pk for member in members])
                services.split_group(group=group, parts=parts, user=request.user)
                messages.success(request, _("The group was split."))
                return redirect("manage:consultation_groups", pk=window.pk)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            show_service_error(request, error, answer if step == "answer" else None)
        status = 400
    return render(
        request,
        "manage/consultations/group_detail.html",
        {
            "group": group,
            "window": window,
            "members": members,
            "channels": sorted({member.get_channel_display() for member in members}),
            "first_at": members[0].created_at if members else None,
            "last_at": members[-1].created_at if members else None,
            "answer": answer,
            "parts": range(1, SPLIT_PARTS + 1),
            "can_publish_response": request.user.has_perm("consultations.publish_response"),
        },
        status=status,
    )


class ThemeForm(forms.Form):
    name_ar = forms.CharField(
        label=gettext_lazy("Name (Arabic)"),
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
    )
    name_en = forms.CharField(
        label=gettext_lazy("Name (English)"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "lang": "en"}),
    )


@workspace_view("consultations.change_comment")
@require_http_methods(["GET", "POST"])
def window_themes(request, pk: int):
    """The themes (tags) of a window's inputs, with how many each holds; add one."""
    window = get_window(pk)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_theme(window=window, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The theme was added."))
            return redirect("manage:consultation_themes", pk=window.pk)
    themes = window.themes.annotate(size=Count("comments"))
    return render(
        request,
        "manage/consultations/theme_list.html",
        {"window": window, "themes": themes, "form": form},
        status=400 if form.errors else 200,
    )
