"""IRM assessments: staff record the IRM's reports (with their findings on the minimum
requirements) and each commitment's assessment; the commitment page shows it beside the
government's own progress, never mixed with it; open data, the plan PDF and the compliance
page carry it."""

import datetime
import json

from django.test import TestCase

from commitments.irm import irm_part
from commitments.models import (
    Completion,
    IRMAssessment,
    IRMReport,
    IRMReportKind,
    MilestoneStatus,
    OpenedGovernment,
)
from core.roles import EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import (
    make_commitment,
    make_irm_finding,
    make_irm_report,
    make_milestone,
    make_plan,
    make_user,
)


class IRMTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.other_plan = make_plan(number=6)
        cls.commitment = make_commitment(plan=cls.plan, number=1, ogp_id="JO0064")
        make_milestone(commitment=cls.commitment, number=1, status=MilestoneStatus.NOT_STARTED)
        cls.design = make_irm_report(plan=cls.plan, title_en="Jordan Action Plan Review 2021-2025")
        cls.results = make_irm_report(
            plan=cls.plan,
            kind=IRMReportKind.RESULTS,
            title_en="Jordan Results Report",
            published_on=datetime.date(2026, 3, 1),
        )
        cls.editor = make_user(role=EDITOR)

    def url(self):
        return f"/en/manage/commitments/{self.commitment.pk}/irm/"

    def data(self, **changes):
        data = {
            "design_report": self.design.pk,
            "verifiable": "on",
            "ogp_values_lens": "on",
            "potential_for_results": "substantial",
            "promising": "on",
            "notes_en": "A promising step toward open contracting.",
            "results_report": self.results.pk,
            "completion": Completion.COMPLETE,
            "opened_government": OpenedGovernment.MAJOR,
            "results_text_en": "Contracts are now published.",
        }
        return data | changes

    def test_staff_record_it_and_the_page_shows_it_apart_from_progress(self):
        self.client.force_login(self.editor)
        response = self.client.post(self.url(), self.data())
        self.assertRedirects(response, self.url())
        irm = IRMAssessment.objects.get(commitment=self.commitment)
        self.assertEqual(irm.completion, Completion.COMPLETE)
        self.assertEqual(irm.history.count(), 1)
        self.commitment.refresh_from_db()
        self.assertEqual(self.commitment.progress, 0)  # the IRM's "complete" is not ours
        page = self.client.get(self.commitment.get_absolute_url()).content.decode()
        self.assertIn("Independent assessment (IRM)", page)
        self.assertIn("Did it open government?", page)
        self.assertIn("Major", page)
        self.assertIn("Contracts are now published.", page)
        self.assertIn("Jordan Results Report", page)
        self.assertIn("0% complete", page)

    def test_a_report_of_another_plan_is_refused_and_nothing_saved(self):
        foreign = make_irm_report(plan=self.other_plan)
        self.client.force_login(self.editor)
        response = self.client.post(self.url(), self.data(design_report=foreign.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.assertFalse(IRMAssessment.objects.exists())

    def test_roles_without_the_permission_are_refused(self):
        self.assertEqual(self.client.post(self.url(), self.data()).status_code, 302)
        for role in (FORUM_MEMBER, FOCAL_POINT):
            self.client.force_login(make_user(role=role))
            self.assertEqual(self.client.post(self.url(), self.data()).status_code, 403)
        self.assertFalse(IRMAssessment.objects.exists())

    def test_staff_record_a_report_with_its_findings(self):
        self.client.force_login(self.editor)
        prefix = "findings"
        data = {
            "kind": IRMReportKind.DESIGN,
            "title_en": "Co-creation brief",
            "url": "https://www.opengovpartnership.org/documents/brief/",
            "published_on": "2022-01-10",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "6",
            f"{prefix}-0-requirement": "forum",
            f"{prefix}-0-verdict": "not_met",
            f"{prefix}-0-text_en": "The forum did not meet during implementation.",
        }
        response = self.client.post("/en/manage/plans/5/irm/new/", data)
        self.assertRedirects(response, "/en/manage/plans/5/irm/")
        report = IRMReport.objects.get(title_en="Co-creation brief")
        self.assertEqual(report.findings.get().verdict, "not_met")
        listing = self.client.get("/en/manage/plans/5/irm/")
        self.assertContains(listing, "The forum did not meet during implementation.")

    def test_compliance_page_sets_the_irm_finding_beside_the_portal_check(self):
        make_irm_finding(
            report=self.design, requirement="forum", verdict="not_met", text_en="No meetings."
        )
        page = self.client.get("/en/plans/5/compliance/").content.decode()
        self.assertIn("The IRM's finding:", page)
        self.assertIn("No meetings.", page)

    def test_open_data_and_the_plan_pdf_carry_it(self):
        IRMAssessment.objects.create(
            commitment=self.commitment,
            design_report=self.design,
            completion=Completion.LIMITED,
            opened_government=OpenedGovernment.MARGINAL,
        )
        rows = json.loads(self.client.get("/en/data/irm_assessments.json").content)
        self.assertEqual(rows[0]["commitment_ogp_id"], "JO0064")
        self.assertEqual(rows[0]["completion"], "limited")
        self.assertEqual(rows[0]["did_it_open_government"], "marginal")
        self.assertEqual(rows[0]["design_report_url"], self.design.url)
        self.commitment.refresh_from_db()
        part = irm_part(self.commitment)
        self.assertEqual(part["completion"], "Limited")
        self.assertEqual(part["design_source"]["url"], self.design.url)
