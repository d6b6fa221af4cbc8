"""Government and non-government attendance of each meeting (count and share of those
present, by the organisation's sector), flagged when no one from outside government came:
computed once in `Meeting.objects.with_attendance_shares()`, shown on the public minutes
page and on the workspace meeting page."""

from django.test import TestCase
from django.urls import reverse

from core.roles import EDITOR
from meetings.models import AttendanceShares, AttendanceStatus, Meeting, MinutesState
from plans.models import Sector
from tests.factories import (
    make_attendance,
    make_meeting,
    make_organisation,
    make_user,
)
from tests.helpers import FAST

FLAG = "No one from outside government attended this meeting"


def add_attendees(meeting: Meeting, sector: str, count: int, status=AttendanceStatus.PRESENT):
    organisation = make_organisation(sector=sector)
    for _ in range(count):
        make_attendance(meeting=meeting, organisation=organisation, status=status)


def published_meeting(**fields) -> Meeting:
    fields.setdefault("minutes_state", MinutesState.PUBLISHED)
    if fields["minutes_state"] == MinutesState.PUBLISHED:
        fields.setdefault("minutes_published_at", fields.get("starts_at") or "2021-12-02T10:00Z")
    return make_meeting(**fields)


class SharesTests(TestCase):
    def test_shares_of_the_seed_meeting(self):
        """9 from government bodies and 4 from civil society, youth and business: 69% / 31%."""
        shares = AttendanceShares(government=9, non_government=4)
        assert (shares.present, shares.government_share, shares.non_government_share) == (
            13,
            69,
            31,
        )
        assert not shares.no_non_government

    def test_nobody_present_is_not_a_share_nor_a_flag(self):
        shares = AttendanceShares(0, 0)
        assert (shares.government_share, shares.non_government_share) == (0, 0)
        assert not shares.recorded and not shares.no_non_government

    def test_only_people_present_count_by_their_organisations_sector(self):
        meeting = published_meeting()
        add_attendees(meeting, Sector.GOVERNMENT, 3)
        add_attendees(meeting, Sector.CIVIL_SOCIETY, 1)
        add_attendees(meeting, Sector.PRIVATE_SECTOR, 2, status=AttendanceStatus.EXCUSED)
        add_attendees(meeting, Sector.ACADEMIA, 1, status=AttendanceStatus.ABSENT)
        shares = Meeting.objects.with_attendance_shares().get(pk=meeting.pk).attendance_shares
        assert (shares.government, shares.non_government) == (3, 1)
        assert (shares.government_share, shares.non_government_share) == (75, 25)

    def test_government_only_meeting_is_flagged_even_if_others_were_excused(self):
        meeting = published_meeting()
        add_attendees(meeting, Sector.GOVERNMENT, 4)
        add_attendees(meeting, Sector.YOUTH, 2, status=AttendanceStatus.EXCUSED)
        shares = Meeting.objects.with_attendance_shares().get(pk=meeting.pk).attendance_shares
        assert shares.no_non_government
        assert shares.government_share == 100

    def test_counts_for_many_meetings_in_one_query(self):
        """What a compliance page needs: every meeting's shares without a query each."""
        for government, others in ((2, 0), (1, 3), (0, 2)):
            meeting = published_meeting()
            add_attendees(meeting, Sector.GOVERNMENT, government)
            add_attendees(meeting, Sector.CIVIL_SOCIETY, others)
        with self.assertNumQueries(1):
            flags = [
                meeting.attendance_shares.no_non_government
                for meeting in Meeting.objects.with_attendance_shares().order_by("pk")
            ]
        assert flags == [True, False, False]


@FAST
class PagesTests(TestCase):
    def test_public_minutes_page_shows_shares_and_flag(self):
        meeting = published_meeting()
        add_attendees(meeting, Sector.GOVERNMENT, 2)
        response = self.client.get(f"/en/meetings/{meeting.pk}/")
        self.assertContains(response, "Government: <bdi>2</bdi> present (<bdi>100%</bdi>)")
        self.assertContains(response, FLAG)

    def test_public_page_without_flag_when_civil_society_came(self):
        meeting = published_meeting()
        add_attendees(meeting, Sector.GOVERNMENT, 1)
        add_attendees(meeting, Sector.CIVIL_SOCIETY, 3)
        response = self.client.get(f"/en/meetings/{meeting.pk}/")
        self.assertContains(response, "<bdi>3</bdi> present (<bdi>75%</bdi>)")
        self.assertNotContains(response, FLAG)

    def test_workspace_meeting_page_shows_the_flag_on_a_draft(self):
        meeting = published_meeting(minutes_state=MinutesState.DRAFT)
        add_attendees(meeting, Sector.GOVERNMENT, 2)
        self.client.force_login(make_user(role=EDITOR))
        response = self.client.get(reverse("manage:meeting_detail", kwargs={"pk": meeting.pk}))
        self.assertContains(response, "Government: <bdi>2</bdi> present")
        self.assertContains(response, FLAG)

    def test_query_counts_do_not_grow_with_attendees(self):
        """Guards an N+1 on each attendee's organisation (its sector) when the shares are
        counted: the public minutes page and the workspace meeting page at 5 and 50."""
        editor = make_user(role=EDITOR)
        for size in (5, 50):
            meeting = published_meeting()
            add_attendees(meeting, Sector.GOVERNMENT, size - 2)
            add_attendees(meeting, Sector.CIVIL_SOCIETY, 2)
            with self.subTest(size=size):
                self.client.logout()
                with self.assertNumQueries(4):
                    response = self.client.get(f"/en/meetings/{meeting.pk}/")
                self.assertContains(response, "<bdi>2</bdi> present")
                self.client.force_login(editor)
                url = reverse("manage:meeting_detail", kwargs={"pk": meeting.pk})
                with self.assertNumQueries(11):
                    response = self.client.get(url)
                self.assertContains(response, "<bdi>2</bdi> present")
