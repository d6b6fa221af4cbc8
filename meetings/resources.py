"""Spreadsheet import/export of people, memberships and attendance.

People, bodies and organisations are named by their Arabic names. A meeting has no readable
unique key, so attendance rows name it by its id (shown in the admin) and export its title
beside it for the reader.
"""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from import_export import fields, widgets

from core.arabic import normalise
from core.sheets import (
    Change,
    Column,
    Preview,
    RowResult,
    Sheet,
    Write,
    display,
    dry_run,
    field_change,
    field_label,
    model_problems,
    register,
    report_problems,
    row_error,
)
from core.spreadsheets import SpreadsheetResource
from plans.models import Organisation

from . import services
from .models import (
    Attendance,
    AttendanceStatus,
    Body,
    Meeting,
    Membership,
    Person,
    Role,
)


class PersonResource(SpreadsheetResource):
    class Meta:
        model = Person
        fields = ("honorific", "name_ar", "name_en", "email", "phone")


class MembershipResource(SpreadsheetResource):
    body = fields.Field(
        attribute="body", column_name="body", widget=widgets.ForeignKeyWidget(Body, "name_ar")
    )
    person = fields.Field(
        attribute="person", column_name="person", widget=widgets.ForeignKeyWidget(Person, "name_ar")
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=widgets.ForeignKeyWidget(Organisation, "name_ar"),
    )
    constraint_fields = {
        "membership_unique_person_per_body": "person",
        "membership_dates_in_order": "ends_on",
    }
    export_select_related = ("body", "person", "organisation")

    class Meta:
        model = Membership
        fields = ("body", *services.MEMBERSHIP_EDIT_FIELDS)


class AttendanceResource(SpreadsheetResource):
    meeting = fields.Field(
        attribute="meeting", column_name="meeting", widget=widgets.ForeignKeyWidget(Meeting, "id")
    )
    meeting_title = fields.Field(
        attribute="meeting__title_ar", column_name="meeting_title", readonly=True
    )
    person = fields.Field(
        attribute="person", column_name="person", widget=widgets.ForeignKeyWidget(Person, "name_ar")
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=widgets.ForeignKeyWidget(Organisation, "name_ar"),
    )
    export_select_related = ("meeting", "person", "organisation")

    class Meta:
        model = Attendance
        fields = (
            "meeting",
            "meeting_title",
            "order",
            "person",
            "organisation",
            "position_ar",
            "position_en",
            "role",
            "status",
        )


# Workspace sheets (imports.views): upload → preview → confirm, whole file or nothing.


class PeopleIndex:
    """People, organisations and bodies by their folded names (`core.arabic`, the one
    shared normaliser), and which organisations each person sat for: four queries."""

    def __init__(self):
        self.people: dict[str, list[Person]] = {}
        self.people_by_pk = {}
        for person in Person.objects.order_by("pk"):
            self.people.setdefault(normalise(person.name_ar), []).append(person)
            self.people_by_pk[person.pk] = person
        self.organisations: dict[str, set] = {}
        for organisation in Organisation.objects.all():
            for name in (organisation.name_ar, organisation.name_en, organisation.acronym):
                if name:
                    self.organisations.setdefault(normalise(name), set()).add(organisation)
        self.bodies = {normalise(b.name_ar): b for b in Body.objects.all()}
        self.bodies |= {normalise(b.name_en): b for b in Body.objects.exclude(name_en="")}
        self.orgs_of: dict[int, set] = {}
        for model in (Membership, Attendance):
            for person_id, org_id in model.objects.values_list("person_id", "organisation_id"):
                self.orgs_of.setdefault(person_id, set()).add(org_id)

    def organisation(self, result, name):
        found = self.organisations.get(normalise(name), set())
        if len(found) != 1:
            result.error(
                field_label(Membership, "organisation"),
                gettext(
                    "“%(name)s” is not one known organisation: import it in the organisations"
                    " sheet first, or write its name as the workspace shows it."
                )
                % {"name": name},
            )
            return None
        return next(iter(found))

    def person(self, result, name, organisation, person_id=None):
        """The person named `name` who sat for `organisation`; None for a new person. A
        namesake elsewhere, or two here, is asked about: the row names candidates by id."""
        if person_id:
            person = self.people_by_pk.get(person_id)
            if person is None:
                result.error(PERSON_ID, gettext("There is no person with this id."))
            return person
        candidates = self.people.get(normalise(name), [])
        same = [
            p for p in candidates if organisation and organisation.pk in self.orgs_of.get(p.pk, ())
        ]
        if len(same) == 1:
            return same[0]
        if candidates:
            result.error(
                PERSON_ID,
                gettext(
                    "Someone named %(name)s is already recorded (ids: %(ids)s). Write the right"
                    " id in the “person id” column, or “new” for another person."
                )
                % {"name": name, "ids": ", ".join(str(p.pk) for p in (same or candidates))},
            )
        return None


