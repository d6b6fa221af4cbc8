"""Django admin for bodies, people, memberships, meetings and their parts.

The admin is for superusers: raw data and spreadsheet export; staff work in the workspace.
It keeps the rules of `meetings.services`: the minutes move draft → circulated → approved →
published only in the workspace (each step sends emails or files a document), so their
state and dates are read-only here; published minutes are locked, so a published meeting
and its attendance, agenda, outcomes and attachments can be read and not changed; a
membership is checked for a second seat like in the workspace. A rule the services refuse
shows on the form and nothing is saved.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyMixin, form_data, save_versioned, take_saved
from core.concurrency import save_as
from core.spreadsheets import SpreadsheetExportMixin

from . import services
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
from .richtext import clean_rich_text


class BoundedDiscussionForm(forms.ModelForm):
    """An agenda item's discussion, cleaned and bounded as in the workspace
    (`meetings.richtext.clean_rich_text`): the admin stores no markup the workspace would
    refuse."""

    def clean_discussion_ar(self):
        return clean_rich_text(self.cleaned_data.get("discussion_ar", ""))

    def clean_discussion_en(self):
        return clean_rich_text(self.cleaned_data.get("discussion_en", ""))


def locked(meeting) -> bool:
    """Whether the meeting's minutes are published, so nothing of it may change."""
    return meeting is not None and services.lock_problem(meeting) is not None


class UnlockedMeetingForm(forms.ModelForm):
    """A row of a meeting (attendance, agenda item, outcome, attachment) is refused once the
    meeting's minutes are published."""

    def meeting_of(self, cleaned):
        return cleaned.get("meeting")

    def clean(self):
        cleaned = super().clean()
        meeting = self.meeting_of(cleaned)
        problem = meeting and services.lock_problem(meeting)
        if problem:
            raise ValidationError(problem)
        return cleaned


