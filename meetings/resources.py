"""Spreadsheet import/export of people, memberships and attendance.

People, bodies and organisations are named by their Arabic names. A meeting has no readable
unique key, so attendance rows name it by its id (shown in the admin) and export its title
beside it for the reader.
"""

from import_export import fields

from ogp_portal.spreadsheets import LookupWidget, SpreadsheetResource
from plans.models import Organisation

from .models import Attendance, Body, Meeting, Membership, Person


class PersonResource(SpreadsheetResource):
    class Meta:
        model = Person
        fields = ("honorific", "name_ar", "name_en", "email", "phone")
        import_id_fields = ("name_ar",)


class MembershipResource(SpreadsheetResource):
    body = fields.Field(attribute="body", column_name="body", widget=LookupWidget(Body, "name_ar"))
    person = fields.Field(
        attribute="person", column_name="person", widget=LookupWidget(Person, "name_ar")
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=LookupWidget(Organisation, "name_ar"),
    )
    constraint_fields = {
        "membership_unique_person_per_body": "person",
        "membership_dates_in_order": "ends_on",
    }
    export_select_related = ("body", "person", "organisation")

    class Meta:
        model = Membership
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
        import_id_fields = ("body", "person", "organisation")


class AttendanceResource(SpreadsheetResource):
    meeting = fields.Field(
        attribute="meeting", column_name="meeting", widget=LookupWidget(Meeting, "id")
    )
    meeting_title = fields.Field(
        attribute="meeting__title_ar", column_name="meeting_title", readonly=True
    )
    person = fields.Field(
        attribute="person", column_name="person", widget=LookupWidget(Person, "name_ar")
    )
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=LookupWidget(Organisation, "name_ar"),
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
        import_id_fields = ("meeting", "person")