PERSON_ID = gettext_lazy("person id")


def person_id_column():
    return Column(
        "person_id",
        PERSON_ID,
        "key",
        help=gettext_lazy("Only when two people share a name: the id the preview names."),
        example="12",
    )


def read_person_id(result, data):
    value = data.get("person_id")
    if value in (None, "") or str(value).lower() in {"new", "جديد"}:
        return None, str(value).lower() in {"new", "جديد"}
    try:
        return int(value), False
    except ValueError:
        result.error(PERSON_ID, gettext("Write a person's id, or “new”."))
        return None, False


class PeopleSheet(Sheet):
    """A sheet whose rows name a person of an organisation (members, attendance): people
    are found through `PeopleIndex`; a name not known yet adds a person on confirming."""

    def require(self, result, data, names):
        for name in names:
            if not data.get(name):
                result.error(self.column(name).label, gettext("This cell is required."))

    def person_of(self, index, result, data):
        """(organisation, person) the row names; person None for a new one (or on error)."""
        organisation = index.organisation(result, data["organisation"])
        person_id, new = read_person_id(result, data)
        person = None if new else index.person(result, data["person"], organisation, person_id)
        return organisation, person

    def describe(self, result, saved, person, fields):
        """The row as the preview shows it: with `saved` None a new row and its values,
        otherwise the changes `fields` make to `saved`."""
        if saved is None:
            result.action = "create"
            if person is None:
                result.notes.append(gettext("A new person."))
            for name, value in fields.items():
                result.changes.append(Change(label=self.column(name).label, new=display(value)))
        else:
            result.obj = saved
            for name, value in fields.items():
                change = field_change(saved, name, value, self.column(name).label)
                if change:
                    result.changes.append(change)
            result.action = "update" if result.changes else "unchanged"


