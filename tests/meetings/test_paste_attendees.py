"""Paste the attendee list of earlier minutes: preview matched to known people and
organisations (Arabic spelling variants folded), correct, confirm; nothing saved before."""

from django.test import TestCase, override_settings
from django.urls import reverse

from core.roles import EDITOR, FORUM_MEMBER
from demo.loader import ATTENDEE_LIST, ATTENDEES, ORGANISATIONS
from meetings.models import Attendance, Honorific, Person
from meetings.pasting import Matcher, normalise, parse_attendees
from plans.models import Organisation, Sector
from tests.factories import make_body, make_meeting, make_membership, make_organisation, make_user

FAST = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


def make_forum():
    """The forum as the demo data knows it: its 13 members and their organisations."""
    body = make_body()
    for name, (name_en, acronym, sector) in ORGANISATIONS.items():
        make_organisation(name_ar=name, name_en=name_en, acronym=acronym, sector=sector)
    for attendee in ATTENDEES:
        person = Person.objects.create(
            honorific=attendee.honorific, name_ar=attendee.name_ar, name_en=attendee.name_en
        )
        make_membership(
            body=body,
            person=person,
            organisation=Organisation.objects.get(name_ar=attendee.organisation),
            role=attendee.role,
        )
    return body


def preview_post(text: str) -> dict:
    return {"preview": "1", "text": text}


def confirm_post(response) -> dict:
    """The preview's formset as the browser would send it back, unchanged."""
    formset = response.context["formset"]
    data = {"confirm": "1"}
    for key, value in formset.management_form.initial.items():
        data[f"form-{key}"] = value
    for form in formset.forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "include":
                if value:
                    data[form.add_prefix(name)] = "on"
                continue
            data[form.add_prefix(name)] = "" if value is None else value
    return data


class NormaliseTests(TestCase):
    def test_arabic_spelling_variants_compare_equal(self):
        assert normalise("أحمد") == normalise("احمد") == normalise("إحمد")
        assert normalise("اللجنة الوطنية") == normalise("اللجنه الوطنيه")
        assert normalise("مصطفى") == normalise("مصطفي")
        assert normalise("عن بُعد") == normalise("عن بعد")
        assert normalise('هيئة "همم"') == normalise("هيئة همم")


class ParseSeedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_forum()

    def test_the_seed_list_gives_its_13_attendees_exactly(self):
        """Names, honorifics, positions and organisations as the demo data records them."""
        rows = parse_attendees(ATTENDEE_LIST)
        assert len(rows) == 13
        for row, attendee in zip(rows, ATTENDEES, strict=True):
            with self.subTest(attendee.name_ar):
                assert row.name_ar == attendee.name_ar
                assert row.honorific == attendee.honorific
                assert row.position_ar == attendee.position_ar
                assert row.organisation.name_ar == attendee.organisation
                assert row.person.name_ar == attendee.name_ar  # matched, not duplicated
                assert row.problems == []

    def test_plain_lines_with_spelling_variants_match_too(self):
        text = "السيده روان المعاينه/ اللجنه الوطنيه لشؤون المراه\n\nالدكتور سالم/ جهة جديدة"
        first, second = parse_attendees(text)
        assert first.person.name_ar == "روان المعاينة"
        assert first.organisation.name_ar == "اللجنة الوطنية لشؤون المرأة"
        assert (second.honorific, second.name_ar, second.organisation) == (
            Honorific.DR,
            "سالم",
            None,
        )
        assert second.organisation_text == "جهة جديدة"
        assert second.problems  # an unknown organisation is flagged, not guessed

    def test_a_namesake_at_another_organisation_is_asked_about(self):
        rows = parse_attendees("السيد نزار عوض/ هيئة شباب كلنا الأردن")
        assert rows[0].person is None
        assert [p.name_ar for p in rows[0].candidates] == ["نزار عوض"]
        assert any("choose the right person" in problem for problem in rows[0].problems)

    def test_a_line_that_cannot_be_read_is_kept_with_its_problem(self):
        rows = parse_attendees("قائمة غير واضحة بلا فاصل")
        assert len(rows) == 1
        assert rows[0].line == "قائمة غير واضحة بلا فاصل"
        assert any("No slash" in problem for problem in rows[0].problems)

    def test_the_matcher_reads_everything_in_a_fixed_number_of_queries(self):
        with self.assertNumQueries(4):
            parse_attendees(ATTENDEE_LIST, Matcher())


@FAST
class PasteViewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.body = make_forum()
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.meeting = make_meeting(body=self.body)
        self.url = reverse("manage:meeting_paste_attendees", kwargs={"pk": self.meeting.pk})
        self.client.force_login(self.editor)

    def test_preview_then_confirm_adds_the_13_attendees_without_duplicating_anyone(self):
        people, organisations = Person.objects.count(), Organisation.objects.count()
        response = self.client.post(self.url, preview_post(ATTENDEE_LIST))
        assert response.status_code == 200
        assert len(response.context["formset"].forms) == 13
        self.assertContains(response, "مروان الرفاعي")
        assert not Attendance.objects.exists()  # nothing saved by the preview
        response = self.client.post(self.url, confirm_post(response))
        self.assertRedirects(
            response, reverse("manage:meeting_detail", kwargs={"pk": self.meeting.pk})
        )
        attendances = list(self.meeting.attendances.select_related("person", "organisation"))
        assert [a.person.name_ar for a in attendances] == [a.name_ar for a in ATTENDEES]
        assert [a.position_ar for a in attendances] == [a.position_ar for a in ATTENDEES]
        assert [a.organisation.name_ar for a in attendances] == [a.organisation for a in ATTENDEES]
        assert (Person.objects.count(), Organisation.objects.count()) == (people, organisations)

    def test_new_organisation_needs_its_sector_and_nothing_is_saved_until_it_has_one(self):
        response = self.client.post(self.url, preview_post("السيد سالم/ جمعية جديدة"))
        data = confirm_post(response)
        response = self.client.post("/en" + self.url[3:], data)
        self.assertContains(response, "Choose the sector of the new organisation.")
        assert not Attendance.objects.exists()
        assert not Organisation.objects.filter(name_ar="جمعية جديدة").exists()
        data["form-0-new_organisation_sector"] = Sector.CIVIL_SOCIETY
        self.client.post(self.url, data)
        attendance = Attendance.objects.select_related("person", "organisation").get()
        assert attendance.person.name_ar == "سالم"
        assert attendance.organisation.sector == Sector.CIVIL_SOCIETY

    def test_an_attendee_already_recorded_is_refused_with_a_message(self):
        response = self.client.post(self.url, preview_post(ATTENDEE_LIST))
        self.client.post(self.url, confirm_post(response))
        response = self.client.post(
            self.url, preview_post("السيد نزار عوض/ منسق -وزارة التخطيط والتعاون الدولي")
        )
        response = self.client.post("/en" + self.url[3:], confirm_post(response))
        self.assertContains(response, "already in this meeting")
        assert self.meeting.attendances.count() == 13

    def test_forum_member_may_not_paste(self):
        self.client.force_login(make_user(role=FORUM_MEMBER))
        response = self.client.post(self.url, confirm_post_minimal())
        assert response.status_code == 403
        assert not Attendance.objects.exists()


def confirm_post_minimal() -> dict:
    return {
        "confirm": "1",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-include": "on",
        "form-0-name_ar": "شخص",
        "form-0-new_organisation_name": "جهة",
        "form-0-new_organisation_sector": Sector.GOVERNMENT,
        "form-0-role": "member",
        "form-0-status": "present",
    }
