"""Writes to meetings and their minutes. Every rule lives here, not in the views.

The minutes of a meeting go draft → circulated (emailed to the body's members, after
commit, by a background task) → approved → published (on the public site and in the plan's
document repository). Each step records when and by whom, only in that order.

Published minutes are **locked**: every change to a published meeting, its attendance,
agenda, attachments or outcomes is refused with a message. The published text is what the
public page, the PDF and the document repository show, and what the forum approved; a
silent or even a noted edit would make them disagree. Everything before publication is kept
in django-simple-history (meeting, attendance, agenda items, outcomes) with who and when.

A meeting's `version` counts every write to it and to its rows (facts, minutes' steps, the
agenda's publication, attendance however added, agenda items, outcomes): a workspace page
opened on an earlier version is stale, and its save is merged (`core.conflicts`) instead of
overwriting what was saved in between.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.concurrency import StaleEdit, lock_for_edit, save_as
from plans import services as plan_services
from plans.models import DocumentKind, Organisation

from .models import (
    Attachment,
    Attendance,
    AttendanceStatus,
    Body,
    Meeting,
    Membership,
    MinutesState,
    Person,
    Remark,
    Role,
)
from .pasting import is_latin, title_rank

# The fields of a meeting that staff fill in from the workspace.
MEETING_EDIT_FIELDS = [
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
]
# The minutes' text, written in the admin; locked with the rest once published.
MINUTES_TEXT_FIELDS = ["minutes_ar", "minutes_en"]

# Each step of the minutes: the state it starts from.
NEXT_STEP_FROM = {
    MinutesState.CIRCULATED: MinutesState.DRAFT,
    MinutesState.APPROVED: MinutesState.CIRCULATED,
    MinutesState.PUBLISHED: MinutesState.APPROVED,
}


def lock_problem(meeting: Meeting) -> str | None:
    if meeting.minutes_state == MinutesState.PUBLISHED:
        return _("These minutes are published; they can no longer be changed.")
    return None


def ensure_editable(meeting: Meeting) -> Meeting:
    """The meeting row locked for this transaction; ValidationError once published."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = lock_problem(current)
    if problem:
        raise ValidationError(problem)
    return current


@transaction.atomic
def create_meeting(*, data: dict, by) -> Meeting:
    fields = [*MEETING_EDIT_FIELDS, *MINUTES_TEXT_FIELDS]
    meeting = Meeting(**{name: data[name] for name in fields if name in data})
    meeting.full_clean()
    save_as(meeting, by)
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, data: dict, expected_version: int, by) -> Meeting:
    """Save the meeting's facts; `StaleEdit` when someone saved since the form opened."""
    current = lock_for_edit(meeting, expected_version)
    problem = lock_problem(current)
    if problem:
        raise ValidationError(problem)
    for name in [*MEETING_EDIT_FIELDS, *MINUTES_TEXT_FIELDS]:
        if name in data:
            setattr(current, name, data[name])
    current.full_clean()
    current.version += 1
    save_as(current, by)
    return current


def step_problem(meeting: Meeting, target: str) -> str | None:
    """Why the minutes cannot move to `target` now, or None."""
    if meeting.minutes_state == target:
        return _("The minutes are already at this step.")
    if NEXT_STEP_FROM.get(target) != meeting.minutes_state:
        return _(
            "Minutes go from draft to circulated, then approved, then published, in that"
            " order; this step is not the next one."
        )
    return None


def _move(meeting: Meeting, target: str) -> Meeting:
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = step_problem(current, target)
    if problem:
        raise ValidationError(problem)
    current.minutes_state = target
    current.version += 1
    return current


@transaction.atomic
def circulate_minutes(*, meeting: Meeting, by, now: datetime.datetime | None = None) -> Meeting:
    """Send the draft minutes to the body's members; the emails leave after commit."""
    current = _move(meeting, MinutesState.CIRCULATED)
    if not current.attendances.exists() and not current.agenda_items.exists():
        raise ValidationError(_("Record the attendance or the agenda before circulating."))
    current.minutes_circulated_at = now or timezone.now()
    current.minutes_circulated_by = by
    save_as(current, by)
    from .tasks import send_circulated_minutes

    meeting_pk = current.pk
    transaction.on_commit(lambda: send_circulated_minutes.enqueue(meeting_pk))
    return current


