"""Admin changelists run a fixed number of queries whatever the number of rows.

Guards the N+1 a changelist gets when a column reads a related object (`plan`,
`lead_institution`, `commitment` of a milestone, a comment's `response`, a commitment's
`progress` over its milestones, a letter's `is_current` over its commitment's text).
"""

from django.contrib import admin
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalChanges

from tests.factories import (
    make_agenda_item,
    make_announcement,
    make_approval_letter,
    make_attachment,
    make_attendance,
    make_audit_event,
    make_body,
    make_civil_society_rating,
    make_comment_group,
    make_commitment,
    make_document,
    make_irm_assessment,
    make_irm_finding,
    make_meeting,
    make_membership,
    make_milestone,
    make_organisation,
    make_organisation_name,
    make_outcome,
    make_person,
    make_plan,
    make_plan_pdf,
    make_plan_publication,
    make_policy_area,
    make_progress_report,
    make_remark,
    make_response,
    make_subscription,
    make_superuser_with_everything,
    make_theme,
    make_user,
    make_window,
)
from tests.helpers import DOMAIN_APPS as OUR_APPS
from tests.helpers import admin_url


def make_stage():
    from plans.models import MethodologyStage

    return MethodologyStage.objects.create(plan=make_plan(), number=1)


def make_commitment_with_milestones():
    commitment = make_commitment()
    make_milestone(commitment=commitment)
    make_milestone(commitment=commitment, status="completed")
    return commitment


def make_answered_comment():
    return make_response().comment


# One more row of each model, with the related rows its changelist columns read.
MAKERS = {
    "plans.Organisation": make_organisation,
    "plans.OrganisationName": make_organisation_name,
    "plans.ActionPlan": make_plan,
    "plans.MethodologyStage": make_stage,
    "plans.Document": lambda: make_document(plan=make_plan()),
    "commitments.ProgressReport": lambda: make_progress_report(reported_by=make_user()),
    "commitments.PolicyArea": make_policy_area,
    "commitments.Commitment": make_commitment_with_milestones,
    "commitments.Milestone": make_milestone,
    "commitments.ApprovalLetter": make_approval_letter,
    "commitments.IRMAssessment": make_irm_assessment,
    "commitments.IRMReport": lambda: make_irm_finding().report,
    "commitments.CivilSocietyRating": make_civil_society_rating,
    "meetings.Body": lambda: make_body(plan=make_plan()),
    "meetings.Person": lambda: make_person(user=make_user()),
    "meetings.Membership": make_membership,
    "meetings.Meeting": lambda: make_meeting(plan=make_plan()),
    "meetings.Attendance": make_attendance,
    "meetings.AgendaItem": lambda: make_agenda_item(presenter=make_person()),
    "meetings.Outcome": lambda: make_outcome(owner=make_organisation()),
    "consultations.CommentWindow": make_window,
    "consultations.Announcement": make_announcement,
    "consultations.Comment": make_answered_comment,
    "consultations.Response": lambda: make_response(responded_by=make_user()),
    "consultations.Subscription": make_subscription,
    "consultations.CommentGroup": make_comment_group,
    "consultations.Theme": make_theme,
    "commitments.IRMFinding": make_irm_finding,
    "plans.PlanPublication": lambda: make_plan_publication(published_by=make_user()),
    "plans.PlanPdf": make_plan_pdf,
    "meetings.Remark": lambda: make_remark(author=make_user()),
    "meetings.Attachment": make_attachment,
    "audit.AuditEvent": lambda: make_audit_event(user=make_user()),
}


class ChangelistQueryCountTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_superuser_with_everything()

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_every_model_of_the_four_apps_has_a_maker(self):
        registered = {
            model._meta.label
            for model in admin.site._registry
            if model._meta.app_label in OUR_APPS and not issubclass(model, HistoricalChanges)
        }
        self.assertEqual(set(MAKERS), registered)

    def count_changelist_queries(self, model):
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(admin_url(model, "changelist"))
        self.assertEqual(response.status_code, 200)
        return response.context["cl"].result_count, queries

    def test_changelist_query_count_does_not_grow_with_rows(self):
        for model in admin.site._registry:
            label = model._meta.label
            if label not in MAKERS:
                continue
            with self.subTest(label):
                small_rows, small = self.count_changelist_queries(model)
                for _ in range(3):
                    MAKERS[label]()
                large_rows, large = self.count_changelist_queries(model)
                self.assertEqual(large_rows, small_rows + 3)
                self.assertEqual(
                    len(large),
                    len(small),
                    msg="\n".join(query["sql"] for query in large.captured_queries),
                )
