"""Django admin for comment windows, comments, responses and subscriptions.

The admin is for superusers: raw data and spreadsheet export; staff work in the workspace.
Every step with a side effect happens in the workspace, through `consultations.services`:
opening a window and setting its dates (subscribers are told), moderating a comment,
publishing a response (the commenter is emailed). So here a window's dates, a comment and
its moderation, and a response's publication are read-only; a window's text and
commitments go through `update_window`, a response's text through `save_response` (which
takes a published response back to draft), an unsubscription through `unsubscribe`. A
rule the services refuse shows on the form and nothing is saved.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyMixin, take_saved
from core.spreadsheets import SpreadsheetExportMixin

from . import services
from .models import (
    Announcement,
    Comment,
    CommentGroup,
    CommentWindow,
    Response,
    Subscription,
    Theme,
)
from .resources import CommentResource, CommentWindowResource, ResponseResource


def window_data(cleaned) -> services.WindowData:
    return services.WindowData(
        **{name: cleaned.get(name) or "" for name in services.WINDOW_DATA_FIELDS}
    )


class AnnouncementInline(admin.TabularInline):
    model = Announcement
    fields = ("channel", "url", "announced_at")
    extra = 0


class WindowForm(forms.ModelForm):
    """The checks of `update_window`, shown on the form."""

    def clean(self):
        cleaned = super().clean()
        data = window_data(cleaned)
        services.check_window_data(data)
        problems = services.window_change_problems(
            window=self.instance, data=data, commitments=list(cleaned.get("commitments") or [])
        )
        if problems:
            raise ValidationError(problems)
        return cleaned


@admin.register(CommentWindow)
class CommentWindowAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Windows are opened from the workspace (the opening is announced to subscribers);
    here their text and commitments can be corrected."""

    resource_classes = [CommentWindowResource]
    form = WindowForm
    list_display = ("title_ar", "plan", "kind", "audience", "opens_at", "closes_at", "is_open")
    list_filter = ("kind", "audience", "plan")
    list_select_related = ("plan",)
    search_fields = ("title_ar", "title_en")
    date_hierarchy = "opens_at"
    fields = (
        "plan",
        *services.WINDOW_DATA_FIELDS,
        "opens_at",
        "closes_at",
        "commitments",
    )
    readonly_fields = ("plan", "opens_at", "closes_at")
    autocomplete_fields = ("commitments",)
    inlines = [AnnouncementInline]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        services.update_window(
            window=obj,
            data=window_data(form.cleaned_data),
            commitments=form.cleaned_data["commitments"],
            user=request.user,
        )

    def save_related(self, request, form, formsets, change):
        # The commitments were set by update_window; only the announcements are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.display(description=_("open now"), boolean=True)
    def is_open(self, window):
        return window.is_open()


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("window", "channel", "url", "announced_at")
    list_filter = ("channel",)
    list_select_related = ("window",)
    search_fields = ("window__title_ar", "url")
    fields = ("window", "channel", "url", "announced_at")
    autocomplete_fields = ("window",)


class ResponseInline(ReadOnlyMixin, admin.StackedInline):
    """Read here; written on the response's own page (save_response)."""

    model = Response
    fields = ("outcome", "reason_ar", "reason_en", "responded_by", "published_at")
    readonly_fields = fields
    extra = 0
    max_num = 1

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(SpreadsheetExportMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Comments come from the public form (or are logged by staff in the workspace) and are
    moderated there: read and exported here."""

    resource_classes = [CommentResource]
    list_display = (
        "tracking_number",
        "window",
        "commitment",
        "part",
        "channel",
        "state",
        "created_at",
        "answered",
    )
    list_filter = ("state", "channel", "part", "sector", "region", "window")
    list_select_related = ("window", "commitment", "response")
    search_fields = ("tracking_number", "body", "author_name", "author_email")
    date_hierarchy = "created_at"
    # Every stored fact of a comment, in the model's order (the moderation's, the grouping's
    # and where an offline comment came from included): a hand-written list here fell
    # behind the model and its export (no milestone, no redacted text, no name choice).
    # The text grouping compares (`match_text`) is derived from the body.
    fields = tuple(
        field.name for field in Comment._meta.fields if field.name not in ("id", "match_text")
    )
    readonly_fields = fields
    inlines = [ResponseInline]

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, comment):
        return hasattr(comment, "response")


class ResponseForm(forms.ModelForm):
    """The checks of `save_response`, shown on the form."""

    def clean(self):
        cleaned = super().clean()
        problems = services.response_problems(
            outcome=cleaned.get("outcome") or "",
            reason_ar=cleaned.get("reason_ar") or "",
            reason_en=cleaned.get("reason_en") or "",
        )
        if problems:
            raise ValidationError(problems)
        return cleaned


@admin.register(Response)
class ResponseAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [ResponseResource]
    form = ResponseForm
    list_display = ("comment", "outcome", "responded_by", "created_at", "published_at")
    list_filter = ("outcome", "comment__window")
    list_select_related = ("comment", "responded_by")
    search_fields = ("comment__tracking_number", "reason_ar", "reason_en")
    fields = (
        "comment",
        "outcome",
        "reason_ar",
        "reason_en",
        "responded_by",
        "created_at",
        "published_at",
        "published_by",
    )
    # Publication emails the commenter: the coordinator publishes in the workspace.
    readonly_fields = ("responded_by", "created_at", "published_at", "published_by")
    autocomplete_fields = ("comment",)

    def get_readonly_fields(self, request, obj=None):
        # A response stays with its comment (one per comment).
        return self.readonly_fields if obj is None else ("comment", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        saved = services.save_response(
            comment=obj.comment if change else form.cleaned_data["comment"],
            outcome=form.cleaned_data["outcome"],
            reason_ar=form.cleaned_data.get("reason_ar", ""),
            reason_en=form.cleaned_data.get("reason_en", ""),
            user=request.user,
        )
        take_saved(obj, saved)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Sign-ups come from the public form (double opt-in); the admin reads and unsubscribes."""

    list_display = ("email", "language", "windows", "reports", "created_at", "confirmed_at")
    list_filter = ("language", "windows", "reports")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    fields = (
        "email",
        "language",
        "windows",
        "reports",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
    )
    readonly_fields = fields
    actions = ["unsubscribe"]

    @admin.action(description=_("Unsubscribe the selected addresses"))
    def unsubscribe(self, request, queryset):
        for subscription in queryset:
            services.unsubscribe(subscription=subscription)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows written only by `consultations.services` (and `consultations.grouping`): the
    admin reads them; staff change them in the workspace's moderation screens."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommentGroup)
class CommentGroupAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "window", "created_at", "outcome")
    list_select_related = ("window",)
    list_filter = ("window",)
    fields = ("window", "created_at", "outcome", "reason_ar", "reason_en")
    readonly_fields = fields


@admin.register(Theme)
class ThemeAdmin(ReadOnlyAdmin):
    list_display = ("name_ar", "name_en", "window")
    list_select_related = ("window",)
    list_filter = ("window",)
    search_fields = ("name_ar", "name_en")
    fields = ("window", "name_ar", "name_en")
    readonly_fields = fields