@transaction.atomic
def approve_minutes(*, meeting: Meeting, by, now: datetime.datetime | None = None) -> Meeting:
    """Record that the body approved the circulated minutes."""
    current = _move(meeting, MinutesState.APPROVED)
    current.minutes_approved_at = now or timezone.now()
    current.minutes_approved_by = by
    save_as(current, by)
    return current


@transaction.atomic
def publish_minutes(*, meeting: Meeting, by, public_url: str, now: datetime.datetime | None = None):
    """Publish approved minutes: public page, and a timestamped public entry in the plan's
    document repository pointing at them (its PDF is attached by a background task)."""
    if not by.has_perm("meetings.publish_minutes"):
        raise PermissionDenied(_("Only the unit coordinator publishes minutes."))
    current = _move(meeting, MinutesState.PUBLISHED)
    moment = now or timezone.now()
    current.minutes_published_at = moment
    current.minutes_published_by = by
    save_as(current, by)
    document = plan_services.add_public_document(
        plan=current.plan,
        kind=DocumentKind.MINUTES,
        title_ar=current.title_ar,
        title_en=current.title_en,
        url=public_url,
        published_at=moment,
        by=by,
    )
    from .tasks import attach_minutes_pdf

    meeting_pk, document_pk = current.pk, document.pk
    transaction.on_commit(lambda: attach_minutes_pdf.enqueue(meeting_pk, document_pk))
    return current


def agenda_problem(meeting: Meeting) -> str | None:
    """Why the agenda cannot be recorded as published now, or None."""
    if meeting.agenda_published_at is not None:
        return _("The agenda is already published.")
    if not meeting.agenda_items.exists():
        return _("Write the agenda items before publishing the agenda.")
    return None


@transaction.atomic
def publish_agenda(*, meeting: Meeting, by, now: datetime.datetime | None = None) -> Meeting:
    """Record when the meeting's agenda was made public: the forum's calendar expects it at
    least 7 days before the meeting (`calendar_rules`)."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = agenda_problem(current)
    if problem:
        raise ValidationError(problem)
    current.agenda_published_at = now or timezone.now()
    current.version += 1
    save_as(current, by)
    return current


def count_change(meeting: Meeting, by) -> Meeting:
    """Count a change to the meeting's rows (attendance, agenda items, outcomes) in the
    meeting's version, which those rows share: a page opened on them before is then stale
    (`save_meeting_rows`). `meeting` is the row locked by `ensure_editable`."""
    meeting.version += 1
    save_as(meeting, by, update_fields=["version"])
    return meeting


@transaction.atomic
def save_meeting_rows(
    *, meeting: Meeting, formset, by, expected_version: int | None = None
) -> Meeting:
    """Save an inline formset of the meeting's attendance, agenda items or outcomes, each
    change recorded in history with `by`. Refused once the minutes are published.

    The rows are versioned with their meeting: a page opened on `expected_version` raises
    `StaleEdit` when anything of the meeting was saved since (the view merges the rows); a
    save that changes a row raises the version. The admin, which has no page version to
    give, passes none."""
    current = ensure_editable(meeting)
    if expected_version is not None and current.version != expected_version:
        raise StaleEdit(current)
    instances = formset.save(commit=False)
    deleted = list(formset.deleted_objects)
    for obj in deleted:
        obj._history_user = by
        obj.delete()
    for instance in instances:
        save_as(instance, by)
    formset.save_m2m()
    if instances or deleted:
        count_change(current, by)
    return current


@transaction.atomic
def save_meeting_row(*, row, by) -> None:
    """Save one attendance, agenda item or outcome on its own (the admin), counted in its
    meeting's version like a save of the rows' page."""
    current = ensure_editable(row.meeting)
    save_as(row, by)
    count_change(current, by)


@transaction.atomic
def delete_meeting_rows(*, rows, by) -> None:
    """Delete attendances, agenda items or outcomes (the admin), counted in their
    meetings' versions."""
    meetings = {}
    for row in rows:
        meetings.setdefault(row.meeting_id, ensure_editable(row.meeting))
        row._history_user = by
        row.delete()
    for current in meetings.values():
        count_change(current, by)


