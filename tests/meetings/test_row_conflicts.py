"""Two staff members edit the same meeting's rows at once: its attendance, agenda items or
outcomes (`/ar/manage/meetings/<pk>/attendance|agenda|outcomes/`).

The rows are versioned with their meeting. A and B open the page; A saves; B's save is
refused with 409 and the rows merged row by row: a row or cell only A changed (or added, or
deleted) is taken as A left it, B's own changes are kept, and a cell both changed, or a row
one deleted and the other changed, waits for B's choice, asked for in the page's language.
Saving from the conflict page keeps both edits. A save of another page of the meeting (its
facts, another kind of rows, the minutes' step, a guest, a pasted list) makes the page stale
too, but with nothing of theirs on it B's rows are saved at once."""

from django.test import TestCase
from django.utils import translation

from core.roles import EDITOR, FOCAL_POINT, FORUM_MEMBER
from meetings import services
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Meeting,
    MinutesState,
    Outcome,
    OutcomeStatus,
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
    make_plan,
    make_user,
)
from tests.helpers import assert_posts_refused, browser_form_data, opened_form, two_browsers

CHOOSE_AR = "اختر"  # "choose", in Arabic
MERGE_REFUSED_AR = "غيّر شخص آخر بعض الحقول نفسها"  # "Someone else changed some of the same fields"


def statuses(response) -> dict:
    return {row["key"]: row["status"] for row in response.context["conflict"]["rows"]}


class RowsScenario(TestCase):
    """A meeting of a body with three members, two of them recorded as present, two agenda
    items and two outcomes; two editors, each with their own browser (test client)."""

    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role=EDITOR), make_user(role=EDITOR)
        cls.plan = make_plan()
        cls.ministry = make_organisation(name_ar="وزارة التخطيط")
        body = make_body()
        cls.people = [make_person(name_ar=name) for name in ("مي عليجات", "عبير مدانات", "خالد")]
        for person in cls.people:
            make_membership(body=body, person=person, organisation=cls.ministry)
        cls.meeting = make_meeting(body=body, plan=cls.plan)
        cls.attendances = [
            make_attendance(
                meeting=cls.meeting, person=person, organisation=cls.ministry, order=number
            )
            for number, person in enumerate(cls.people[:2], start=1)
        ]
        cls.items = [
            make_agenda_item(meeting=cls.meeting, number=1, title_ar="البند الأول"),
            make_agenda_item(meeting=cls.meeting, number=2, title_ar="البند الثاني"),
        ]
        cls.commitments = [make_commitment(plan=cls.plan, number=n) for n in (1, 2)]
        cls.outcomes = [
            make_outcome(meeting=cls.meeting, number=1, decision_ar="القرار الأول"),
            make_outcome(meeting=cls.meeting, number=2, decision_ar="القرار الثاني"),
        ]
        cls.outcomes[0].commitments.set(cls.commitments)
        base = f"/ar/manage/meetings/{cls.meeting.pk}"
        cls.attendance_url = f"{base}/attendance/"
        cls.agenda_url = f"{base}/agenda/"
        cls.outcomes_url = f"{base}/outcomes/"

    def setUp(self):
        # The pages' language must not outlive the test (LocaleMiddleware activates it).
        self.enterContext(translation.override(translation.get_language()))

    def version(self) -> int:
        return Meeting.objects.get(pk=self.meeting.pk).version

    def browsers(self, url: str):
        """A's and B's browsers, each with the page `url` open."""
        return two_browsers(self.client_class, (self.a, self.b), url)

    def both_save(self, url: str, theirs: dict, yours: dict):
        """A saves `theirs`, then B saves `yours` from the page opened before: refused with
        409, nothing of B's saved. B's browser and the refusal."""
        first, second, opened_a, opened_b = self.browsers(url)
        saved = first.post(url, opened_a | theirs)
        self.assertEqual(saved.status_code, 302, saved.content.decode()[:2000])
        version = self.version()
        refused = second.post(url, opened_b | yours)
        self.assertEqual(refused.status_code, 409, refused.content.decode()[:2000])
        self.assertEqual(self.version(), version)
        return second, refused


