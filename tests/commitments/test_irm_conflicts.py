"""Two staff members edit the IRM's findings at once (`/ar/manage/...`): the IRM assessment
of a commitment, and an IRM report with its findings on the minimum requirements. The second
save is refused with 409 and the real differences; saving from the conflict page merges: the
other's field or finding kept, one's own saved, what both changed as chosen, refused in the
page's language without a choice. Who may post is unchanged."""

import datetime

from django.test import TestCase
from django.utils import translation

from commitments.models import (
    Completion,
    IRMAssessment,
    IRMFinding,
    IRMReport,
    IRMReportKind,
    MinimumRequirement,
    Potential,
    RequirementVerdict,
)
from core.roles import EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import (
    make_commitment,
    make_irm_assessment,
    make_irm_finding,
    make_irm_report,
    make_plan,
    make_user,
)
from tests.helpers import (
    admin_url,
    assert_posts_refused,
    browser_form_data,
    change_form_data,
    two_browsers,
    two_browsers_edit,
    two_browsers_edit_both_ways,
)


class Scenario(TestCase):
    """Two signed-in editors, each with their own browser (test client)."""

    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role=EDITOR), make_user(role=EDITOR)
        cls.plan = make_plan(number=5)

    def setUp(self):
        # The pages' language must not outlive the test (LocaleMiddleware activates it).
        self.enterContext(translation.override(translation.get_language()))

    def browsers(self, url: str):
        return two_browsers(self.client_class, (self.a, self.b), url)


def statuses(response) -> dict:
    return {row["key"]: row["status"] for row in response.context["form"].conflict["rows"]}


class AssessmentConflictTests(Scenario):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commitment = make_commitment(plan=cls.plan)
        cls.design = make_irm_report(plan=cls.plan, title_en="Action Plan Review")
        cls.assessment = make_irm_assessment(
            commitment=cls.commitment,
            design_report=cls.design,
            notes_en="A first step.",
            results_text_ar="نُشرت العقود.",
        )
        cls.url = f"/ar/manage/commitments/{cls.commitment.pk}/irm/"

    def reload(self) -> IRMAssessment:
        return IRMAssessment.objects.get(pk=self.assessment.pk)

    def test_fields_changed_by_each_merge_and_the_one_both_changed_is_chosen(self):
        two_browsers_edit_both_ways(
            self,
            theirs=("notes_en", "A's design text"),
            yours=("results_text_ar", "نص النتائج من ب"),
            both=("notes_ar", "نص أ", "نص ب"),
        )

    def test_choices_and_boxes_merge_too(self):
        first, second, opened_a, opened_b = self.browsers(self.url)
        changed = opened_a | {"potential_for_results": [Potential.SUBSTANTIAL]}
        changed.pop("verifiable", None)  # A unticks "verifiable"
        self.assertEqual(first.post(self.url, changed).status_code, 302)
        refused = second.post(self.url, opened_b | {"completion": [Completion.COMPLETE]})
        self.assertEqual(refused.status_code, 409)
        self.assertEqual(
            statuses(refused),
            {"potential_for_results": "theirs", "verifiable": "theirs", "completion": "yours"},
        )
        self.assertEqual(second.post(self.url, browser_form_data(refused.content)).status_code, 302)
        row = self.reload()
        self.assertEqual(row.potential_for_results, Potential.SUBSTANTIAL)
        self.assertFalse(row.verifiable)
        self.assertEqual(row.completion, Completion.COMPLETE)
        self.assertEqual(row.notes_en, "A first step.")


