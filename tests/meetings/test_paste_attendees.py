"""Paste the attendee list of earlier minutes: preview matched to known people and
organisations (Arabic spelling variants folded), correct, confirm; nothing saved before."""

from django.template.loader import render_to_string
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from core.roles import EDITOR, FORUM_MEMBER
from demo.loader import ATTENDEE_LIST, ATTENDEES, ORGANISATIONS
from meetings.models import Attendance, Honorific, Meeting, Person
from meetings.pasting import Matcher, normalise, parse_attendees, split_lines
from meetings.pdf import minutes_part
from plans.models import Organisation, Sector
from tests.factories import (
    make_body,
    make_meeting,
    make_membership,
    make_organisation,
    make_person,
    make_user,
)
from tests.helpers import FAST


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
        assert any("No separator" in problem for problem in rows[0].problems)

    def test_the_matcher_reads_everything_in_a_fixed_number_of_queries(self):
        with self.assertNumQueries(4):
            parse_attendees(ATTENDEE_LIST, Matcher())


def seed_list_with(separator: str) -> str:
    """The seed's attendee lines with `separator` between the name and the position."""
    return "\n".join(line.replace("/", separator, 1) for line in split_lines(ATTENDEE_LIST))


class SeparatorTests(TestCase):
    """The seed's list written with each separator people use gives the same 13 rows."""

    @classmethod
    def setUpTestData(cls):
        make_forum()

    def test_every_separator_reads_the_seed_list_like_the_slash(self):
        expected = [
            (row.honorific, row.name_ar, row.position_ar, row.organisation, row.person)
            for row in parse_attendees(ATTENDEE_LIST)
        ]
        assert all(person is not None for *_rest, person in expected)
        for separator in (" – ", " - ", " — ", "، ", ", ", "\t", " / "):
            with self.subTest(separator=repr(separator)):
                rows = parse_attendees(seed_list_with(separator))
                got = [
                    (row.honorific, row.name_ar, row.position_ar, row.organisation, row.person)
                    for row in rows
                ]
                assert got == expected
                assert all(row.problems == [] for row in rows)

    def test_a_hyphen_inside_a_name_is_no_separator(self):
        (row,) = parse_attendees("Mr Khaled Al-Khaldi - Director - Al-Khaldi Foundation")
        assert (row.honorific, row.name_en) == (Honorific.MR, "Khaled Al-Khaldi")
        assert (row.position_ar, row.organisation_text) == ("Director", "Al-Khaldi Foundation")

    def test_a_row_copied_from_a_table(self):
        (row,) = parse_attendees(
            "السيدة مي عليجات\tمستشارة وحدة الحكومة الشفافة\tوزارة التخطيط والتعاون الدولي"
        )
        assert row.name_ar == "مي عليجات"
        assert row.position_ar == "مستشارة وحدة الحكومة الشفافة"
        assert row.organisation.name_ar == "وزارة التخطيط والتعاون الدولي"
        assert row.person.name_en == "Mai Eleimat"


class HonorificTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_forum()

    def test_honorifics_in_both_languages_are_kept_as_the_title(self):
        cases = {
            "سعادة": Honorific.SAADA,
            "معالي": Honorific.MAALI,
            "عطوفة": Honorific.ATUFA,
            "عطوفة السيد": Honorific.ATUFA,
            "الدكتور": Honorific.DR,
            "د.": Honorific.DR,
            "د": Honorific.DR,
            "م.": Honorific.ENG,
            "م": Honorific.ENG,
            "المهندس": Honorific.ENG,
            "السيد": Honorific.MR,
            "السيدة": Honorific.MS,
            "الآنسة": Honorific.MISS,
            "الأستاذ": Honorific.USTADH,
            "الأستاذة": Honorific.USTADHA,
            "أ.": Honorific.USTADH,
            "أ.د.": Honorific.PROF,
            "Mr": Honorific.MR,
            "Mr.": Honorific.MR,
            "Mrs": Honorific.MRS,
            "Ms.": Honorific.MS,
            "Miss": Honorific.MISS,
            "Dr.": Honorific.DR,
            "Dr": Honorific.DR,
            "Eng.": Honorific.ENG,
            "Eng": Honorific.ENG,
            "H.E.": Honorific.SAADA,
            "HE": Honorific.SAADA,
            "Prof.": Honorific.PROF,
            "Prof": Honorific.PROF,
        }
        for written, honorific in cases.items():
            with self.subTest(written):
                name = "Salem Odeh" if written[0].isascii() else "سالم عودة"
                (row,) = parse_attendees(f"{written} {name}/ جهة جديدة")
                assert (row.honorific, row.name_ar) == (honorific, name)

    def test_a_dot_touching_the_name(self):
        (row,) = parse_attendees("د.سالم عودة/ جهة جديدة")
        assert (row.honorific, row.name_ar) == (Honorific.DR, "سالم عودة")

    def test_a_known_person_is_matched_whatever_the_honorific(self):
        for line in ("م. عبير مدانات/ HIMAM", "Ms. Abeer Madanat, HIMAM", "abeer madanat - HIMAM"):
            with self.subTest(line):
                (row,) = parse_attendees(line)
                assert row.person is not None and row.person.name_ar == "عبير مدانات", line


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

    def confirm(self, text: str):
        response = self.client.post(self.url, preview_post(text))
        assert response.status_code == 200
        return self.client.post(self.url, confirm_post(response))

    def test_the_seed_list_with_dashes_adds_the_13_known_people(self):
        people = Person.objects.count()
        self.confirm(seed_list_with(" – "))
        attendances = list(self.meeting.attendances.select_related("person"))
        assert [a.person.name_ar for a in attendances] == [a.name_ar for a in ATTENDEES]
        assert Person.objects.count() == people

    def test_an_english_line_matches_the_known_person_and_creates_no_duplicate(self):
        people = Person.objects.count()
        self.confirm("Ms. Abeer Madanat, General Coordinator, HIMAM")
        attendance = self.meeting.attendances.select_related("person").get()
        assert attendance.person.name_ar == "عبير مدانات"
        assert attendance.position_en == "General Coordinator"
        assert attendance.position_ar == ""
        assert Person.objects.count() == people

    def test_a_latin_name_is_stored_as_the_english_name(self):
        self.confirm("Mr Khaled Al-Khaldi - Director - هيئة شباب كلنا الأردن")
        person = self.meeting.attendances.get().person
        assert (person.honorific, person.name_en) == (Honorific.MR, "Khaled Al-Khaldi")
        with translation.override("en"):
            part = minutes_part(Meeting.objects.for_detail().get(pk=self.meeting.pk))
        assert part["present"][0]["name"] == {
            "text": "Khaled Al-Khaldi",
            "lang": "en",
            "dir": "ltr",
        }
        assert part["present"][0]["position"]["text"] == "Director"

    def test_a_title_given_for_a_known_person_is_kept_and_never_lowered(self):
        person = Person.objects.get(name_ar="سهير الكايد")
        assert person.honorific == Honorific.MS
        self.confirm("م. سهير الكايد/ وزارة التخطيط والتعاون الدولي")
        person.refresh_from_db()
        assert person.honorific == Honorific.ENG
        self.meeting = make_meeting(body=self.body)
        self.url = reverse("manage:meeting_paste_attendees", kwargs={"pk": self.meeting.pk})
        self.confirm("السيدة سهير الكايد/ وزارة التخطيط والتعاون الدولي")
        person.refresh_from_db()
        assert person.honorific == Honorific.ENG
        assert self.meeting.attendances.get().person == person

    def test_saada_is_kept_for_a_new_person(self):
        self.confirm("سعادة سالم عودة/ هيئة شباب كلنا الأردن")
        assert self.meeting.attendances.get().person.honorific == Honorific.SAADA

    def test_anonymous_is_sent_to_sign_in_and_nothing_is_saved(self):
        self.client.logout()
        response = self.client.post(self.url, preview_post(ATTENDEE_LIST))
        assert response.status_code == 302
        assert "login" in response["Location"] or "sign" in response["Location"]
        response = self.client.post(self.url, confirm_post_minimal())
        assert response.status_code == 302
        assert not Attendance.objects.exists()

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


class NoTitlePrintsNothingTests(TestCase):
    """The minutes PDF and annex A print a title only when the person has one."""

    @classmethod
    def setUpTestData(cls):
        meeting = make_meeting()
        organisation = make_organisation()
        for person in (
            make_person(name_ar="سالم عودة", name_en="Salem Odeh"),
            make_person(name_ar="مي عليجات", name_en="Mai Eleimat", honorific=Honorific.MAALI),
        ):
            Attendance.objects.create(meeting=meeting, person=person, organisation=organisation)
        cls.meeting = meeting

    def render(self, language):
        with translation.override(language):
            part = minutes_part(Meeting.objects.for_detail().get(pk=self.meeting.pk))
            return part, render_to_string("meetings/_minutes_body.html", {"minutes": part})

    def test_no_title_prints_nothing_in_either_language(self):
        for language, none, style in (("ar", "(بلا لقب)", "معالي"), ("en", "(none)", "H.E.")):
            with self.subTest(language):
                part, html = self.render(language)
                honorifics = sorted(person["honorific"] for person in part["present"])
                assert honorifics == sorted(["", style])
                assert none not in html
                assert style in html