class MeetingRowAdmin(admin.ModelAdmin):
    """The admin of a meeting's rows: read-only once the minutes are published."""

    form = UnlockedMeetingForm

    def meeting_of(self, obj):
        return obj.meeting if obj is not None else None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked(self.meeting_of(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked(self.meeting_of(obj))

    def save_model(self, request, obj, form, change):
        save_as(obj, request.user)


class CountedRowAdmin(MeetingRowAdmin):
    """An attendance, agenda item or outcome: a save or delete here counts in its meeting's
    version, so a workspace page opened on the meeting's rows before it is stale."""

    def save_model(self, request, obj, form, change):
        services.save_meeting_row(row=obj, by=request.user)

    def delete_model(self, request, obj):
        services.delete_meeting_rows(rows=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        services.delete_meeting_rows(rows=list(queryset.select_related("meeting")), by=request.user)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("name_ar", "name_en", "kind", "plan", "commitment")
    list_filter = ("kind", "plan")
    list_select_related = ("plan", "commitment")
    search_fields = ("name_ar", "name_en")
    fields = services.BODY_EDIT_FIELDS
    autocomplete_fields = ("plan", "commitment")

    def save_model(self, request, obj, form, change):
        saved = services.save_body(
            body=obj if change else None,
            data=form_data(form, services.BODY_EDIT_FIELDS),
            by=request.user,
        )
        take_saved(obj, saved)


@admin.register(Person)
class PersonAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [PersonResource]
    list_display = ("name_ar", "name_en", "honorific", "email", "user")
    list_select_related = ("user",)
    search_fields = ("name_ar", "name_en", "email")
    fields = ("honorific", "name_ar", "name_en", "email", "phone", "user")
    autocomplete_fields = ("user",)


class MembershipForm(forms.ModelForm):
    """One seat per person, body and organisation: the workspace's check."""

    def clean(self):
        cleaned = super().clean()
        body = self.instance.body if self.instance.pk else cleaned.get("body")
        candidate = Membership(
            pk=self.instance.pk,
            body=body,
            person=cleaned.get("person"),
            organisation=cleaned.get("organisation"),
        )
        if None not in (body, candidate.person, candidate.organisation):
            services.check_membership_overlap(candidate)
        return cleaned


@admin.register(Membership)
class MembershipAdmin(SpreadsheetExportMixin, admin.ModelAdmin):
    resource_classes = [MembershipResource]
    form = MembershipForm
    list_display = ("person", "body", "organisation", "role", "starts_on", "ends_on")
    list_filter = ("role", "body", "organisation__sector")
    list_select_related = ("person", "body", "organisation")
    search_fields = ("person__name_ar", "person__name_en", "organisation__name_ar", "body__name_ar")
    fields = ("body", *services.MEMBERSHIP_EDIT_FIELDS)
    autocomplete_fields = ("body", "person", "organisation")

    def get_readonly_fields(self, request, obj=None):
        # A membership stays in its body (update_membership does not move it).
        return () if obj is None else ("body",)

    def save_model(self, request, obj, form, change):
        data = form_data(form, services.MEMBERSHIP_EDIT_FIELDS)
        if change:
            saved = services.update_membership(membership=obj, data=data, by=request.user)
        else:
            saved = services.create_membership(
                body=form.cleaned_data["body"], data=data, by=request.user
            )
        take_saved(obj, saved)


class LockedWithMeetingInline:
    """An inline of the meeting page: read-only once the minutes are published (`obj` is
    the meeting)."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked(obj)


class AttendanceInline(LockedWithMeetingInline, admin.TabularInline):
    model = Attendance
    fields = ("order", "person", "organisation", "position_ar", "role", "status")
    autocomplete_fields = ("person", "organisation")
    extra = 0


class AgendaItemInline(LockedWithMeetingInline, admin.StackedInline):
    model = AgendaItem
    form = BoundedDiscussionForm
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


class OutcomeInline(LockedWithMeetingInline, admin.StackedInline):
    model = Outcome
    fields = ("number", "decision_ar", "decision_en", "owner", "due_on", "status", "commitments")
    autocomplete_fields = ("owner", "commitments")
    extra = 0


# The minutes' lifecycle: each step moves only through meetings.services in the workspace.
MINUTES_STEP_FIELDS = (
    "minutes_state",
    "minutes_circulated_at",
    "minutes_circulated_by",
    "minutes_approved_at",
    "minutes_approved_by",
    "minutes_published_at",
    "minutes_published_by",
)


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("title_ar", "body", "plan", "starts_at", "mode", "minutes_state")
    list_filter = ("minutes_state", "mode", "body", "plan")
    list_select_related = ("body", "plan")
    search_fields = ("title_ar", "title_en", "minutes_ar", "minutes_en")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("body", "plan")
    fields = (
        *services.MEETING_EDIT_FIELDS,
        *services.MINUTES_TEXT_FIELDS,
        *MINUTES_STEP_FIELDS,
        "version",
    )
    readonly_fields = (*MINUTES_STEP_FIELDS, "version")
    inlines = [AttendanceInline, AgendaItemInline, OutcomeInline]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not locked(obj)

    def save_model(self, request, obj, form, change):
        data = form_data(form, [*services.MEETING_EDIT_FIELDS, *services.MINUTES_TEXT_FIELDS])
        save_versioned(
            obj,
            change,
            create=partial(services.create_meeting, data=data, by=request.user),
            update=partial(services.update_meeting, meeting=obj, data=data, by=request.user),
        )

    def save_formset(self, request, form, formset, change):
        services.save_meeting_rows(meeting=form.instance, formset=formset, by=request.user)


@admin.register(Attendance)
class AttendanceAdmin(SpreadsheetExportMixin, CountedRowAdmin):
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


class AgendaItemAdminForm(BoundedDiscussionForm, UnlockedMeetingForm):
    pass


@admin.register(AgendaItem)
class AgendaItemAdmin(CountedRowAdmin):
    form = AgendaItemAdminForm
    list_display = ("__str__", "meeting", "presenter")
    list_filter = ("meeting__body",)
    list_select_related = ("meeting", "presenter")
    search_fields = ("title_ar", "title_en", "meeting__title_ar")
    fields = ("meeting", *AgendaItemInline.fields)
    autocomplete_fields = ("meeting", "presenter")


@admin.register(Outcome)
class OutcomeAdmin(CountedRowAdmin):
    list_display = ("__str__", "meeting", "owner", "due_on", "status")
    list_filter = ("status", "meeting__body")
    list_select_related = ("meeting", "owner")
    search_fields = ("decision_ar", "decision_en", "meeting__title_ar")
    fields = ("meeting", *OutcomeInline.fields)
    autocomplete_fields = ("meeting", "owner", "commitments")


class AttachmentForm(UnlockedMeetingForm):
    def meeting_of(self, cleaned):
        item = self.instance.agenda_item if self.instance.pk else cleaned.get("agenda_item")
        return item.meeting if item else None


@admin.register(Attachment)
class AttachmentAdmin(MeetingRowAdmin):
    form = AttachmentForm
    list_display = ("title", "agenda_item", "uploaded_at", "uploaded_by")
    list_select_related = ("agenda_item", "uploaded_by")
    search_fields = ("title", "agenda_item__title_ar")
    fields = ("agenda_item", "title", "file")
    autocomplete_fields = ("agenda_item",)

    def meeting_of(self, obj):
        return obj.agenda_item.meeting if obj is not None else None

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("agenda_item",)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        item = form.cleaned_data["agenda_item"]
        saved = services.add_attachment(
            meeting=item.meeting,
            agenda_item=item,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            by=request.user,
        )
        take_saved(obj, saved)


@admin.register(Remark)
class RemarkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A forum member's own words, sent from the workspace while the minutes are
    circulated (services.submit_remark): read here, never written."""

    list_display = ("meeting", "author", "created_at")
    list_select_related = ("meeting", "author")
    search_fields = ("body", "meeting__title_ar")
    fields = ("meeting", "author", "body", "created_at")
    readonly_fields = fields