class AttendanceConflictTests(RowsScenario):
    def test_each_changed_another_row_and_both_are_kept(self):
        mai, abeer = self.attendances
        second, refused = self.both_save(
            self.attendance_url,
            theirs={"attendances-0-status": [AttendanceStatus.ABSENT]},
            yours={"attendances-1-position_ar": ["مستشارة الوحدة"]},
        )
        self.assertEqual(
            statuses(refused),
            {
                f"attendances-row{mai.pk}-status": "theirs",
                f"attendances-row{abeer.pk}-position_ar": "yours",
            },
        )
        self.assertEqual(Attendance.objects.get(pk=abeer.pk).position_ar, "")
        merged = browser_form_data(refused.content)
        self.assertEqual(merged["attendances-0-status"], [AttendanceStatus.ABSENT])  # A's
        self.assertEqual(merged["attendances-1-position_ar"], ["مستشارة الوحدة"])  # B's

        version = self.version()
        self.assertEqual(second.post(self.attendance_url, merged).status_code, 302)
        self.assertEqual(Attendance.objects.get(pk=mai.pk).status, AttendanceStatus.ABSENT)
        self.assertEqual(Attendance.objects.get(pk=abeer.pk).position_ar, "مستشارة الوحدة")
        self.assertEqual(self.version(), version + 1)

    def test_the_same_cell_waits_for_the_choice_asked_in_arabic(self):
        mai = self.attendances[0]
        second, refused = self.both_save(
            self.attendance_url,
            theirs={"attendances-0-position_ar": ["منسقة"]},
            yours={"attendances-0-position_ar": ["رئيسة"], "attendances-1-role": [Role.CHAIR]},
        )
        key = f"attendances-row{mai.pk}-position_ar"
        self.assertEqual(statuses(refused)[key], "choose")
        self.assertContains(refused, "السطر 1:", status_code=409)  # "row 1": the label in Arabic
        merged = browser_form_data(refused.content)
        self.assertEqual(merged["attendances-0-position_ar"], ["رئيسة"])  # B's, until chosen

        version = self.version()
        unchosen = second.post(self.attendance_url, merged)
        self.assertEqual(unchosen.status_code, 200)
        self.assertContains(unchosen, CHOOSE_AR)
        self.assertContains(unchosen, MERGE_REFUSED_AR)
        self.assertEqual(self.version(), version)  # nothing saved
        self.assertEqual(Attendance.objects.get(pk=mai.pk).position_ar, "منسقة")
        self.assertEqual(Attendance.objects.get(pk=self.attendances[1].pk).role, Role.MEMBER)

        again = browser_form_data(unchosen.content)
        done = second.post(self.attendance_url, again | {f"keep-{key}": ["mine"]})
        self.assertEqual(done.status_code, 302)
        self.assertEqual(Attendance.objects.get(pk=mai.pk).position_ar, "رئيسة")
        self.assertEqual(Attendance.objects.get(pk=self.attendances[1].pk).role, Role.CHAIR)

    def test_a_row_added_by_one_is_kept_beside_the_change_of_the_other(self):
        khaled = self.people[2]
        second, refused = self.both_save(
            self.attendance_url,
            theirs={"attendances-2-person": [str(khaled.pk)], "attendances-2-order": ["3"]},
            yours={"attendances-0-role": [Role.ADVISER]},
        )
        self.assertEqual(sorted(statuses(refused).values()), ["theirs", "yours"])
        self.assertContains(refused, "خالد", status_code=409)
        self.assertEqual(
            second.post(self.attendance_url, browser_form_data(refused.content)).status_code, 302
        )
        rows = {row.person_id: row for row in Attendance.objects.filter(meeting=self.meeting)}
        self.assertEqual(set(rows), {person.pk for person in self.people})
        self.assertEqual(rows[self.people[0].pk].role, Role.ADVISER)

    def test_a_guest_added_meanwhile_makes_the_page_stale(self):
        first, second, _opened_a, opened_b = self.browsers(self.attendance_url)
        guest = {"name_ar": "ضيف الاجتماع", "organisation": self.ministry.pk, "status": "present"}
        first.post(f"/ar/manage/meetings/{self.meeting.pk}/attendance/guest/", guest)
        refused = second.post(self.attendance_url, opened_b | {"attendances-1-status": ["excused"]})
        self.assertEqual(refused.status_code, 409)
        self.assertContains(refused, "ضيف الاجتماع", status_code=409)
        self.assertEqual(
            second.post(self.attendance_url, browser_form_data(refused.content)).status_code, 302
        )
        names = set(
            Attendance.objects.filter(meeting=self.meeting).values_list(
                "person__name_ar", flat=True
            )
        )
        self.assertIn("ضيف الاجتماع", names)
        self.assertEqual(Attendance.objects.get(pk=self.attendances[1].pk).status, "excused")