@transaction.atomic
def add_attachment(*, meeting: Meeting, agenda_item, title: str, upload, by) -> Attachment:
    ensure_editable(meeting)
    if agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("This agenda item belongs to another meeting."))
    attachment = Attachment(agenda_item=agenda_item, title=title, file=upload, uploaded_by=by)
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by) -> None:
    ensure_editable(attachment.agenda_item.meeting)
    attachment.file.delete(save=False)
    attachment.delete()


@dataclass
class AttendeeRow:
    """One confirmed line of a pasted attendee list."""

    name_ar: str
    honorific: str = ""
    position_ar: str = ""
    person: Person | None = None  # None: a new person
    organisation: Organisation | None = None  # None: a new organisation, named below
    new_organisation_name: str = ""
    new_organisation_sector: str = ""
    status: str = "present"
    role: str = "member"


def better_title(recorded: str, pasted: str) -> bool:
    """Whether the honorific `pasted` (from a confirmed attendee list) should replace the
    one `recorded` for a known person: a list never lowers a title (`pasting.title_rank`:
    "السيد" leaves "م." as it is), and fills or changes one of the same rank."""
    if not pasted or pasted == recorded:
        return False
    return not recorded or title_rank(pasted) >= title_rank(recorded)


@transaction.atomic
def add_attendees(*, meeting: Meeting, rows: list[AttendeeRow], by) -> list[Attendance]:
    """Add confirmed attendees in the order given, creating only the people and
    organisations the user chose to create. A person twice, or already recorded, is refused."""
    meeting = ensure_editable(meeting)
    existing = set(meeting.attendances.values_list("person_id", flat=True))
    next_order = max(meeting.attendances.values_list("order", flat=True), default=0) + 1
    created_orgs: dict[str, Organisation] = {}
    attendances = []
    seen = set()
    for index, row in enumerate(rows, start=1):
        organisation = row.organisation
        if organisation is None:
            name = row.new_organisation_name.strip()
            organisation = created_orgs.get(name)
            if organisation is None:
                organisation = Organisation.objects.filter(name_ar=name).first()
            if organisation is None:
                organisation = plan_services.create_organisation(
                    data={"name_ar": name, "sector": row.new_organisation_sector}, by=by
                )
            created_orgs[name] = organisation
        person = row.person
        if person is None:
            name = row.name_ar.strip()
            # A name in Latin letters is the English name (the Arabic one is required, so
            # it holds the same text until staff write the Arabic spelling).
            person = Person(
                honorific=row.honorific, name_ar=name, name_en=name if is_latin(name) else ""
            )
            person.full_clean()
            person.save()
        elif row.honorific and better_title(person.honorific, row.honorific):
            person.honorific = row.honorific
            person.save(update_fields=["honorific"])
        if person.pk in existing or person.pk in seen:
            raise ValidationError(
                _("Line %(line)s: %(name)s is already in this meeting's attendance."),
                params={"line": index, "name": person.name_ar},
                code="duplicate_attendee",
            )
        seen.add(person.pk)
        position = row.position_ar.strip()
        attendance = Attendance(
            meeting=meeting,
            person=person,
            organisation=organisation,
            position_ar="" if is_latin(position) else position,
            position_en=position if is_latin(position) else "",
            role=row.role,
            status=row.status,
            order=next_order,
        )
        attendance.full_clean()
        save_as(attendance, by)
        attendances.append(attendance)
        next_order += 1
    if attendances:
        count_change(meeting, by)
    return attendances


# Bodies and their members ---------------------------------------------------------------

BODY_EDIT_FIELDS = ["kind", "name_ar", "name_en", "plan", "commitment"]
MEMBERSHIP_EDIT_FIELDS = [
    "person",
    "organisation",
    "role",
    "position_ar",
    "position_en",
    "starts_on",
    "ends_on",
]


@transaction.atomic
def save_body(*, body: Body | None = None, data: dict, by) -> Body:
    """Create a body (`body` None) or change its kind, names, plan and commitment."""
    body = body or Body()
    for name in BODY_EDIT_FIELDS:
        if name in data:
            setattr(body, name, data[name])
    body.full_clean()
    body.save()
    return body


def check_membership_overlap(membership: Membership) -> None:
    """One person holds one seat per body and organisation at a time."""
    others = Membership.objects.filter(
        body=membership.body, person=membership.person, organisation=membership.organisation
    ).exclude(pk=membership.pk)
    if others.exists():
        raise ValidationError(
            _("%(name)s is already a member of this body for this organisation."),
            params={"name": membership.person.name_ar},
            code="duplicate_member",
        )


