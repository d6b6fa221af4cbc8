"""The database refuses bodies, people, meetings and their records that break an invariant.

Each test is named after the constraint it covers (see `ConstraintCoverageTests`).
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS
from django.test import TestCase
from django.utils import timezone

from meetings.models import (
    Attachment,
    AttendanceStatus,
    BodyKind,
    Honorific,
    Meeting,
    MinutesState,
    Mode,
    OutcomeStatus,
    Remark,
    Role,
)
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_body,
    make_commitment,
    make_meeting,
    make_membership,
    make_organisation,
    make_outcome,
    make_person,
)
from tests.helpers import check_choices, validation_errors, violates

DAY = datetime.date(2021, 11, 25)


class BodyConstraintTests(TestCase):
    def test_body_kind_valid(self):
        # A task force also needs a commitment: covered by the next test.
        values = [BodyKind.FORUM, BodyKind.WORKING_GROUP]
        check_choices("body_kind_valid", make_body(), "kind", values)

    def test_body_task_force_has_commitment(self):
        commitment = make_commitment()
        with violates("body_task_force_has_commitment"):
            make_body(kind=BodyKind.TASK_FORCE, commitment=None)
        with violates("body_task_force_has_commitment"):
            make_body(kind=BodyKind.FORUM, commitment=commitment)
        make_body(kind=BodyKind.TASK_FORCE, commitment=commitment)
        make_body(kind=BodyKind.WORKING_GROUP, commitment=None)

    def test_body_unique_name_ar(self):
        make_body(name_ar="منتدى أصحاب العلاقة")
        with violates("body_unique_name_ar"):
            make_body(name_ar="منتدى أصحاب العلاقة")
        make_body(name_ar="الفريق الوطني")


class PersonConstraintTests(TestCase):
    def test_two_people_may_share_a_name(self):
        make_person(name_ar="سلمى")
        make_person(name_ar="سلمى")

    def test_person_name_ar_not_empty(self):
        with violates("person_name_ar_not_empty"):
            make_person(name_ar="", name_en="Salma")
        make_person(name_ar="س")

    def test_person_honorific_valid(self):
        check_choices("person_honorific_valid", make_person(), "honorific", Honorific.values)


class MembershipConstraintTests(TestCase):
    def test_membership_unique_person_per_body(self):
        membership = make_membership()
        with violates("membership_unique_person_per_body"):
            make_membership(
                body=membership.body,
                person=membership.person,
                organisation=membership.organisation,
            )
        make_membership(
            body=make_body(), person=membership.person, organisation=membership.organisation
        )

    def test_membership_role_valid(self):
        check_choices("membership_role_valid", make_membership(), "role", Role.values)

    def test_membership_dates_in_order(self):
        with violates("membership_dates_in_order"):
            make_membership(starts_on=DAY, ends_on=DAY - datetime.timedelta(days=1))
        make_membership(starts_on=DAY, ends_on=DAY)
        make_membership(starts_on=DAY, ends_on=None)


class MeetingConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.starts_at = datetime.datetime(2021, 11, 25, 11, 0, tzinfo=datetime.UTC)

    def test_meeting_mode_valid(self):
        meeting = make_meeting(place_ar="وزارة التخطيط", platform="Webex")
        check_choices("meeting_mode_valid", meeting, "mode", Mode.values)

    def test_meeting_minutes_state_valid(self):
        meeting = make_meeting(minutes_published_at=timezone.now())
        check_choices("meeting_minutes_state_valid", meeting, "minutes_state", MinutesState.values)

    def test_meeting_ends_after_start(self):
        with violates("meeting_ends_after_start"):
            make_meeting(starts_at=self.starts_at, ends_at=self.starts_at)
        make_meeting(starts_at=self.starts_at, ends_at=self.starts_at + datetime.timedelta(hours=2))
        make_meeting(starts_at=self.starts_at, ends_at=None)

    def test_meeting_online_has_platform(self):
        for mode in (Mode.REMOTE, Mode.HYBRID):
            with self.subTest(mode=mode), violates("meeting_online_has_platform"):
                make_meeting(mode=mode, platform="", place_ar="وزارة التخطيط")
        make_meeting(mode=Mode.IN_PERSON, platform="", place_ar="وزارة التخطيط")
        make_meeting(mode=Mode.REMOTE, platform="Webex", place_ar="")

    def test_meeting_in_person_has_place(self):
        for mode in (Mode.IN_PERSON, Mode.HYBRID):
            with self.subTest(mode=mode), violates("meeting_in_person_has_place"):
                make_meeting(mode=mode, platform="Webex", place_ar="")
        make_meeting(mode=Mode.HYBRID, platform="Webex", place_ar="وزارة التخطيط")

    def test_meeting_published_minutes_have_date(self):
        with violates("meeting_published_minutes_have_date"):
            make_meeting(minutes_state=MinutesState.PUBLISHED, minutes_published_at=None)
        make_meeting(minutes_state=MinutesState.PUBLISHED, minutes_published_at=timezone.now())
        make_meeting(minutes_state=MinutesState.APPROVED, minutes_published_at=None)


class AttendanceConstraintTests(TestCase):
    def test_attendance_unique_person_per_meeting(self):
        attendance = make_attendance()
        with violates("attendance_unique_person_per_meeting"):
            make_attendance(meeting=attendance.meeting, person=attendance.person)
        make_attendance(meeting=make_meeting(), person=attendance.person)
        make_attendance(meeting=attendance.meeting, person=make_person())

    def test_attendance_status_valid(self):
        values = AttendanceStatus.values
        check_choices("attendance_status_valid", make_attendance(), "status", values)

    def test_attendance_role_valid(self):
        check_choices("attendance_role_valid", make_attendance(), "role", Role.values)


class AgendaItemConstraintTests(TestCase):
    def test_agendaitem_unique_number_per_meeting(self):
        item = make_agenda_item(number=1)
        with violates("agendaitem_unique_number_per_meeting"):
            make_agenda_item(meeting=item.meeting, number=1)
        make_agenda_item(meeting=item.meeting, number=2)
        make_agenda_item(meeting=make_meeting(), number=1)

    def test_agendaitem_number_positive(self):
        with violates("agendaitem_number_positive"):
            make_agenda_item(number=0)
        make_agenda_item(number=1)


class OutcomeConstraintTests(TestCase):
    def test_outcome_unique_number_per_meeting(self):
        outcome = make_outcome(number=1)
        with violates("outcome_unique_number_per_meeting"):
            make_outcome(meeting=outcome.meeting, number=1)
        make_outcome(meeting=outcome.meeting, number=2)

    def test_outcome_number_positive(self):
        with violates("outcome_number_positive"):
            make_outcome(number=0)
        make_outcome(number=1)

    def test_outcome_status_valid(self):
        owner = make_organisation()
        check_choices(
            "outcome_status_valid", make_outcome(owner=owner), "status", OutcomeStatus.values
        )

    def test_outcome_decision_not_empty(self):
        with violates("outcome_decision_not_empty"):
            make_outcome(decision_ar="", decision_en="Publish the minutes")
        make_outcome(decision_ar="نشر المحضر")


class MeetingValidationTests(TestCase):
    """`full_clean()` (forms, the admin) explains a meeting that cannot happen as entered."""

    def test_online_meeting_without_platform_is_explained(self):
        meeting = Meeting(
            body=make_body(), title_ar="اجتماع", starts_at=timezone.now(), mode=Mode.REMOTE
        )
        assert validation_errors(meeting)[NON_FIELD_ERRORS] == [
            "A remote or hybrid meeting needs its online platform."
        ]
        meeting.platform = "Webex"
        meeting.full_clean()


class AttachmentConstraintTests(TestCase):
    def test_attachment_title_not_empty(self):
        item = make_agenda_item()
        with violates("attachment_title_not_empty"):
            Attachment.objects.create(agenda_item=item, title="", file="a.pdf")
        Attachment.objects.create(agenda_item=item, title="عرض", file="a.pdf")


class RemarkConstraintTests(TestCase):
    def test_remark_body_not_empty(self):
        meeting = make_meeting()
        with violates("remark_body_not_empty"):
            Remark.objects.create(meeting=meeting, body="")
        Remark.objects.create(meeting=meeting, body="ملاحظة")