class MemberSheet(PeopleSheet):
    """Members of the forum's bodies: body, person, organisation, role and term."""

    kind = "members"
    title = gettext_lazy("Forum members")
    description = gettext_lazy(
        "Members of the forum, the working group and the task forces, with role and term."
    )
    needs_plan = False
    import_permissions = ("meetings.add_membership", "meetings.change_membership")
    export_permissions = ("meetings.view_membership",)

    @property
    def columns(self):
        return [
            Column(
                "body",
                field_label(Membership, "body"),
                required=True,
                example="منتدى أصحاب المصلحة",
            ),
            Column("person", field_label(Membership, "person"), required=True, example="نزار عوض"),
            person_id_column(),
            Column(
                "organisation",
                field_label(Membership, "organisation"),
                required=True,
                example="وزارة التخطيط والتعاون الدولي",
            ),
            Column(
                "sector", field_label(Organisation, "sector"), help=gettext_lazy("Export only.")
            ),
            Column(
                "role",
                field_label(Membership, "role"),
                "choice",
                choices=Role.choices,
                example="member",
            ),
            Column("position_ar", field_label(Membership, "position_ar")),
            Column("position_en", field_label(Membership, "position_en")),
            Column("starts_on", field_label(Membership, "starts_on"), "date", example="2021-09-01"),
            Column("ends_on", field_label(Membership, "ends_on"), "date"),
        ]

    def export_rows(self, *, plan, user):
        rows = Membership.objects.select_related("body", "person", "organisation").order_by(
            "body__name_ar", "person__name_ar"
        )
        return [
            {
                "body": m.body.name_ar,
                "person": m.person.name_ar,
                "person_id": m.person_id,
                "organisation": m.organisation.name_ar,
                "sector": m.organisation.get_sector_display(),
                "role": m.role,
                "position_ar": m.position_ar,
                "position_en": m.position_en,
                "starts_on": m.starts_on,
                "ends_on": m.ends_on,
            }
            for m in rows
        ]

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        index = PeopleIndex()
        existing = {
            (m.body_id, m.person_id, m.organisation_id): m for m in Membership.objects.all()
        }
        seen = {}
        writes, newcomers = [], []
        for position, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            data = self.read_row(table, position, result)
            preview.rows.append(result)
            self.require(result, data, ("body", "person", "organisation"))
            if result.action == "error":
                continue
            body = index.bodies.get(normalise(data["body"]))
            if body is None:
                result.error(self.column("body").label, gettext("There is no such body."))
            organisation, person = self.person_of(index, result, data)
            if result.action == "error":
                continue
            key = (body.pk, person.pk if person else normalise(data["person"]), organisation.pk)
            if seen.setdefault(key, number) != number:
                result.error(
                    "", gettext("Row %(first)s is the same member.") % {"first": seen[key]}
                )
                continue
            fields = {
                name: data[name]
                for name in ("role", "position_ar", "position_en", "starts_on", "ends_on")
                if name in data
            }
            membership = existing.get(key) if person else None
            result.target_ar = data["person"]
            result.target = body.name_ar
            result.data = {
                "body": body,
                "person": person,
                "organisation": organisation,
                "name_ar": data["person"],
                "fields": fields,
            }
            self.describe(result, membership, person, fields)
            if result.action in ("create", "update"):
                self.check(result, membership, result.data, fields, writes, newcomers)

        def add_newcomers():
            people = Person.objects.bulk_create([Person(name_ar=name) for _c, name in newcomers])
            for (candidate, _name), person in zip(newcomers, people, strict=True):
                candidate.person = person

        dry_run(
            writes,
            label_of=self.label_of,
            before=add_newcomers,
            constraint_fields=MembershipResource.constraint_fields,
        )
        return preview

    def check(self, result, membership, data, fields, writes, newcomers):
        """The membership's own rules (its dates in order, one seat per body and
        organisation) as the model and the database state them, in the dry run. A person
        not yet known is added in the dry run too (`newcomers`), as confirming would."""
        candidate = copy.copy(membership) if membership else Membership()
        candidate.body, candidate.organisation = data["body"], data["organisation"]
        if data["person"] is not None:
            candidate.person = data["person"]
        else:
            newcomers.append((candidate, data["name_ar"].strip()))
        for name, value in fields.items():
            setattr(candidate, name, value)
        exclude = {"body", "person", "organisation"}
        report_problems(result, model_problems(candidate, exclude=exclude), self.label_of)
        writes.append(Write(result, candidate, list(fields) if membership else None))

    def apply(self, preview, *, plan, user, now):
        for result in preview.rows:
            if result.action not in ("create", "update"):
                continue
            data = result.data
            try:
                if result.action == "create":
                    person = data["person"] or _new_person(data["name_ar"])
                    services.create_membership(
                        body=data["body"],
                        data={
                            "person": person,
                            "organisation": data["organisation"],
                            **data["fields"],
                        },
                        by=user,
                    )
                else:
                    services.update_membership(membership=result.obj, data=data["fields"], by=user)
            except ValidationError as error:
                raise row_error(result.number, error) from error


