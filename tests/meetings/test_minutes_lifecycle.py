"""The minutes lifecycle through `meetings.services`: draft → circulated → approved →
published, each step with its actor and time, in that order only; published minutes are
locked; publishing files them in the plan's document repository."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from core.roles import COORDINATOR, EDITOR
from meetings import services
from meetings.models import Meeting, MinutesState
from plans.models import Document, DocumentKind
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_meeting,
    make_membership,
    make_person,
    make_plan,
    make_user,
)
from tests.helpers import FAST

NOW = datetime.datetime(2021, 12, 2, 8, 0, tzinfo=datetime.UTC)
URL = "https://ogp.example.jo/ar/meetings/1/"


@FAST
class LifecycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.coordinator = make_user(role=COORDINATOR)

    def setUp(self):
        self.meeting = make_meeting(plan=make_plan())
        make_attendance(meeting=self.meeting)
        make_agenda_item(meeting=self.meeting, number=1, discussion_ar="نقاش")

    def circulate(self):
        with self.captureOnCommitCallbacks(execute=True):
            return services.circulate_minutes(meeting=self.meeting, by=self.editor, now=NOW)

    def test_each_step_records_when_and_who(self):
        self.circulate()
        services.approve_minutes(meeting=self.meeting, by=self.editor, now=NOW)
        with self.captureOnCommitCallbacks(execute=True):
            services.publish_minutes(
                meeting=self.meeting, by=self.coordinator, public_url=URL, now=NOW
            )
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        assert meeting.minutes_state == MinutesState.PUBLISHED
        assert (meeting.minutes_circulated_by, meeting.minutes_circulated_at) == (self.editor, NOW)
        assert (meeting.minutes_approved_by, meeting.minutes_approved_at) == (self.editor, NOW)
        assert meeting.minutes_published_by == self.coordinator
        assert meeting.minutes_published_at == NOW
        # Every step left a history row naming its actor.
        assert [h.history_user for h in meeting.history.order_by("history_date")][-3:] == [
            self.editor,
            self.editor,
            self.coordinator,
        ]

    def test_publishing_files_the_minutes_in_the_document_repository(self):
        self.circulate()
        services.approve_minutes(meeting=self.meeting, by=self.editor, now=NOW)
        with self.captureOnCommitCallbacks(execute=True):
            services.publish_minutes(
                meeting=self.meeting, by=self.coordinator, public_url=URL, now=NOW
            )
        document = Document.objects.get()
        assert document.kind == DocumentKind.MINUTES
        assert document.is_public and document.published_at == NOW
        assert document.plan == self.meeting.plan
        assert document.url == URL
        # The PDF generated from the structured record is attached after commit.
        assert document.file.name.endswith(".pdf")
        assert document.file.read(5) == b"%PDF-"
        document.file.delete()

    def test_steps_out_of_order_are_refused(self):
        with pytest.raises(ValidationError, match="in that order"):
            services.approve_minutes(meeting=self.meeting, by=self.editor)
        with pytest.raises(ValidationError, match="in that order"):
            services.publish_minutes(meeting=self.meeting, by=self.coordinator, public_url=URL)
        self.circulate()
        with pytest.raises(ValidationError, match="already"):
            services.circulate_minutes(meeting=self.meeting, by=self.editor)
        with pytest.raises(ValidationError, match="in that order"):
            services.publish_minutes(meeting=self.meeting, by=self.coordinator, public_url=URL)
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        assert meeting.minutes_state == MinutesState.CIRCULATED
        assert meeting.minutes_approved_at is None
        assert not Document.objects.exists()

    def test_only_the_coordinator_publishes(self):
        self.circulate()
        services.approve_minutes(meeting=self.meeting, by=self.editor)
        with pytest.raises(PermissionDenied):
            services.publish_minutes(meeting=self.meeting, by=self.editor, public_url=URL)
        assert Meeting.objects.get(pk=self.meeting.pk).minutes_state == MinutesState.APPROVED

    def test_empty_minutes_cannot_be_circulated(self):
        empty = make_meeting()
        with pytest.raises(ValidationError, match="before circulating"):
            services.circulate_minutes(meeting=empty, by=self.editor)
        assert Meeting.objects.get(pk=empty.pk).minutes_state == MinutesState.DRAFT

    def test_published_minutes_cannot_be_edited(self):
        self.circulate()
        services.approve_minutes(meeting=self.meeting, by=self.editor)
        services.publish_minutes(meeting=self.meeting, by=self.coordinator, public_url=URL)
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        with pytest.raises(ValidationError, match="published"):
            services.update_meeting(
                meeting=meeting,
                data={"title_ar": "عنوان آخر"},
                expected_version=meeting.version,
                by=self.coordinator,
            )
        with pytest.raises(ValidationError, match="published"):
            services.add_attendees(
                meeting=meeting,
                rows=[services.AttendeeRow(name_ar="شخص", new_organisation_name="جهة")],
                by=self.coordinator,
            )
        assert Meeting.objects.get(pk=meeting.pk).title_ar == meeting.title_ar


@FAST
class CirculationEmailTests(TestCase):
    def test_each_member_with_an_address_gets_one_email_after_commit(self):
        meeting = make_meeting()
        make_attendance(meeting=meeting)
        make_membership(body=meeting.body, person=make_person(email="a@example.org"))
        make_membership(body=meeting.body, person=make_person(email="b@example.org"))
        make_membership(body=meeting.body, person=make_person(email=""))
        make_membership(
            body=meeting.body,
            person=make_person(email="gone@example.org"),
            starts_on=datetime.date(2019, 1, 1),
            ends_on=datetime.date(2020, 1, 1),
        )
        editor = make_user(role=EDITOR)
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.circulate_minutes(meeting=meeting, by=editor)
        assert mail.outbox == []  # nothing leaves before the transaction commits
        for callback in callbacks:
            callback()
        assert sorted(message.to[0] for message in mail.outbox) == [
            "a@example.org",
            "b@example.org",
        ]
        assert all(len(message.to) == 1 for message in mail.outbox)
        assert meeting.title_ar in mail.outbox[0].subject
