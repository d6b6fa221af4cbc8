"""Workspace views for meetings: facts, attendance (with the pasted-list importer), agenda
with attachments, outcomes, and the minutes lifecycle. Every write goes through
`meetings.services`; published minutes are read only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.access import show_service_error, workspace_view
from core.concurrency import StaleEdit
from core.conflicts import conflict_context, rebase_form

from . import services
from .forms import (
    AgendaItemFormSet,
    AttachmentForm,
    AttendanceFormSet,
    GuestForm,
    MeetingCreateForm,
    MeetingForm,
    MeetingRowsForm,
    OutcomeFormSet,
    PastedRowFormSet,
    PasteForm,
    RemarkForm,
)
from .models import Attachment, Meeting, Membership, MinutesState, Person, Remark
from .pasting import Matcher, parse_attendees


def get_meeting(pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body", "plan"), pk=pk)


@require_GET
@workspace_view("meetings.view_meeting")
def meeting_list(request):
    meetings = (
        Meeting.objects.select_related("body", "plan")
        .annotate(attendee_count=Count("attendances", distinct=True))
        .order_by("-starts_at")
    )
    return render(request, "manage/meetings/meeting_list.html", {"meetings": meetings})


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.add_meeting")
def meeting_create(request):
    form = MeetingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The meeting was created. Its minutes are a draft."))
            return redirect("manage:meeting_detail", pk=meeting.pk)
    return render(request, "manage/meetings/meeting_form.html", {"form": form, "meeting": None})


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.change_meeting")
def meeting_edit(request, pk: int):
    meeting = get_meeting(pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    context = {"form": form, "meeting": meeting}

    def save(form):
        services.update_meeting(
            meeting=meeting,
            data=form.cleaned_data,
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )

    if request.method == "POST" and form.is_valid():
        try:
            try:
                save(form)
            except StaleEdit as stale:
                form = rebase_form(form, stale.current)
                context |= {"form": form} | conflict_context(form, stale.current)
                again = MeetingForm(form.data, instance=stale.current)
                if not (only_mine(form) and again.is_valid()):
                    raise
                save(again)
        except StaleEdit:
            return render(request, "manage/meetings/meeting_form.html", context, status=409)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("manage:meeting_detail", pk=meeting.pk)
    return render(request, "manage/meetings/meeting_form.html", context)


def only_mine(form) -> bool:
    """Whether the merge of a stale page found nothing the other person changed on it: they
    saved another page of the meeting (its facts, another kind of its rows, the minutes'
    step), which shares the meeting's version. The user's values are then saved on the
    current version at once: nothing of theirs is overwritten, and nothing is asked."""
    return all(row["status"] == "yours" for row in form.conflict["rows"])


def lifecycle_steps(meeting: Meeting, user) -> list[dict]:
    """The four steps of the minutes, each with when and by whom, and the next one's button."""
    rows = [
        (MinutesState.DRAFT, None, None, None),
        (
            MinutesState.CIRCULATED,
            meeting.minutes_circulated_at,
            meeting.minutes_circulated_by,
            "meetings.change_meeting",
        ),
        (
            MinutesState.APPROVED,
            meeting.minutes_approved_at,
            meeting.minutes_approved_by,
            "meetings.change_meeting",
        ),
        (
            MinutesState.PUBLISHED,
            meeting.minutes_published_at,
            meeting.minutes_published_by,
            "meetings.publish_minutes",
        ),
    ]
    steps = []
    for state, at, by, perm in rows:
        is_next = perm is not None and services.step_problem(meeting, state) is None
        allowed = perm is not None and user.has_perm(perm)
        steps.append(
            {
                "state": state,
                "label": MinutesState(state).label,
                "at": at,
                "by": by,
                "done": at is not None or state == MinutesState.DRAFT,
                "may": is_next and allowed,
                # The next step, which this role cannot take: say who takes it.
                "hint": STEP_HINTS.get(state) if is_next and not allowed else None,
            }
        )
    return steps


STEP_HINTS = {
    MinutesState.CIRCULATED: gettext_lazy("The unit's staff circulate the minutes to the members."),
    MinutesState.APPROVED: gettext_lazy("The unit's staff record the members' approval."),
    MinutesState.PUBLISHED: gettext_lazy(
        "Only the unit coordinator publishes the minutes: ask them when the minutes are ready."
    ),
}


