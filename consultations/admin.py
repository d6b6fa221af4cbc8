from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.spreadsheets import SpreadsheetExportMixin, SpreadsheetImportExportMixin

from .models import Announcement, Comment, CommentWindow, Response, Subscription
from .resources import CommentResource, CommentWindowResource, ResponseResource


class AnnouncementInline(admin.TabularInline):
    model = Announcement
    fields = ("channel", "url", "announced_at")
    extra = 0


@admin.register(CommentWindow)
class CommentWindowAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [CommentWindowResource]
    list_display = ("title_ar", "plan", "kind", "audience", "opens_at", "closes_at", "is_open")
    list_filter = ("kind", "audience", "plan")
    list_select_related = ("plan",)
    search_fields = ("title_ar", "title_en")
    date_hierarchy = "opens_at"
    fields = (
        "plan",
        "kind",
        "audience",
        "title_ar",
        "title_en",
        "description_ar",
        "description_en",
        "opens_at",
        "closes_at",
        "commitments",
    )
    autocomplete_fields = ("plan", "commitments")
    inlines = [AnnouncementInline]

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


class ResponseInline(admin.StackedInline):
    model = Response
    fields = ("outcome", "reason_ar", "reason_en", "responded_by", "published_at")
    autocomplete_fields = ("responded_by",)
    extra = 0
    max_num = 1


@admin.register(Comment)
class CommentAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    """Comments come from the public form (or are logged by staff); export only."""

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
    fields = (
        "window",
        "commitment",
        "part",
        "body",
        "author_name",
        "author_email",
        "sector",
        "region",
        "channel",
        "author",
        "state",
        "hidden_reason",
        "published_at",
        "tracking_number",
        "submission_token",
        "created_at",
    )
    readonly_fields = ("author", "tracking_number", "submission_token", "created_at")
    autocomplete_fields = ("window", "commitment")
    inlines = [ResponseInline]

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, comment):
        return hasattr(comment, "response")


@admin.register(Response)
class ResponseAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [ResponseResource]
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
    )
    readonly_fields = ("created_at",)
    autocomplete_fields = ("comment", "responded_by")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
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
    readonly_fields = ("created_at", "confirmed_at")