class AgendaConflictTests(RowsScenario):
    def test_each_changed_another_item_and_both_are_kept(self):
        first_item, second_item = self.items
        second, refused = self.both_save(
            self.agenda_url,
            theirs={"agenda_items-0-title_ar": ["البند الأول بعد التعديل"]},
            yours={"agenda_items-1-discussion_en": ["<p>B's notes</p>"]},
        )
        self.assertEqual(
            statuses(refused),
            {
                f"agenda_items-row{first_item.pk}-title_ar": "theirs",
                f"agenda_items-row{second_item.pk}-discussion_en": "yours",
            },
        )
        self.assertContains(refused, "البند الأول بعد التعديل", status_code=409)
        self.assertEqual(
            second.post(self.agenda_url, browser_form_data(refused.content)).status_code, 302
        )
        self.assertEqual(
            AgendaItem.objects.get(pk=first_item.pk).title_ar, "البند الأول بعد التعديل"
        )
        self.assertEqual(
            AgendaItem.objects.get(pk=second_item.pk).discussion_en, "<p>B's notes</p>"
        )

    def test_the_same_title_kept_as_saved_when_chosen(self):
        item = self.items[0]
        second, refused = self.both_save(
            self.agenda_url,
            theirs={"agenda_items-0-title_ar": ["عنوان أ"]},
            yours={"agenda_items-0-title_ar": ["عنوان ب"], "agenda_items-0-title_en": ["B"]},
        )
        key = f"agenda_items-row{item.pk}-title_ar"
        self.assertEqual(
            statuses(refused), {key: "choose", f"agenda_items-row{item.pk}-title_en": "yours"}
        )
        merged = browser_form_data(refused.content)
        self.assertContains(second.post(self.agenda_url, merged), CHOOSE_AR)
        self.assertEqual(AgendaItem.objects.get(pk=item.pk).title_en, "")
        done = second.post(self.agenda_url, merged | {f"keep-{key}": ["saved"]})
        self.assertEqual(done.status_code, 302)
        row = AgendaItem.objects.get(pk=item.pk)
        self.assertEqual((row.title_ar, row.title_en), ("عنوان أ", "B"))

    def test_an_item_deleted_by_one_and_changed_by_the_other_waits_for_the_choice(self):
        gone = self.items[1]
        second, refused = self.both_save(
            self.agenda_url,
            theirs={"agenda_items-1-DELETE": ["on"]},
            yours={"agenda_items-1-title_en": ["The second item"]},
        )
        key = f"agenda_items-row{gone.pk}"
        self.assertEqual(statuses(refused), {key: "choose"})
        merged = browser_form_data(refused.content)
        self.assertContains(second.post(self.agenda_url, merged), CHOOSE_AR)
        self.assertFalse(AgendaItem.objects.filter(pk=gone.pk).exists())
        # B keeps theirs: the item is back, as a new row with B's text and its number.
        done = second.post(self.agenda_url, merged | {f"keep-{key}": ["mine"]})
        self.assertEqual(done.status_code, 302)
        back = AgendaItem.objects.get(meeting=self.meeting, number=2)
        self.assertEqual((back.title_ar, back.title_en), ("البند الثاني", "The second item"))

    def test_an_item_only_the_other_deleted_stays_deleted(self):
        gone, kept = self.items[1], self.items[0]
        second, refused = self.both_save(
            self.agenda_url,
            theirs={"agenda_items-1-DELETE": ["on"]},
            yours={"agenda_items-0-presenter": [str(self.people[0].pk)]},
        )
        self.assertEqual(sorted(statuses(refused).values()), ["theirs", "yours"])
        self.assertEqual(
            second.post(self.agenda_url, browser_form_data(refused.content)).status_code, 302
        )
        self.assertFalse(AgendaItem.objects.filter(pk=gone.pk).exists())
        self.assertEqual(AgendaItem.objects.get(pk=kept.pk).presenter, self.people[0])


class OutcomeConflictTests(RowsScenario):
    def test_each_changed_another_outcome_and_both_are_kept(self):
        first, second = self.outcomes
        reordered = [str(c.pk) for c in reversed(self.commitments)]
        second_page, refused = self.both_save(
            self.outcomes_url,
            theirs={"outcomes-0-decision_en": ["Publish the budget data."]},
            # The same commitments in another order are not a change.
            yours={"outcomes-1-status": [OutcomeStatus.DONE], "outcomes-0-commitments": reordered},
        )
        self.assertEqual(
            statuses(refused),
            {
                f"outcomes-row{first.pk}-decision_en": "theirs",
                f"outcomes-row{second.pk}-status": "yours",
            },
        )
        self.assertEqual(
            second_page.post(self.outcomes_url, browser_form_data(refused.content)).status_code, 302
        )
        self.assertEqual(Outcome.objects.get(pk=first.pk).decision_en, "Publish the budget data.")
        self.assertEqual(Outcome.objects.get(pk=second.pk).status, OutcomeStatus.DONE)
        self.assertEqual(
            set(Outcome.objects.get(pk=first.pk).commitments.all()), set(self.commitments)
        )

    def test_an_outcome_deleted_here_and_changed_there_kept_as_saved(self):
        outcome = self.outcomes[1]
        second, refused = self.both_save(
            self.outcomes_url,
            theirs={"outcomes-1-decision_ar": ["القرار الثاني بصيغة جديدة"]},
            yours={"outcomes-1-DELETE": ["on"]},
        )
        key = f"outcomes-row{outcome.pk}"
        self.assertEqual(statuses(refused), {key: "choose"})
        merged = browser_form_data(refused.content)
        self.assertContains(second.post(self.outcomes_url, merged), CHOOSE_AR)
        done = second.post(self.outcomes_url, merged | {f"keep-{key}": ["saved"]})
        self.assertEqual(done.status_code, 302)
        self.assertEqual(
            Outcome.objects.get(pk=outcome.pk).decision_ar, "القرار الثاني بصيغة جديدة"
        )