@require_GET
@workspace_view("meetings.view_meeting")
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(
        Meeting.objects.for_detail().select_related(
            "minutes_circulated_by", "minutes_approved_by", "minutes_published_by"
        ),
        pk=pk,
    )
    agenda_items = list(meeting.agenda_items.prefetch_related("attachments"))
    context = {
        "meeting": meeting,
        "attendances": list(meeting.attendances.all()),
        "agenda_items": agenda_items,
        "outcomes": list(meeting.outcomes.all()),
        "steps": lifecycle_steps(meeting, request.user),
        "locked": meeting.is_published,
        "may_publish_agenda": bool(agenda_items)
        and meeting.agenda_published_at is None
        and request.user.has_perm("meetings.change_meeting"),
        "attachment_form": AttachmentForm(meeting=meeting) if agenda_items else None,
        "remarks": (
            list(meeting.remarks.with_authors())
            if request.user.has_perm("meetings.change_meeting")
            else []
        ),
        "may_remark": request.user.has_perm("meetings.add_remark")
        and services.remark_problem(meeting) is None,
    }
    return render(request, "manage/meetings/meeting_detail.html", context)


@require_POST
@workspace_view("meetings.view_meeting", "meetings.change_meeting")
def meeting_minutes_step(request, pk: int):
    meeting = get_meeting(pk)
    step = request.POST.get("step")
    try:
        if step == MinutesState.CIRCULATED:
            services.circulate_minutes(meeting=meeting, by=request.user)
            messages.success(request, _("The minutes were sent to the members."))
        elif step == MinutesState.APPROVED:
            services.approve_minutes(meeting=meeting, by=request.user)
            messages.success(request, _("The minutes are recorded as approved."))
        elif step == MinutesState.PUBLISHED:
            if not request.user.has_perm("meetings.publish_minutes"):
                raise PermissionDenied
            public_url = request.build_absolute_uri(meeting.get_absolute_url())
            services.publish_minutes(meeting=meeting, by=request.user, public_url=public_url)
            messages.success(request, _("The minutes are published on the public site."))
        else:
            raise Http404
    except ValidationError as error:
        show_service_error(request, error)
    return redirect("manage:meeting_detail", pk=meeting.pk)


@require_POST
@workspace_view("meetings.view_meeting", "meetings.change_meeting")
def meeting_agenda_publish(request, pk: int):
    """Record that the agenda is public now (the forum's calendar wants it 7 days ahead)."""
    meeting = get_meeting(pk)
    try:
        services.publish_agenda(meeting=meeting, by=request.user)
    except ValidationError as error:
        show_service_error(request, error)
    else:
        messages.success(request, _("The agenda is recorded as published today."))
    return redirect("manage:meeting_detail", pk=meeting.pk)


def _rows_view(
    request, pk: int, *, formset_class, template: str, title: str, extra=None, **form_kwargs
):
    """Edit one kind of the meeting's rows (attendance, agenda items, outcomes). The rows
    are versioned with their meeting: a save from a page opened before someone else saved
    answers 409 with the rows merged row by row (`core.conflicts`)."""
    meeting = get_meeting(pk)
    if meeting.is_published:
        messages.error(request, services.lock_problem(meeting))
        return redirect("manage:meeting_detail", pk=meeting.pk)

    def rows_of(row_meeting: Meeting, data=None):
        kwargs = {**form_kwargs, **(extra(row_meeting) if extra else {})}
        return formset_class(data, instance=row_meeting, form_kwargs=kwargs or None)

    def save(row_meeting: Meeting, form, formset):
        services.save_meeting_rows(
            meeting=row_meeting,
            formset=formset,
            expected_version=form.cleaned_data["version"],
            by=request.user,
        )

    form = MeetingRowsForm(request.POST or None, instance=meeting)
    # `form.data`: the posted rows with the choices made on the conflict page applied.
    formset = rows_of(meeting, form.data if form.is_bound else None)
    form.seal(formset)
    status = 200
    if request.method == "POST" and form.is_valid():
        current = None
        if form.cleaned_data["version"] != meeting.version:
            # Stale: merged before the rows are judged (a row may be gone since).
            current = meeting
        elif formset.is_valid():
            try:
                save(meeting, form, formset)
            except StaleEdit as stale:
                current = stale.current
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                return rows_saved(request, meeting)
        if current is not None:
            meeting = current
            form = rebase_form(form, meeting, formsets=[(formset, rows_of(meeting), title)])
            formset = rows_of(meeting, form.data)
            form.seal(formset)
            quiet(formset)
            status = 409
            again = MeetingRowsForm(form.data, instance=meeting)
            rows = rows_of(meeting, again.data)
            if only_mine(form) and again.is_valid() and rows.is_valid():
                try:
                    save(meeting, again, rows)
                except StaleEdit:
                    pass  # saved again meanwhile: the merge above is shown
                except ValidationError as error:
                    formset._non_form_errors = formset.error_class(error.messages)
                else:
                    return rows_saved(request, meeting)
    return render(
        request,
        "manage/meetings/meeting_rows.html",
        {
            "meeting": meeting,
            "form": form,
            "formset": formset,
            "title": title,
            "row_template": template,
            "guest_form": GuestForm() if formset_class is AttendanceFormSet else None,
            "numbered": formset_class is not AttendanceFormSet,
            **conflict_context(form, meeting),
        },
        status=status,
    )


