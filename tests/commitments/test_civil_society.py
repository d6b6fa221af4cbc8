"""Civil society's own rating: a civil-society account rates milestones, only milestones,
and only as itself; the rating is published beside the government's record, never changes
the computed progress, is in open data, and the dashboard shows where the two disagree by
more than one step."""

import json

from django.test import TestCase

from commitments.models import CivilSocietyRating, MilestoneStatus, ProgressLevel
from core.roles import CIVIL_SOCIETY, EDITOR
from plans.models import Sector
from tests.factories import (
    make_civil_society_rating,
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_user,
)


class CivilSocietyTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.commitment = make_commitment(plan=cls.plan, number=1, ogp_id="JO0070")
        cls.milestone = make_milestone(
            commitment=cls.commitment,
            number=1,
            status=MilestoneStatus.COMPLETED,
            title_en="Open the budget",
        )
        cls.draft = make_milestone(commitment=make_commitment(plan=cls.plan, is_published=False))
        cls.coalition = make_organisation(
            name_en="Transparency Coalition", sector=Sector.CIVIL_SOCIETY
        )
        cls.other = make_organisation(name_en="Another NGO", sector=Sector.CIVIL_SOCIETY)
        cls.monitor = make_user(role=CIVIL_SOCIETY)
        cls.coalition.focal_points.add(cls.monitor)
        cls.editor = make_user(role=EDITOR)

    def rate_url(self, milestone=None):
        return f"/en/manage/ratings/milestones/{(milestone or self.milestone).pk}/"

    def data(self, **changes):
        return {
            "status": MilestoneStatus.IN_PROGRESS,
            "rating": ProgressLevel.LIMITED,
            "evidence": "The budget portal is still empty.",
            "evidence_url": "https://example.org/report",
        } | changes

    def test_rating_is_published_beside_the_government_record_without_changing_it(self):
        self.client.force_login(self.monitor)
        response = self.client.post(self.rate_url(), self.data())
        self.assertRedirects(response, "/en/manage/ratings/")
        rating = CivilSocietyRating.objects.get()
        self.assertEqual((rating.organisation, rating.author), (self.coalition, self.monitor))
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.status, MilestoneStatus.COMPLETED)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.progress, 100)
        page = self.client.get(self.commitment.get_absolute_url()).content.decode()
        self.assertIn("Civil society's view", page)
        self.assertIn("Transparency Coalition", page)
        self.assertIn("The budget portal is still empty.", page)
        self.assertIn("100% complete", page)
        rows = json.loads(self.client.get("/en/data/civil_society_ratings.json").content)
        self.assertEqual(rows[0]["organisation_en"], "Transparency Coalition")
        self.assertEqual(rows[0]["government_status"], "completed")
        self.assertEqual(rows[0]["civil_society_status"], "in_progress")
        self.assertEqual(rows[0]["civil_society_rating"], ProgressLevel.LIMITED)

    def test_only_as_itself(self):
        self.client.force_login(self.monitor)
        response = self.client.post(self.rate_url(), self.data(organisation=self.other.pk))
        self.assertEqual(response.status_code, 403)
        self.assertFalse(CivilSocietyRating.objects.exists())

    def test_only_public_milestones(self):
        self.client.force_login(self.monitor)
        self.assertEqual(self.client.post(self.rate_url(self.draft), self.data()).status_code, 404)
        self.assertFalse(CivilSocietyRating.objects.exists())

    def test_nothing_but_milestones(self):
        """The account's POSTs to other workspace screens are refused and change nothing."""
        self.client.force_login(self.monitor)
        for url in [
            f"/en/manage/commitments/{self.commitment.pk}/edit/",
            f"/en/manage/commitments/{self.commitment.pk}/irm/",
            f"/en/manage/commitments/{self.commitment.pk}/publish/",
            f"/en/manage/milestones/{self.milestone.pk}/progress/",
        ]:
            with self.subTest(url):
                self.assertIn(self.client.post(url, {"status": "draft"}).status_code, (403, 404))
        self.commitment.refresh_from_db()
        self.assertTrue(self.commitment.is_published)
        self.assertEqual(self.commitment.version, 1)

    def test_staff_and_anonymous_cannot_rate(self):
        self.assertEqual(self.client.post(self.rate_url(), self.data()).status_code, 302)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.post(self.rate_url(), self.data()).status_code, 403)
        self.assertFalse(CivilSocietyRating.objects.exists())

    def test_bad_input_is_explained_and_nothing_saved(self):
        self.client.force_login(self.monitor)
        response = self.client.post(self.rate_url(), self.data(evidence=""))
        self.assertContains(response, "This field is required.")
        self.assertFalse(CivilSocietyRating.objects.exists())

    def test_dashboard_shows_disagreements_of_more_than_one_step(self):
        make_civil_society_rating(
            milestone=self.milestone, organisation=self.coalition, rating=ProgressLevel.LIMITED
        )  # completed vs limited: two steps
        make_civil_society_rating(
            milestone=self.milestone, organisation=self.other, rating=ProgressLevel.SUBSTANTIAL
        )  # one step: a difference of view, not shown
        self.client.force_login(self.editor)
        response = self.client.get("/en/manage/")
        disagreements = response.context["disagreements"]
        self.assertEqual(disagreements.total, 1)
        self.assertEqual(disagreements.items[0].organisation, self.coalition)
        self.assertContains(response, "Civil society disagrees")