class OtherPagesOfTheMeetingTests(RowsScenario):
    """Every write to the meeting raises its version; a page with nothing of theirs on it
    is saved at once on the new version."""

    def test_every_write_to_the_meeting_or_its_rows_raises_its_version(self):
        version = self.version()
        services.add_guest(
            meeting=self.meeting, name_ar="ضيف", organisation=self.ministry, by=self.a
        )
        self.assertEqual(self.version(), version + 1)
        row = services.AttendeeRow(name_ar="شخص جديد", organisation=self.ministry)
        services.add_attendees(meeting=self.meeting, rows=[row], by=self.a)
        self.assertEqual(self.version(), version + 2)
        services.update_attendance(
            attendance=self.attendances[0], data={"status": "absent"}, by=self.a
        )
        self.assertEqual(self.version(), version + 3)
        services.circulate_minutes(meeting=self.meeting, by=self.a)
        self.assertEqual(self.version(), version + 4)

    def test_rows_saved_after_another_page_was_saved_go_through(self):
        first, second, opened_a, opened_b = self.browsers(self.attendance_url)
        agenda = opened_form(first, self.agenda_url)
        first.post(self.agenda_url, agenda | {"agenda_items-0-title_en": ["First item"]})
        saved = second.post(self.attendance_url, opened_b | {"attendances-0-role": [Role.CHAIR]})
        self.assertEqual(saved.status_code, 302)
        self.assertEqual(Attendance.objects.get(pk=self.attendances[0].pk).role, Role.CHAIR)
        self.assertEqual(AgendaItem.objects.get(pk=self.items[0].pk).title_en, "First item")

    def test_rows_saved_after_the_minutes_were_circulated_go_through(self):
        _first, second, _opened_a, opened_b = self.browsers(self.outcomes_url)
        services.circulate_minutes(meeting=self.meeting, by=self.a)
        saved = second.post(
            self.outcomes_url, opened_b | {"outcomes-0-status": [OutcomeStatus.DONE]}
        )
        self.assertEqual(saved.status_code, 302)
        self.assertEqual(Outcome.objects.get(pk=self.outcomes[0].pk).status, OutcomeStatus.DONE)
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        self.assertEqual(meeting.minutes_state, MinutesState.CIRCULATED)

    def test_the_meeting_form_goes_through_after_rows_were_saved(self):
        url = f"/ar/manage/meetings/{self.meeting.pk}/edit/"
        first, second, _opened_a, opened_b = self.browsers(url)
        rows = opened_form(first, self.attendance_url)
        first.post(self.attendance_url, rows | {"attendances-0-status": ["absent"]})
        saved = second.post(url, opened_b | {"title_en": ["Forum meeting"]})
        self.assertEqual(saved.status_code, 302)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).title_en, "Forum meeting")
        self.assertEqual(Attendance.objects.get(pk=self.attendances[0].pk).status, "absent")

    def test_a_page_opened_without_its_version_is_refused_and_nothing_saved(self):
        _first, second, _opened_a, opened_b = self.browsers(self.agenda_url)
        del opened_b["version"]
        response = second.post(self.agenda_url, opened_b | {"agenda_items-0-title_ar": ["آخر"]})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AgendaItem.objects.get(pk=self.items[0].pk).title_ar, "البند الأول")


class RowsRoleTests(RowsScenario):
    """Refused as before: anonymous to the sign-in page, forum members and focal points
    403; nothing changed."""

    def test_anonymous_and_wrong_roles_are_refused(self):
        _first, _second, opened, _opened_b = self.browsers(self.attendance_url)
        pages = {
            self.attendance_url: opened | {"attendances-0-status": ["absent"]},
            self.agenda_url: {"version": "1", "agenda_items-TOTAL_FORMS": "0"},
            self.outcomes_url: {"version": "1", "outcomes-TOTAL_FORMS": "0"},
        }
        version = self.version()
        assert_posts_refused(self, pages, (FORUM_MEMBER, FOCAL_POINT))
        self.assertEqual(self.version(), version)
        self.assertEqual(Attendance.objects.get(pk=self.attendances[0].pk).status, "present")
