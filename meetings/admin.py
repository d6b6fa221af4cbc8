from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.spreadsheets import SpreadsheetImportExportMixin

from .models import (
    AgendaItem,
    Attachment,
    Attendance,
    Body,
    Meeting,
    Membership,
    Outcome,
    Person,
    Remark,
)
from .resources import AttendanceResource, MembershipResource, PersonResource


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "kind", "plan", "commitment")
    list_filter = ("kind", "plan")
    list_select_related = ("plan", "commitment")
    search_fields = ("name_ar", "name_en")
    fields = ("kind", "name_ar", "name_en", "plan", "commitment")
    autocomplete_fields = ("plan", "commitment")


@admin.register(Person)
class PersonAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [PersonResource]
    list_display = ("name_ar", "name_en", "honorific", "email", "user")
    list_select_related = ("user",)
    search_fields = ("name_ar", "name_en", "email")
    fields = ("honorific", "name_ar", "name_en", "email", "phone", "user")
    autocomplete_fields = ("user",)


@admin.register(Membership)
class MembershipAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ("person", "body", "organisation", "role", "starts_on", "ends_on")
    list_filter = ("role", "body", "organisation__sector")
    list_select_related = ("person", "body", "organisation")
    search_fields = ("person__name_ar", "person__name_en", "organisation__name_ar", "body__name_ar")
    fields = (
        "body",
        "person",
        "organisation",
        "role",
        "position_ar",
        "position_en",
        "starts_on",
        "ends_on",
    )
    autocomplete_fields = ("body", "person", "organisation")


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ("order", "person", "organisation", "position_ar", "role", "status")
    autocomplete_fields = ("person", "organisation")
    extra = 0


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    fields = (
        "number",
        "title_ar",
        "title_en",
        "discussion_ar",
        "discussion_en",
        "presenter",
        "presentation",
    )
    autocomplete_fields = ("presenter",)
    extra = 0


class OutcomeInline(admin.StackedInline):
    model = Outcome
    fields = ("number", "decision_ar", "decision_en", "owner", "due_on", "status", "commitments")
    autocomplete_fields = ("owner", "commitments")
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title_ar", "body", "plan", "starts_at", "mode", "minutes_state")
    list_filter = ("minutes_state", "mode", "body", "plan")
    list_select_related = ("body", "plan")
    search_fields = ("title_ar", "title_en", "minutes_ar", "minutes_en")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("body", "plan")
    fields = (
        "body",
        "plan",
        "title_ar",
        "title_en",
        "starts_at",
        "ends_at",
        "mode",
        "place_ar",
        "place_en",
        "platform",
        "minutes_state",
        "minutes_ar",
        "minutes_en",
        "minutes_published_at",
        "version",
    )
    readonly_fields = ("version",)
    inlines = [AttendanceInline, AgendaItemInline, OutcomeInline]


@admin.register(Attendance)
class AttendanceAdmin(SpreadsheetImportExportMixin, admin.ModelAdmin):
    resource_classes = [AttendanceResource]
    list_display = ("person", "meeting", "organisation", "role", "status", "order")
    list_filter = ("status", "role", "meeting__body")
    list_select_related = ("person", "meeting", "organisation")
    search_fields = ("person__name_ar", "person__name_en", "meeting__title_ar")
    fields = (
        "meeting",
        "order",
        "person",
        "organisation",
        "position_ar",
        "position_en",
        "role",
        "status",
    )
    autocomplete_fields = ("meeting", "person", "organisation")


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "meeting", "presenter")
    list_filter = ("meeting__body",)
    list_select_related = ("meeting", "presenter")
    search_fields = ("title_ar", "title_en", "meeting__title_ar")
    fields = (
        "meeting",
        "number",
        "title_ar",
        "title_en",
        "discussion_ar",
        "discussion_en",
        "presenter",
        "presentation",
    )
    autocomplete_fields = ("meeting", "presenter")


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "meeting", "owner", "due_on", "status")
    list_filter = ("status", "meeting__body")
    list_select_related = ("meeting", "owner")
    search_fields = ("decision_ar", "decision_en", "meeting__title_ar")
    fields = (
        "meeting",
        "number",
        "decision_ar",
        "decision_en",
        "owner",
        "due_on",
        "status",
        "commitments",
    )
    autocomplete_fields = ("meeting", "owner", "commitments")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("title", "agenda_item", "uploaded_at", "uploaded_by")
    list_select_related = ("agenda_item", "uploaded_by")
    search_fields = ("title", "agenda_item__title_ar")
    fields = ("agenda_item", "title", "file")
    autocomplete_fields = ("agenda_item",)


@admin.register(Remark)
class RemarkAdmin(admin.ModelAdmin):
    list_display = ("meeting", "author", "created_at")
    list_select_related = ("meeting", "author")
    search_fields = ("body", "meeting__title_ar")
    fields = ("meeting", "author", "body")
    autocomplete_fields = ("meeting", "author")