@transaction.atomic
def create_membership(*, body: Body, data: dict, by) -> Membership:
    return save_membership(Membership(body=body), data)


@transaction.atomic
def update_membership(*, membership: Membership, data: dict, by) -> Membership:
    return save_membership(Membership.objects.select_for_update().get(pk=membership.pk), data)


def save_membership(membership: Membership, data: dict) -> Membership:
    """Write `data` on the membership, checked (one seat per person, body and organisation
    at a time; the model's rules) before it is saved."""
    for name in MEMBERSHIP_EDIT_FIELDS:
        if name in data:
            setattr(membership, name, data[name])
    check_membership_overlap(membership)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def end_membership(*, membership: Membership, on: datetime.date, by) -> Membership:
    """End a term on `on` (kept for the record: past meetings still name the member)."""
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if current.ends_on is not None and current.ends_on <= on:
        raise ValidationError(_("This membership has already ended."), code="already_ended")
    if current.starts_on and on < current.starts_on:
        raise ValidationError(_("A membership must not end before it starts."))
    current.ends_on = on
    current.full_clean()
    current.save()
    return current


def find_person(name_ar: str, organisation: Organisation) -> list[Person]:
    """People whose Arabic name reads the same (spelling variants folded) and who have sat
    for `organisation` in a body or a meeting: more than one means "ask the user"."""
    from .pasting import normalise

    key = normalise(name_ar)
    linked = Person.objects.filter(
        Q(memberships__organisation=organisation) | Q(attendances__organisation=organisation)
    ).distinct()
    return [person for person in linked if normalise(person.name_ar) == key]


@transaction.atomic
def add_guest(
    *,
    meeting: Meeting,
    name_ar: str,
    organisation: Organisation,
    by,
    honorific: str = "",
    position_ar: str = "",
    status: str = AttendanceStatus.PRESENT,
) -> Attendance:
    """Record someone who is not a member of the meeting's body: the known person with this
    name at this organisation, or a new person."""
    meeting = ensure_editable(meeting)
    found = find_person(name_ar, organisation)
    if len(found) > 1:
        raise ValidationError(
            _("More than one person with this name sat for this organisation: use the pasted list.")
        )
    person = found[0] if found else None
    if person is None:
        person = Person(honorific=honorific, name_ar=name_ar.strip())
        person.full_clean()
        person.save()
    if meeting.attendances.filter(person=person).exists():
        raise ValidationError(
            _("%(name)s is already in this meeting's attendance."),
            params={"name": person.name_ar},
            code="duplicate_attendee",
        )
    order = max(meeting.attendances.values_list("order", flat=True), default=0) + 1
    attendance = Attendance(
        meeting=meeting,
        person=person,
        organisation=organisation,
        position_ar=position_ar.strip(),
        role=Role.MEMBER,
        status=status,
        order=order,
    )
    attendance.full_clean()
    save_as(attendance, by)
    count_change(meeting, by)
    return attendance


# Members' written remarks ---------------------------------------------------------------


def remark_problem(meeting: Meeting) -> str | None:
    if meeting.minutes_state != MinutesState.CIRCULATED:
        return _("Remarks are taken while the minutes are circulated to the members.")
    return None


@transaction.atomic
def submit_remark(*, meeting: Meeting, body: str, by) -> Remark:
    """A forum member's remark on circulated minutes, linked to their account."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    problem = remark_problem(current)
    if problem:
        raise ValidationError(problem, code="not_circulated")
    remark = Remark(meeting=current, author=by, body=body.strip())
    remark.full_clean()
    remark.save()
    return remark


@transaction.atomic
def update_attendance(*, attendance: Attendance, data: dict, by) -> Attendance:
    """Change an attendee's organisation, position, role or attendance (from an import)."""
    meeting = ensure_editable(attendance.meeting)
    current = Attendance.objects.select_for_update().get(pk=attendance.pk)
    for name in ("organisation", "position_ar", "position_en", "role", "status"):
        if name in data:
            setattr(current, name, data[name])
    current.full_clean()
    save_as(current, by)
    count_change(meeting, by)
    return current
