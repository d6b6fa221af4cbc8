"""Two staff members edit the same commitment (`/ar/manage/commitments/<pk>/edit/`).

A saves first; B's save is refused with 409 and the conflict page lists the real
differences (not the supporting institutions in another order); saving from the conflict
page merges: A's field kept, B's saved, a field both changed as B chooses. The milestones
are merged as one list, the supporting institutions compared as a set."""

import datetime

from django.test import TestCase
from django.utils import translation

from commitments.models import ApprovalLetter, Commitment
from tests.factories import (
    make_approval_letter,
    make_commitment,
    make_milestone,
    make_organisation,
    make_user,
)
from tests.helpers import browser_form_data, two_browsers_edit, two_browsers_edit_both_ways


class CommitmentEditConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role="editor"), make_user(role="editor")
        cls.first_org = make_organisation(name_ar="هيئة النزاهة", name_en="Integrity Commission")
        cls.second_org = make_organisation(name_ar="جمعية الشفافية", name_en="Transparency Society")
        cls.commitment = make_commitment(
            problem_en="Budget data is hard to find.",
            results_en="Open budget data.",
            starts_on=datetime.date(2022, 1, 1),
            ends_on=datetime.date(2023, 12, 31),
        )
        cls.commitment.supporting_institutions.set([cls.second_org, cls.first_org])
        for number, (title, weight) in enumerate([("دليل", 40), ("تدريب", 60)], start=1):
            make_milestone(commitment=cls.commitment, number=number, title_ar=title, weight=weight)
        cls.url = f"/ar/manage/commitments/{cls.commitment.pk}/edit/"

    def setUp(self):
        # The pages' language must not outlive the test (LocaleMiddleware activates it).
        self.enterContext(translation.override(translation.get_language()))

    def reload(self) -> Commitment:
        return Commitment.objects.get(pk=self.commitment.pk)

    def test_fields_changed_by_each_merge_and_the_one_both_changed_is_chosen(self):
        """The issue's scenario: A changes the problem, B the expected results."""
        two_browsers_edit_both_ways(
            self,
            theirs=("problem_en", "A's problem"),
            yours=("results_en", "B's results"),
            both=("title_en", "A's title", "B's title"),
        )
        row = self.reload()
        self.assertEqual(set(row.supporting_institutions.all()), {self.first_org, self.second_org})
        self.assertEqual([m.title_ar for m in row.milestones.order_by("number")], ["دليل", "تدريب"])

    def open_both(self):
        first, second = self.client_class(), self.client_class()
        first.force_login(self.a)
        second.force_login(self.b)
        return (
            first,
            second,
            browser_form_data(first.get(self.url).content),
            browser_form_data(second.get(self.url).content),
        )

    def test_milestones_changed_by_the_other_are_kept(self):
        first, second, opened_a, opened_b = self.open_both()
        self.assertEqual(
            first.post(self.url, opened_a | {"milestones-0-title_ar": "دليل المشاركة"}).status_code,
            302,
        )
        refused = second.post(self.url, opened_b | {"description_en": "B's description"})
        self.assertEqual(refused.status_code, 409)
        rows = {row["key"]: row for row in refused.context["conflict"]["rows"]}
        self.assertEqual(set(rows), {"milestones", "description_en"})
        self.assertEqual(rows["milestones"]["status"], "theirs")
        self.assertIn("دليل المشاركة", rows["milestones"]["theirs"])
        self.assertIn("<ins>", rows["milestones"]["diff"])

        merged = browser_form_data(refused.content)
        self.assertEqual(merged["milestones-0-title_ar"], ["دليل المشاركة"])
        self.assertEqual(second.post(self.url, merged).status_code, 302)
        row = self.reload()
        self.assertEqual(row.description_en, "B's description")
        self.assertEqual(
            [m.title_ar for m in row.milestones.order_by("number")], ["دليل المشاركة", "تدريب"]
        )

    def test_milestones_both_changed_wait_for_a_choice(self):
        first, second, opened_a, opened_b = self.open_both()
        first.post(self.url, opened_a | {"milestones-1-title_ar": "تدريب المجالس"})
        refused = second.post(self.url, opened_b | {"milestones-1-title_ar": "تدريب الموظفين"})
        self.assertEqual(
            {row["key"]: row["status"] for row in refused.context["conflict"]["rows"]},
            {"milestones": "choose"},
        )
        merged = browser_form_data(refused.content)
        unchosen = second.post(self.url, merged)
        self.assertContains(unchosen, "احتفظ بالنسخة المحفوظة")  # the radio, in Arabic
        done = second.post(self.url, merged | {"keep-milestones": "mine"})
        self.assertEqual(done.status_code, 302)
        titles = [m.title_ar for m in self.reload().milestones.order_by("number")]
        self.assertEqual(titles, ["دليل", "تدريب الموظفين"])

    def test_supporting_institutions_compare_as_a_set(self):
        third = make_organisation(name_ar="مركز الدراسات", name_en="Studies Centre")
        first, second, opened_a, opened_b = self.open_both()
        chosen = [str(org.pk) for org in (self.first_org, self.second_org, third)]
        first.post(self.url, opened_a | {"supporting_institutions": chosen})
        # B sends the same two institutions, in the other order.
        unchanged = list(reversed(opened_b["supporting_institutions"]))
        refused = second.post(
            self.url, opened_b | {"supporting_institutions": unchanged, "causes_en": "Causes"}
        )
        rows = {row["key"]: row for row in refused.context["conflict"]["rows"]}
        self.assertEqual(rows["supporting_institutions"]["status"], "theirs")
        self.assertIn("مركز الدراسات", rows["supporting_institutions"]["theirs"])
        self.assertEqual(second.post(self.url, browser_form_data(refused.content)).status_code, 302)
        row = self.reload()
        self.assertEqual(
            set(row.supporting_institutions.all()), {self.first_org, self.second_org, third}
        )
        self.assertEqual(row.causes_en, "Causes")

    def test_a_forged_snapshot_counts_as_none_and_every_difference_waits_for_a_choice(self):
        first, second, opened_a, opened_b = self.open_both()
        first.post(self.url, opened_a | {"problem_en": "A's problem"})
        forged = opened_b | {"opened": "forged", "results_en": "B's results"}
        refused = second.post(self.url, forged)
        self.assertEqual(
            {row["key"]: row["status"] for row in refused.context["conflict"]["rows"]},
            {"problem_en": "choose", "results_en": "choose"},
        )
        self.assertEqual(self.reload().results_en, "Open budget data.")


class LetterReplyConflictTests(TestCase):
    """Two staff members record the agency's reply to the same letter at once."""

    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role="editor"), make_user(role="coordinator")
        commitment = make_commitment()
        make_milestone(commitment=commitment, number=1, weight=100)
        cls.letter = make_approval_letter(commitment=commitment, reference="MOP/2021/7")

    def test_reply_form(self):
        two_browsers_edit(
            self.client_class,
            url=f"/ar/manage/letters/{self.letter.pk}/reply/",
            users=(self.a, self.b),
            reload=lambda: ApprovalLetter.objects.get(pk=self.letter.pk),
            theirs=("notes", "وافقت الوزارة"),
            yours=("received_on", "2021-12-12"),
            both=("decision", "approved", "changes_requested"),
            choice="saved",
        )