def rows_saved(request, meeting: Meeting):
    messages.success(request, _("Saved."))
    if "more" in request.POST:  # "Save and add more": the same page, fresh rows
        return redirect(request.path)
    return redirect("manage:meeting_detail", pk=meeting.pk)


def quiet(formset) -> None:
    """Show the merged rows without judging them: the user has not saved them yet."""
    formset._non_form_errors = formset.error_class()
    formset._errors = [ErrorDict() for _form in formset.forms]
    for row in formset.forms:
        row._errors = ErrorDict()


def attendance_choices(meeting: Meeting) -> dict:
    """Who may be picked: the body's members on the day of the meeting, and the guests
    already recorded for it (two queries)."""
    day = timezone.localdate(meeting.starts_at)
    memberships = list(
        Membership.objects.current(on=day)
        .filter(body=meeting.body_id)
        .select_related("person", "organisation")
        .order_by("person__name_ar")
    )
    guests = list(Person.objects.filter(attendances__meeting=meeting).order_by("name_ar"))
    return {"memberships": memberships, "guests": guests}


def show_form_errors(request, form) -> None:
    """The errors of a form posted from a page it redirects back to, as page messages."""
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.change_attendance", "meetings.add_attendance")
def meeting_attendance(request, pk: int):
    return _rows_view(
        request,
        pk,
        formset_class=AttendanceFormSet,
        template="manage/meetings/_attendance_row.html",
        title=_("Attendance"),
        extra=attendance_choices,
    )