class AttendanceSheet(PeopleSheet):
    """The attendance of meetings, a meeting named by its id (shown in the workspace)."""

    kind = "attendance"
    title = gettext_lazy("Meeting attendance")
    description = gettext_lazy(
        "Who attended which meeting, with position, role and attendance; people are matched"
        " by name and organisation."
    )
    needs_plan = False
    import_permissions = ("meetings.add_attendance", "meetings.change_attendance")
    export_permissions = ("meetings.view_attendance",)

    @property
    def columns(self):
        return [
            Column(
                "meeting", field_label(Attendance, "meeting"), "int", required=True, example="1"
            ),
            Column(
                "meeting_title", gettext_lazy("meeting title"), help=gettext_lazy("Export only.")
            ),
            Column("person", field_label(Attendance, "person"), required=True, example="مي عليجات"),
            person_id_column(),
            Column("organisation", field_label(Attendance, "organisation"), required=True),
            Column("position_ar", field_label(Attendance, "position_ar")),
            Column("role", field_label(Attendance, "role"), "choice", choices=Role.choices),
            Column(
                "status",
                field_label(Attendance, "status"),
                "choice",
                choices=AttendanceStatus.choices,
            ),
        ]

    def export_rows(self, *, plan, user):
        rows = Attendance.objects.select_related("meeting", "person", "organisation").order_by(
            "-meeting__starts_at", "order", "pk"
        )
        return [
            {
                "meeting": a.meeting_id,
                "meeting_title": a.meeting.title_ar,
                "person": a.person.name_ar,
                "person_id": a.person_id,
                "organisation": a.organisation.name_ar,
                "position_ar": a.position_ar,
                "role": a.role,
                "status": a.status,
            }
            for a in rows
        ]

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        index = PeopleIndex()
        meetings = {m.pk: m for m in Meeting.objects.all()}
        existing = {(a.meeting_id, a.person_id): a for a in Attendance.objects.all()}
        seen = {}
        for position, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            data = self.read_row(table, position, result)
            preview.rows.append(result)
            self.require(result, data, ("meeting", "person", "organisation"))
            if result.action == "error":
                continue
            meeting = meetings.get(data["meeting"])
            if meeting is None:
                result.error(self.column("meeting").label, gettext("There is no such meeting."))
            elif meeting.is_published:
                result.error(
                    "", gettext("These minutes are published; they can no longer be changed.")
                )
            organisation, person = self.person_of(index, result, data)
            if result.action == "error":
                continue
            key = (meeting.pk, person.pk if person else normalise(data["person"]))
            if seen.setdefault(key, number) != number:
                result.error(
                    "",
                    gettext("Row %(first)s has the same person in the same meeting.")
                    % {"first": seen[key]},
                )
                continue
            fields = {n: data[n] for n in ("position_ar", "role", "status") if n in data}
            attendance = existing.get(key) if person else None
            result.target = meeting.title_ar
            result.target_ar = data["person"]
            result.data = {
                "meeting": meeting,
                "person": person,
                "organisation": organisation,
                "name_ar": data["person"],
                "fields": fields,
            }
            if attendance is not None and attendance.organisation_id != organisation.pk:
                fields["organisation"] = organisation
            self.describe(result, attendance, person, fields)
        return preview

    def apply(self, preview, *, plan, user, now):
        for result in preview.rows:
            data = result.data
            try:
                if result.action == "create":
                    services.add_attendees(
                        meeting=data["meeting"],
                        rows=[
                            services.AttendeeRow(
                                name_ar=data["name_ar"],
                                person=data["person"],
                                organisation=data["organisation"],
                                position_ar=data["fields"].get("position_ar", ""),
                                status=data["fields"].get("status", AttendanceStatus.PRESENT),
                                role=data["fields"].get("role", Role.MEMBER),
                            )
                        ],
                        by=user,
                    )
                elif result.action == "update":
                    services.update_attendance(attendance=result.obj, data=data["fields"], by=user)
            except ValidationError as error:
                raise row_error(result.number, error) from error


def _new_person(name_ar: str) -> Person:
    person = Person(name_ar=name_ar.strip())
    person.full_clean()
    person.save()
    return person


register(MemberSheet())
register(AttendanceSheet())