class FirstAssessmentConflictTests(Scenario):
    """Nobody has recorded the commitment's assessment yet: A and B both open the empty
    form. B's save does not overwrite what A created: it is a conflict like any other."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.commitment = make_commitment(plan=cls.plan)
        cls.url = f"/ar/manage/commitments/{cls.commitment.pk}/irm/"

    def test_the_second_first_save_merges_with_the_first(self):
        first, second, opened_a, opened_b = self.browsers(self.url)
        self.assertEqual(opened_a["version"], ["0"])
        saved = first.post(self.url, opened_a | {"notes_en": ["A's text"], "notes_ar": ["نص أ"]})
        self.assertEqual(saved.status_code, 302)

        refused = second.post(self.url, opened_b | {"results_text_en": ["B's"], "notes_ar": ["ب"]})
        self.assertEqual(refused.status_code, 409)
        self.assertEqual(
            statuses(refused),
            {"notes_en": "theirs", "notes_ar": "choose", "results_text_en": "yours"},
        )
        row = IRMAssessment.objects.get(commitment=self.commitment)
        self.assertEqual((row.notes_ar, row.results_text_en, row.version), ("نص أ", "", 1))

        merged = browser_form_data(refused.content)
        unchosen = second.post(self.url, merged)
        self.assertEqual(unchosen.status_code, 200)
        self.assertIn("اختر", unchosen.content.decode())
        self.assertEqual(IRMAssessment.objects.get().version, 1)

        done = second.post(self.url, merged | {"keep-notes_ar": ["mine"]})
        self.assertEqual(done.status_code, 302)
        row = IRMAssessment.objects.get()
        self.assertEqual(
            (row.notes_en, row.notes_ar, row.results_text_en, row.version),
            ("A's text", "ب", "B's", 2),
        )


class ReportConflictTests(Scenario):
    """An IRM report and its findings: the report's fields merge like any form, its
    findings row by row."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_irm_report(plan=cls.plan, title_en="Action Plan Review")
        cls.forum = make_irm_finding(
            report=cls.report, requirement=MinimumRequirement.FORUM, text_en="The forum met."
        )
        cls.windows = make_irm_finding(
            report=cls.report,
            requirement=MinimumRequirement.WINDOWS,
            verdict=RequirementVerdict.NOT_MET,
        )
        cls.url = f"/ar/manage/plans/{cls.plan.number}/irm/{cls.report.pk}/"

    def reload(self) -> IRMReport:
        return IRMReport.objects.get(pk=self.report.pk)

    def finding(self, requirement) -> IRMFinding:
        return IRMFinding.objects.get(report=self.report, requirement=requirement)

    def test_report_fields(self):
        two_browsers_edit(
            self.client_class,
            url=self.url,
            users=(self.a, self.b),
            reload=self.reload,
            theirs=("title_en", "Jordan Action Plan Review 2021-2025"),
            yours=("title_ar", "مراجعة خطة العمل"),
            both=("url", "https://example.org/a/", "https://example.org/b/"),
            choice="saved",
        )

    def test_findings_each_changed_a_different_one(self):
        first, second, opened_a, opened_b = self.browsers(self.url)
        self.assertEqual(opened_a["findings-0-requirement"], [MinimumRequirement.FORUM])
        text = "The forum met twice a year."
        self.assertEqual(
            first.post(self.url, opened_a | {"findings-0-text_en": [text]}).status_code, 302
        )
        version = self.reload().version

        refused = second.post(self.url, opened_b | {"findings-1-verdict": [RequirementVerdict.MET]})
        self.assertEqual(refused.status_code, 409)
        forum, windows = f"findings-row{self.forum.pk}", f"findings-row{self.windows.pk}"
        self.assertEqual(
            statuses(refused), {f"{forum}-text_en": "theirs", f"{windows}-verdict": "yours"}
        )
        page_text = refused.content.decode()
        self.assertIn(text, page_text)
        self.assertEqual(self.reload().version, version)
        self.assertEqual(self.finding("windows").verdict, RequirementVerdict.NOT_MET)

        merged = browser_form_data(refused.content)
        self.assertEqual(merged["findings-0-text_en"], [text])  # B retypes nothing
        self.assertEqual(second.post(self.url, merged).status_code, 302)
        self.assertEqual(self.finding("forum").text_en, text)
        self.assertEqual(self.finding("windows").verdict, RequirementVerdict.MET)
        self.assertEqual(self.reload().version, version + 1)

    def test_a_finding_both_changed_waits_for_the_choice(self):
        first, second, opened_a, opened_b = self.browsers(self.url)
        first.post(self.url, opened_a | {"findings-0-text_en": ["A's words"]})
        refused = second.post(self.url, opened_b | {"findings-0-text_en": ["B's words"]})
        key = f"findings-row{self.forum.pk}-text_en"
        self.assertEqual(statuses(refused), {key: "choose"})
        merged = browser_form_data(refused.content)
        self.assertEqual(merged["findings-0-text_en"], ["B's words"])

        unchosen = second.post(self.url, merged)
        self.assertEqual(unchosen.status_code, 200)
        content = unchosen.content.decode()
        self.assertIn("اختر", content)
        self.assertIn("غيّر شخص آخر بعض الحقول نفسها", content)
        self.assertEqual(self.finding("forum").text_en, "A's words")

        again = browser_form_data(unchosen.content)
        self.assertEqual(second.post(self.url, again | {f"keep-{key}": ["saved"]}).status_code, 302)
        self.assertEqual(self.finding("forum").text_en, "A's words")

    def test_a_finding_added_by_one_and_another_deleted_by_the_other(self):
        first, second, opened_a, opened_b = self.browsers(self.url)
        added = {
            "findings-2-requirement": [MinimumRequirement.RESPONSES],
            "findings-2-verdict": [RequirementVerdict.MET],
        }
        self.assertEqual(first.post(self.url, opened_a | added).status_code, 302)
        refused = second.post(self.url, opened_b | {"findings-1-DELETE": ["on"]})
        self.assertEqual(refused.status_code, 409)
        self.assertEqual(set(statuses(refused).values()), {"theirs", "yours"})
        self.assertEqual(second.post(self.url, browser_form_data(refused.content)).status_code, 302)
        self.assertEqual(
            set(self.report.findings.values_list("requirement", flat=True)),
            {MinimumRequirement.FORUM, MinimumRequirement.RESPONSES},
        )