@require_POST
@workspace_view("meetings.view_meeting", "meetings.add_attendance")
def meeting_guest_add(request, pk: int):
    """Add someone from outside the body, matched to a known person by name and
    organisation, else created."""
    meeting = get_meeting(pk)
    form = GuestForm(request.POST)
    if form.is_valid():
        try:
            services.add_guest(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(request, error)
        else:
            messages.success(request, _("The guest was added to the attendance."))
    else:
        show_form_errors(request, form)
    return redirect("manage:meeting_attendance", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.add_remark")
def meeting_remarks(request, pk: int):
    """A member sends written remarks on circulated minutes; they see only their own."""
    meeting = get_meeting(pk)
    form = RemarkForm(request.POST or None)
    problem = services.remark_problem(meeting)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_remark(meeting=meeting, body=form.cleaned_data["body"], by=request.user)
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("Thank you: your remarks were sent to the unit."))
            return redirect("manage:meeting_remarks", pk=meeting.pk)
    own = Remark.objects.filter(meeting=meeting, author=request.user).order_by("created_at")
    context = {"meeting": meeting, "form": form, "problem": problem, "own": list(own)}
    return render(request, "manage/meetings/meeting_remarks.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.change_agendaitem", "meetings.add_agendaitem")
def meeting_agenda(request, pk: int):
    return _rows_view(
        request,
        pk,
        formset_class=AgendaItemFormSet,
        template="manage/meetings/_agenda_row.html",
        title=_("Agenda and discussion"),
    )


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.change_outcome", "meetings.add_outcome")
def meeting_outcomes(request, pk: int):
    meeting = get_meeting(pk)
    return _rows_view(
        request,
        pk,
        formset_class=OutcomeFormSet,
        template="manage/meetings/_outcome_row.html",
        title=_("Agreed outcomes"),
        plan=meeting.plan,
    )


@require_http_methods(["GET", "POST"])
@workspace_view("meetings.view_meeting", "meetings.add_attendance")
def meeting_paste_attendees(request, pk: int):
    """Paste an attendee list → preview matched to known people and organisations →
    confirm (with corrections) → saved. Nothing is saved before the confirmation."""
    meeting = get_meeting(pk)
    if meeting.is_published:
        messages.error(request, services.lock_problem(meeting))
        return redirect("manage:meeting_detail", pk=meeting.pk)
    matcher = Matcher()
    paste_form = PasteForm(request.POST if "preview" in request.POST else None)
    formset = None
    problems = {}
    if request.method == "POST" and "preview" in request.POST and paste_form.is_valid():
        parsed = parse_attendees(paste_form.cleaned_data["text"], matcher)
        if not parsed:
            paste_form.add_error("text", _("No attendee line was found in this text."))
        else:
            initial = [
                {
                    "include": True,
                    "line": row.line,
                    "honorific": row.honorific,
                    "name_ar": row.name_ar,
                    "position_ar": row.position_ar,
                    "person": row.person.pk if row.person else "",
                    "organisation": row.organisation.pk if row.organisation else "",
                    "new_organisation_name": "" if row.organisation else row.organisation_text,
                }
                for row in parsed
            ]
            formset = PastedRowFormSet(initial=initial, form_kwargs={"matcher": matcher})
            problems = {index: row.problems for index, row in enumerate(parsed)}
    elif request.method == "POST" and "confirm" in request.POST:
        formset = PastedRowFormSet(request.POST, form_kwargs={"matcher": matcher})
        if formset.is_valid():
            organisations = {o.pk: o for o in matcher.organisations}
            people = {p.pk: p for group in matcher.people_by_name.values() for p in group}
            rows = [
                services.AttendeeRow(
                    name_ar=data["name_ar"],
                    honorific=data["honorific"],
                    position_ar=data["position_ar"],
                    person=people.get(data["person"]),
                    organisation=organisations.get(data["organisation"]),
                    new_organisation_name=data["new_organisation_name"],
                    new_organisation_sector=data["new_organisation_sector"],
                    status=data["status"],
                    role=data["role"],
                )
                for data in formset.cleaned_data
                if data.get("include")
            ]
            try:
                added = services.add_attendees(meeting=meeting, rows=rows, by=request.user)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(
                    request,
                    _("%(count)s attendees were added.") % {"count": len(added)},
                )
                return redirect("manage:meeting_detail", pk=meeting.pk)
    rows = [(form, problems.get(i, [])) for i, form in enumerate(formset.forms)] if formset else []
    return render(
        request,
        "manage/meetings/paste_attendees.html",
        {"meeting": meeting, "paste_form": paste_form, "formset": formset, "rows": rows},
    )


@require_POST
@workspace_view("meetings.view_meeting", "meetings.add_attachment")
def attachment_add(request, pk: int):
    meeting = get_meeting(pk)
    form = AttachmentForm(request.POST, request.FILES, meeting=meeting)
    if form.is_valid():
        try:
            services.add_attachment(
                meeting=meeting,
                agenda_item=form.cleaned_data["agenda_item"],
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except ValidationError as error:
            show_service_error(request, error, form)
        else:
            messages.success(request, _("The file was attached."))
            return redirect("manage:meeting_detail", pk=meeting.pk)
    show_form_errors(request, form)
    return redirect(reverse("manage:meeting_detail", kwargs={"pk": meeting.pk}) + "#agenda")


@require_GET
@workspace_view("meetings.view_attachment")
def attachment_download(request, pk: int):
    """A private attachment, only through this permission-checked view."""
    attachment = get_object_or_404(Attachment, pk=pk)
    name = attachment.file.name.rsplit("/", 1)[-1]
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=name)
