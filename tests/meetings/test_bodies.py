"""Bodies and their members: the workspace screens, the membership services, attendance
picked from the body's members plus guests, and the public page of a body."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from core.roles import EDITOR, FORUM_MEMBER
from meetings import services
from meetings.models import Attendance, Body, Membership, Person
from plans.models import Sector
from tests.factories import (
    make_body,
    make_meeting,
    make_membership,
    make_organisation,
    make_person,
    make_user,
)
from tests.helpers import FAST

DAY = datetime.date(2021, 11, 25)


@FAST
class MembershipScreenTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.body = make_body(name_en="Multi-Stakeholder Forum")
        cls.ministry = make_organisation(name_en="Ministry of Planning")
        cls.person = make_person(name_ar="نزار عوض")

    def test_editor_creates_a_body(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("manage:body_create"),
            {"kind": "working_group", "name_ar": "فريق العمل الوطني", "name_en": "NWG"},
        )
        body = Body.objects.get(name_ar="فريق العمل الوطني")
        self.assertRedirects(response, reverse("manage:body_manage", args=[body.pk]))

    def test_a_task_force_without_its_commitment_is_refused_with_a_message(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            "/en/manage/bodies/new/", {"kind": "task_force", "name_ar": "فريق مهام"}
        )
        self.assertContains(response, "needs its commitment")
        assert not Body.objects.filter(name_ar="فريق مهام").exists()

    def test_editor_adds_a_member_with_role_and_term(self):
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("manage:membership_create", args=[self.body.pk]),
            {
                "person": self.person.pk,
                "organisation": self.ministry.pk,
                "role": "coordinator",
                "starts_on": "2021-09-01",
            },
        )
        self.assertRedirects(response, reverse("manage:body_manage", args=[self.body.pk]))
        membership = Membership.objects.get(body=self.body)
        assert membership.role == "coordinator"
        assert membership.starts_on == datetime.date(2021, 9, 1)
        page = self.client.get("/en" + reverse("manage:body_manage", args=[self.body.pk])[3:])
        self.assertContains(page, "Coordinator")
        self.assertContains(page, "Current members")

    def test_the_same_seat_twice_and_dates_out_of_order_are_refused(self):
        make_membership(body=self.body, person=self.person, organisation=self.ministry)
        self.client.force_login(self.editor)
        url = f"/en/manage/bodies/{self.body.pk}/members/new/"
        data = {"person": self.person.pk, "organisation": self.ministry.pk, "role": "member"}
        self.assertContains(self.client.post(url, data), "already a member of this body")
        other = make_person()
        data |= {"person": other.pk, "starts_on": "2022-01-01", "ends_on": "2021-01-01"}
        self.assertContains(self.client.post(url, data), "must not end before it starts")
        assert Membership.objects.filter(body=self.body).count() == 1

    def test_ending_a_term_keeps_the_member_as_former(self):
        membership = make_membership(
            body=self.body, person=self.person, starts_on=datetime.date(2020, 1, 1)
        )
        self.client.force_login(self.editor)
        response = self.client.post(
            reverse("manage:membership_end", args=[membership.pk]), {"ends_on": "2021-12-31"}
        )
        self.assertRedirects(response, reverse("manage:body_manage", args=[self.body.pk]))
        membership.refresh_from_db()
        assert membership.ends_on == datetime.date(2021, 12, 31)
        page = self.client.get("/en" + reverse("manage:body_manage", args=[self.body.pk])[3:])
        assert page.context["former"] == [membership]

    def test_forum_member_cannot_add_a_member(self):
        self.client.force_login(self.forum_member)
        response = self.client.post(
            reverse("manage:membership_create", args=[self.body.pk]),
            {"person": self.person.pk, "organisation": self.ministry.pk, "role": "member"},
        )
        assert response.status_code == 403
        assert not Membership.objects.exists()


class MembershipServiceTests(TestCase):
    def test_end_before_start_and_twice_are_refused(self):
        membership = make_membership(starts_on=DAY)
        with pytest.raises(ValidationError, match="before it starts"):
            services.end_membership(membership=membership, on=DAY - datetime.timedelta(1), by=None)
        services.end_membership(membership=membership, on=DAY, by=None)
        with pytest.raises(ValidationError, match="already ended"):
            services.end_membership(membership=membership, on=DAY, by=None)

    def test_current_members_on_a_day(self):
        body = make_body()
        now = make_membership(body=body, starts_on=DAY - datetime.timedelta(30))
        make_membership(body=body, ends_on=DAY - datetime.timedelta(1))  # ended
        make_membership(body=body, starts_on=DAY + datetime.timedelta(1))  # not yet
        assert list(Membership.objects.current(on=DAY).filter(body=body)) == [now]


@FAST
class AttendancePickerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role=EDITOR)
        cls.body = make_body()
        cls.ministry = make_organisation()
        cls.member = make_person(name_ar="مي عليجات")
        make_membership(
            body=cls.body,
            person=cls.member,
            organisation=cls.ministry,
            role="adviser",
            position_ar="مستشارة الوحدة",
        )
        cls.former = make_person(name_ar="عضو سابق")
        make_membership(body=cls.body, person=cls.former, ends_on=datetime.date(2020, 1, 1))
        cls.stranger = make_person(name_ar="شخص آخر")

    def setUp(self):
        self.client.force_login(self.editor)
        self.meeting = make_meeting(body=self.body)
        self.url = f"/en/manage/meetings/{self.meeting.pk}/attendance/"

    def row(self, person, organisation=""):
        from tests.meetings.test_workspace_meetings import formset_data

        return formset_data(
            "attendances",
            [
                {
                    "order": "1",
                    "person": person.pk,
                    "organisation": organisation,
                    "role": "member",
                    "status": "present",
                }
            ],
        )

    def test_only_current_members_and_guests_are_offered(self):
        response = self.client.get(self.url)
        choices = str(response.context["formset"].forms[0]["person"])
        assert "مي عليجات" in choices
        assert "عضو سابق" not in choices and "شخص آخر" not in choices

    def test_a_member_brings_organisation_position_and_role(self):
        response = self.client.post(self.url, self.row(self.member))
        assert response.status_code == 302
        attendance = Attendance.objects.get(meeting=self.meeting)
        assert attendance.organisation == self.ministry
        assert attendance.position_ar == "مستشارة الوحدة"
        assert attendance.role == "adviser"

    def test_someone_outside_the_body_is_refused_in_the_picker(self):
        response = self.client.post(self.url, self.row(self.stranger, self.ministry.pk))
        assert response.status_code == 200
        self.assertContains(response, "Select a valid choice")
        assert not Attendance.objects.exists()

    def test_a_guest_is_matched_by_name_and_organisation(self):
        """A known person at the same organisation is reused (spelling folded); the same
        name at another organisation is a new person."""
        guest_org = make_organisation()
        known = make_person(name_ar="أحمد عجارمة")
        make_membership(person=known, organisation=guest_org)  # in another body
        url = reverse("manage:meeting_guest_add", args=[self.meeting.pk])
        data = {"name_ar": "احمد عجارمة", "organisation": guest_org.pk, "status": "present"}
        self.assertRedirects(
            self.client.post(url, data),
            reverse("manage:meeting_attendance", args=[self.meeting.pk]),
        )
        assert Attendance.objects.get(meeting=self.meeting).person == known
        other_meeting = make_meeting(body=self.body)
        url = reverse("manage:meeting_guest_add", args=[other_meeting.pk])
        self.client.post(url, data | {"organisation": self.ministry.pk})
        assert Attendance.objects.get(meeting=other_meeting).person != known
        assert Person.objects.filter(name_ar="احمد عجارمة").count() == 1
        # the guest is now offered in this meeting's picker
        page = self.client.get(self.url)
        assert "أحمد عجارمة" in str(page.context["formset"].forms[0]["person"])

    def test_a_guest_twice_is_refused_with_a_message(self):
        url = f"/en/manage/meetings/{self.meeting.pk}/attendance/guest/"
        data = {"name_ar": "ضيف", "organisation": self.ministry.pk, "status": "present"}
        self.client.post(url, data)
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "already in this meeting")
        assert Attendance.objects.filter(meeting=self.meeting).count() == 1


class PublicBodyPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.body = make_body(name_ar="منتدى أصحاب المصلحة", name_en="Multi-Stakeholder Forum")
        cls.government = make_organisation(sector=Sector.GOVERNMENT, name_en="Ministry")
        cls.society = make_organisation(sector=Sector.CIVIL_SOCIETY, name_en="HIMAM")
        make_membership(
            body=cls.body, person=make_person(name_en="Mai Oleimat"), organisation=cls.government
        )
        make_membership(
            body=cls.body, person=make_person(name_en="Abeer Madanat"), organisation=cls.society
        )
        make_membership(
            body=cls.body,
            person=make_person(name_en="Former Member"),
            organisation=cls.society,
            ends_on=datetime.date(2020, 1, 1),
        )

    def test_current_members_by_sector(self):
        response = self.client.get(f"/en/bodies/{self.body.pk}/")
        assert response.status_code == 200
        self.assertContains(response, "Multi-Stakeholder Forum")
        sectors = [s["key"] for s in response.context["sectors"]]
        assert sectors == [Sector.GOVERNMENT, Sector.CIVIL_SOCIETY]
        self.assertContains(response, "Mai Oleimat")
        self.assertContains(response, "Abeer Madanat")
        self.assertNotContains(response, "Former Member")

    def test_the_public_minutes_link_to_the_body(self):
        from django.utils import timezone

        meeting = make_meeting(
            body=self.body, minutes_state="published", minutes_published_at=timezone.now()
        )
        response = self.client.get(meeting.get_absolute_url())
        self.assertContains(response, self.body.get_absolute_url())
        body_page = self.client.get(self.body.get_absolute_url())
        self.assertContains(body_page, meeting.get_absolute_url())

    def test_query_count_does_not_grow_with_members(self):
        """Guards the N+1 of the body page on each member's person and organisation."""
        for size in (5, 50):
            body = make_body()
            for _ in range(size):
                make_membership(body=body)
            with self.subTest(members=size), self.assertNumQueries(3):
                response = self.client.get(f"/ar/bodies/{body.pk}/")
            assert response.context["member_count"] == size