class IRMRoleTests(TestCase):
    """Refused as before: anonymous to the sign-in page, other roles 403, nothing saved."""

    @classmethod
    def setUpTestData(cls):
        plan = make_plan(number=5)
        cls.commitment = make_commitment(plan=plan)
        cls.assessment = make_irm_assessment(commitment=cls.commitment, notes_en="Kept.")
        cls.report = make_irm_report(plan=plan, title_en="Kept")
        cls.pages = {
            f"/ar/manage/commitments/{cls.commitment.pk}/irm/": {"notes_en": "x", "version": "1"},
            f"/ar/manage/plans/5/irm/{cls.report.pk}/": {
                "kind": IRMReportKind.DESIGN,
                "title_en": "x",
                "url": "https://example.org/",
                "published_on": datetime.date(2022, 1, 1).isoformat(),
                "version": "1",
            },
        }

    def test_anonymous_and_wrong_roles_are_refused(self):
        assert_posts_refused(self, self.pages, (FORUM_MEMBER, FOCAL_POINT))
        self.assertEqual(IRMAssessment.objects.get().notes_en, "Kept.")
        self.assertEqual(
            (IRMAssessment.objects.get().version, IRMReport.objects.get().version), (1, 1)
        )
        self.assertEqual(IRMReport.objects.get().title_en, "Kept")


class AdminCountsInTheVersionTests(TestCase):
    """A change made in the admin makes a report page opened before it stale, as a change
    made in the workspace does: the report and each finding go through `commitments.irm`."""

    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        cls.report = make_irm_report(plan=make_plan(number=5))
        cls.finding = make_irm_finding(report=cls.report)

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_saving_the_report_in_the_admin_raises_its_version(self):
        url = admin_url(IRMReport, "change", self.report.pk)
        data = change_form_data(self.client.get(url))
        data["title_en"] = "IRM Action Plan Review, corrected"
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content[:2000]
        report = IRMReport.objects.get(pk=self.report.pk)
        assert report.title_en == "IRM Action Plan Review, corrected"
        assert report.version == self.report.version + 1

    def test_a_finding_changed_or_deleted_in_the_admin_raises_its_reports_version(self):
        url = admin_url(IRMFinding, "change", self.finding.pk)
        data = change_form_data(self.client.get(url))
        data["verdict"] = RequirementVerdict.NOT_MET
        assert self.client.post(url, data).status_code == 302
        assert IRMReport.objects.get(pk=self.report.pk).version == self.report.version + 1
        url = admin_url(IRMFinding, "delete", self.finding.pk)
        assert self.client.post(url, {"post": "yes"}).status_code == 302
        assert not IRMFinding.objects.exists()
        assert IRMReport.objects.get(pk=self.report.pk).version == self.report.version + 2
