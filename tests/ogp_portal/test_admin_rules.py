"""The Django admin keeps the rules the workspace keeps.

A superuser's admin POST that breaks a rule is refused (a form error, or 403 where the
admin only reads) and changes nothing; one that keeps the rule is saved through the same
service as the workspace. Lifecycles with side effects (minutes, moderation, publication of
responses, windows' dates) are read-only here.

`CHECKED` names, for every model admin of the domain apps, the test that covers its rules
(here or in test_admin_services.py), or why it has none; a new admin fails
`test_every_model_admin_is_checked` until it is added there.
"""

import datetime
from pathlib import Path

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from commitments.models import ApprovalLetter, Commitment, Milestone, ProgressReport
from consultations.models import Comment, CommentWindow, Response, Subscription
from meetings.models import AgendaItem, Attendance, Meeting, Membership, Outcome
from plans.models import Document
from tests.factories import (
    make_agenda_item,
    make_approval_letter,
    make_attachment,
    make_attendance,
    make_body,
    make_comment,
    make_commitment,
    make_meeting,
    make_membership,
    make_milestone,
    make_one_of_everything,
    make_organisation,
    make_outcome,
    make_person,
    make_plan,
    make_progress_report,
    make_published_meeting,
    make_remark,
    make_response,
    make_subscription,
    make_user,
    make_window,
)
from tests.helpers import admin_url, change_form_data, our_admins

SERVICES_TESTS = Path(__file__).with_name("test_admin_services.py")

# Model admin → (test module, None for this one; the test that covers its rules), or the
# reason it has no rule to keep.
CHECKED = {
    "plans.ActionPlan": (SERVICES_TESTS, "test_plan_status_and_public_flag_are_read_only"),
    "plans.MethodologyStage": (SERVICES_TESTS, "test_stage_status_and_actual_dates_are_read_only"),
    "plans.Organisation": "plain data: names, sector, website, focal points",
    "plans.OrganisationName": "read only: names the import remembered, deleted if wrong",
    "plans.Document": (None, "test_a_public_document_needs_its_time"),
    "plans.PlanPublication": (None, "test_read_only_admins_write_nothing"),
    "plans.PlanPdf": (None, "test_read_only_admins_write_nothing"),
    "commitments.PolicyArea": "plain data: two names",
    "commitments.Commitment": (None, "test_commitment_inline_milestone_weights_must_add_up"),
    "commitments.Milestone": (None, "test_a_milestone_edit_keeps_the_weights_rule"),
    "commitments.ApprovalLetter": (None, "test_a_letter_reply_goes_through_the_service"),
    "commitments.IRMAssessment": "plain data, saved through commitments.irm.save_irm_assessment",
    "commitments.IRMReport": "plain data: the IRM's own report and findings, copied in",
    "commitments.CivilSocietyRating": "read only: civil society's own word, see test_civil_society",
    "commitments.ProgressReport": (None, "test_read_only_admins_write_nothing"),
    "meetings.Body": "plain data, saved through meetings.services.save_body",
    "meetings.Person": "plain data: a name, an email, a phone",
    "meetings.Membership": (None, "test_a_second_seat_is_refused"),
    "meetings.Meeting": (None, "test_published_minutes_are_locked_in_the_admin"),
    "meetings.Attendance": (None, "test_rows_of_published_minutes_are_locked"),
    "meetings.AgendaItem": (None, "test_rows_of_published_minutes_are_locked"),
    "meetings.Outcome": (None, "test_rows_of_published_minutes_are_locked"),
    "meetings.Attachment": (None, "test_rows_of_published_minutes_are_locked"),
    "meetings.Remark": (None, "test_read_only_admins_write_nothing"),
    "consultations.CommentWindow": (None, "test_a_window_keeps_its_plan_and_audience_rules"),
    "consultations.Announcement": "plain data: where a window was announced",
    "consultations.Comment": (None, "test_read_only_admins_write_nothing"),
    "consultations.Response": (None, "test_a_response_goes_through_save_response"),
    "consultations.Subscription": (None, "test_read_only_admins_write_nothing"),
    "consultations.CommentGroup": (None, "test_read_only_admins_write_nothing"),
    "consultations.Theme": (None, "test_read_only_admins_write_nothing"),
    "commitments.IRMFinding": "plain data: the IRM's own finding, copied in",
    "audit.AuditEvent": (None, "test_read_only_admins_write_nothing"),
}


class AdminRulesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)

    def setUp(self):
        self.client.force_login(self.superuser)

    def change_page(self, obj):
        return admin_url(type(obj), "change", obj.pk)

    def post_change(self, obj, **changes):
        """The change page posted back as the browser would, with `changes` typed in."""
        url = self.change_page(obj)
        data = change_form_data(self.client.get(url))
        data.update(changes)
        return self.client.post(url, {**data, "_save": "Save"})

    def assert_refused_with(self, response, message):
        """The page came back with `message` on the form: nothing was saved."""
        self.assertEqual(response.status_code, 200)
        errors = [str(message) for messages in response.context["errors"] for message in messages]
        self.assertTrue(any(message in error for error in errors), errors)


class EveryAdminIsCheckedTest(TestCase):
    def test_every_model_admin_is_checked(self):
        registered = {model._meta.label for model in our_admins()}
        self.assertEqual(registered - CHECKED.keys(), set(), "add the new admin to CHECKED")
        self.assertEqual(CHECKED.keys() - registered, set())

    def test_every_named_test_exists(self):
        for label, entry in CHECKED.items():
            if isinstance(entry, str):
                continue
            module, name = entry
            text = Path(module or __file__).read_text()
            with self.subTest(label):
                self.assertIn(f"def {name}(", text)


class CommitmentRulesTest(AdminRulesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.lead = make_organisation()
        cls.other = make_organisation()
        cls.commitment = make_commitment(lead_institution=cls.lead)
        cls.milestone = make_milestone(commitment=cls.commitment, number=1, weight=100)

    def test_commitment_inline_milestone_weights_must_add_up(self):
        response = self.post_change(self.commitment, **{"milestones-0-weight": "60"})
        self.assertEqual(response.status_code, 200)
        formset = response.context["inline_admin_formsets"][0].formset
        self.assertIn("add up to 100", " ".join(formset.non_form_errors()))
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.weight, 100)
        self.assertEqual(Commitment.objects.get(pk=self.commitment.pk).version, 1)

    def test_commitment_inline_saves_milestones_that_add_up(self):
        response = self.post_change(
            self.commitment,
            **{
                "milestones-0-weight": "60",
                "milestones-TOTAL_FORMS": "2",
                "milestones-1-number": "2",
                "milestones-1-title_ar": "معلم ثان",
                "milestones-1-starts_on": "2022-07-01",
                "milestones-1-ends_on": "2022-12-31",
                "milestones-1-weight": "40",
            },
        )
        self.assertEqual(response.status_code, 302)
        weights = list(
            self.commitment.milestones.order_by("number").values_list("weight", "number")
        )
        self.assertEqual(weights, [(60, 1), (40, 2)])
        added = self.commitment.milestones.get(number=2)
        self.assertEqual(added.history.get().history_user, self.superuser)

    def test_the_letter_inline_cannot_address_another_organisation(self):
        letter = make_approval_letter(commitment=self.commitment, organisation=self.lead)
        response = self.post_change(
            self.commitment,
            **{
                "approval_letters-TOTAL_FORMS": "2",
                "approval_letters-INITIAL_FORMS": "1",
                "approval_letters-0-id": str(letter.pk),
                "approval_letters-0-organisation": str(self.other.pk),
                "approval_letters-1-organisation": str(self.other.pk),
                "approval_letters-1-reference": "MoPIC/1",
                "approval_letters-1-sent_on": "2022-01-01",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(ApprovalLetter.objects.values_list("organisation", flat=True)), [self.lead.pk]
        )

    def test_a_milestone_edit_keeps_the_weights_rule(self):
        response = self.post_change(self.milestone, weight="50")
        self.assert_refused_with(response, "add up to 50; they must add up to 100")
        self.milestone.refresh_from_db()
        self.assertEqual((self.milestone.weight, self.milestone.version), (100, 1))

        response = self.post_change(self.milestone, title_en="Guide", commitment="999")
        self.assertEqual(response.status_code, 302)
        self.milestone.refresh_from_db()
        self.assertEqual((self.milestone.title_en, self.milestone.version), ("Guide", 2))
        self.assertEqual(self.milestone.commitment, self.commitment)
        # Saved as the workspace spreadsheet saves it: the commitment's version moves on.
        self.assertEqual(Commitment.objects.get(pk=self.commitment.pk).version, 2)

    def test_a_milestone_added_alone_keeps_the_numbering_and_weights(self):
        url = admin_url(Milestone, "add")
        row = {
            "commitment": self.commitment.pk,
            "title_ar": "معلم جديد",
            "starts_on": "2022-01-01",
            "ends_on": "2022-03-31",
            "_save": "Save",
        }
        response = self.client.post(url, {**row, "number": "3", "weight": "0"})
        self.assert_refused_with(response, "number new milestones on from 2")
        response = self.client.post(url, {**row, "number": "2", "weight": "10"})
        self.assert_refused_with(response, "add up to 110")
        self.assertEqual(self.commitment.milestones.count(), 1)

        empty = make_commitment()
        response = self.client.post(
            url, {**row, "commitment": empty.pk, "number": "1", "weight": "100"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(empty.milestones.get().history.get().history_user, self.superuser)

    def test_a_letter_reply_goes_through_the_service(self):
        letter = make_approval_letter(commitment=self.commitment, organisation=self.lead)
        response = self.post_change(letter, decision="pending", received_on="2022-02-01")
        self.assert_refused_with(response, "Choose the agency's decision.")
        response = self.post_change(letter, decision="approved", received_on="")
        self.assertEqual(response.status_code, 200)
        letter.refresh_from_db()
        self.assertEqual((letter.decision, letter.version), ("pending", 1))

        response = self.post_change(
            letter, decision="approved", received_on="2022-02-01", organisation=str(self.other.pk)
        )
        self.assertEqual(response.status_code, 302)
        letter.refresh_from_db()
        self.assertEqual((letter.decision, letter.version), ("approved", 2))
        self.assertEqual(letter.received_on, datetime.date(2022, 2, 1))
        self.assertEqual(letter.organisation, self.lead)
        self.assertEqual(letter.history.latest().history_user, self.superuser)


class MeetingRulesTest(AdminRulesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(title_en="Forum")
        cls.published = make_published_meeting(title_en="Published")
        cls.item = make_agenda_item(meeting=cls.published)
        cls.rows = [
            make_attendance(meeting=cls.published),
            cls.item,
            make_outcome(meeting=cls.published),
            make_attachment(agenda_item=cls.item),
        ]

    def test_the_minutes_lifecycle_is_read_only_in_the_admin(self):
        form = self.client.get(self.change_page(self.meeting)).context["adminform"].form
        self.assertEqual({"minutes_state", "minutes_published_at"} & set(form.fields), set())
        response = self.post_change(
            self.meeting,
            title_en="Forum, second session",
            minutes_state="published",
            minutes_published_at_0="2022-01-01",
            minutes_published_at_1="10:00",
        )
        self.assertEqual(response.status_code, 302, response.context and response.context["errors"])
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        self.assertEqual(meeting.title_en, "Forum, second session")
        self.assertEqual((meeting.minutes_state, meeting.minutes_published_at), ("draft", None))
        self.assertEqual(meeting.version, 2)
        self.assertEqual(meeting.history.latest().history_user, self.superuser)
        self.assertEqual(len(mail.outbox), 0)

    def test_published_minutes_are_locked_in_the_admin(self):
        url = self.change_page(self.published)
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(
            url, {"title_en": "Changed", "minutes_en": "Changed", "_save": "Save"}
        )
        self.assertEqual(response.status_code, 403)
        delete = admin_url(Meeting, "delete", self.published.pk)
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        meeting = Meeting.objects.get(pk=self.published.pk)
        self.assertEqual(
            (meeting.title_en, meeting.minutes_en, meeting.version), ("Published", "", 1)
        )

    def test_rows_of_published_minutes_are_locked(self):
        for row in self.rows:
            with self.subTest(type(row).__name__):
                response = self.client.post(self.change_page(row), {"_save": "Save"})
                self.assertEqual(response.status_code, 403)
                delete = admin_url(type(row), "delete", row.pk)
                self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
                self.assertTrue(type(row).objects.filter(pk=row.pk).exists())

    def test_no_row_is_added_to_published_minutes(self):
        person, organisation = make_person(), make_organisation()
        attempts = {
            Attendance: {"meeting": self.published.pk, "order": "9", "person": person.pk,
                         "organisation": organisation.pk, "role": "member", "status": "present"},
            AgendaItem: {"meeting": self.published.pk, "number": "9", "title_ar": "بند"},
            Outcome: {"meeting": self.published.pk, "number": "9", "decision_ar": "قرار",
                      "status": "open"},
        }  # fmt: skip
        for model, data in attempts.items():
            with self.subTest(model.__name__):
                before = model.objects.count()
                response = self.client.post(admin_url(model, "add"), {**data, "_save": "Save"})
                self.assert_refused_with(response, "These minutes are published")
                self.assertEqual(model.objects.count(), before)

    def test_a_row_of_draft_minutes_is_saved_with_who(self):
        response = self.client.post(
            admin_url(AgendaItem, "add"),
            {"meeting": self.meeting.pk, "number": "1", "title_ar": "بند أول", "_save": "Save"},
        )
        self.assertEqual(response.status_code, 302)
        item = AgendaItem.objects.get(meeting=self.meeting)
        self.assertEqual(item.history.get().history_user, self.superuser)

    def test_an_agenda_discussion_is_cleaned_and_bounded_as_in_the_workspace(self):
        item = make_agenda_item(meeting=self.meeting, discussion_en="Kept")
        nested = "<ul><li>" * 2000 + "deep" + "</li></ul>" * 2000
        response = self.post_change(item, discussion_en=nested)
        self.assert_refused_with(response, "nested more than")
        item.refresh_from_db()
        self.assertEqual(item.discussion_en, "Kept")

        response = self.post_change(item, discussion_en="<p>Hi<script>x()</script></p>")
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.discussion_en, "<p>Hi</p>")

    def test_a_second_seat_is_refused(self):
        membership = make_membership()
        url = admin_url(Membership, "add")
        data = {
            "body": membership.body.pk,
            "person": membership.person.pk,
            "organisation": membership.organisation.pk,
            "role": "member",
            "_save": "Save",
        }
        response = self.client.post(url, data)
        self.assert_refused_with(response, "is already a member of this body for this organisation")
        self.assertEqual(Membership.objects.count(), 1)

        response = self.client.post(url, {**data, "organisation": make_organisation().pk})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Membership.objects.count(), 2)

    def test_a_membership_cannot_be_moved_onto_another_seat(self):
        body, person, organisation = make_body(), make_person(), make_organisation()
        make_membership(body=body, person=person, organisation=organisation)
        other = make_membership(body=body, person=person)
        response = self.post_change(other, organisation=str(organisation.pk))
        self.assert_refused_with(response, "is already a member of this body for this organisation")
        other.refresh_from_db()
        self.assertNotEqual(other.organisation, organisation)


class ConsultationRulesTest(AdminRulesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan()
        cls.window = make_window(plan=cls.plan, audience="public")
        cls.commitment = make_commitment(plan=cls.plan)
        cls.foreign = make_commitment()
        cls.comment = make_comment(window=cls.window, state="published", author_email="a@b.jo")

    def test_a_window_keeps_its_plan_and_audience_rules(self):
        closes_at = CommentWindow.objects.get(pk=self.window.pk).closes_at
        self.assertEqual(self.client.get(admin_url(CommentWindow, "add")).status_code, 403)
        response = self.post_change(self.window, commitments=[str(self.foreign.pk)])
        self.assert_refused_with(response, "belongs to another plan")
        response = self.post_change(self.window, audience="forum")
        self.assert_refused_with(response, "who may comment can no longer change")
        window = CommentWindow.objects.get(pk=self.window.pk)
        self.assertEqual((window.audience, list(window.commitments.all())), ("public", []))

        response = self.post_change(
            self.window,
            title_en="Draft commitments",
            commitments=[str(self.commitment.pk)],
            closes_at_0="2030-01-01",
        )
        self.assertEqual(response.status_code, 302)
        window = CommentWindow.objects.get(pk=self.window.pk)
        self.assertEqual(window.title_en, "Draft commitments")
        self.assertEqual(list(window.commitments.all()), [self.commitment])
        self.assertEqual(window.closes_at, closes_at)

    def test_a_response_goes_through_save_response(self):
        response_row = make_response(comment=self.comment, published_at=timezone.now())
        page = self.post_change(response_row, reason_ar="", reason_en="")
        self.assert_refused_with(page, "Give the reason for the response.")
        self.assertIsNotNone(Response.objects.get(pk=response_row.pk).published_at)

        page = self.post_change(response_row, reason_ar="سبب أوضح", published_at_0="")
        self.assertEqual(page.status_code, 302)
        saved = Response.objects.get(pk=response_row.pk)
        # A revised text goes back to draft: the coordinator publishes it in the workspace.
        self.assertEqual((saved.reason_ar, saved.published_at), ("سبب أوضح", None))
        self.assertEqual(saved.responded_by, self.superuser)
        self.assertEqual(len(mail.outbox), 0)

    def test_a_response_added_in_the_admin_is_a_draft(self):
        comment = make_comment(window=self.window, state="published")
        page = self.client.post(
            admin_url(Response, "add"),
            {"comment": comment.pk, "outcome": "accepted", "reason_ar": "", "_save": "Save"},
        )
        self.assert_refused_with(page, "Give the reason for the response.")
        self.assertFalse(Response.objects.filter(comment=comment).exists())
        page = self.client.post(
            admin_url(Response, "add"),
            {"comment": comment.pk, "outcome": "accepted", "reason_ar": "نعم", "_save": "Save"},
        )
        self.assertEqual(page.status_code, 302)
        saved = Response.objects.get(comment=comment)
        self.assertEqual((saved.published_at, saved.responded_by), (None, self.superuser))

    def test_a_subscription_is_ended_through_the_service(self):
        subscription = make_subscription()
        self.client.post(
            admin_url(Subscription, "changelist"),
            {"action": "unsubscribe", "_selected_action": [subscription.pk]},
        )
        subscription.refresh_from_db()
        self.assertIsNotNone(subscription.unsubscribed_at)


class ReadOnlyAdminsTest(AdminRulesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_one_of_everything(cls.superuser)

    def test_read_only_admins_write_nothing(self):
        """Records written by their own lifecycle: a comment (moderated in the workspace), a
        progress report, a member's remark, a subscription (double opt-in), the audit trail,
        the frozen plan publications and cached PDFs."""
        comment = Comment.objects.get()
        changes = {
            comment: {"state": "hidden", "hidden_reason": "spam", "body": "مزور"},
            ProgressReport.objects.get(): {"status": "completed", "progress_percent": "100"},
            make_remark(meeting=make_published_meeting()): {"body": "مزور"},
            Subscription.objects.get(): {"unsubscribed_at_0": "2022-01-01", "email": "x@y.jo"},
        }
        for obj, data in changes.items():
            with self.subTest(type(obj).__name__):
                before = type(obj).objects.filter(pk=obj.pk).values().get()
                response = self.client.post(self.change_page(obj), {**data, "_save": "Save"})
                self.assertEqual(response.status_code, 403)
                self.assertEqual(type(obj).objects.filter(pk=obj.pk).values().get(), before)
        read_only = [
            (model, model_admin)
            for model, model_admin in our_admins().items()
            if CHECKED[model._meta.label] == (None, "test_read_only_admins_write_nothing")
        ]
        self.assertEqual(len(read_only), 9)
        for model, model_admin in read_only:
            with self.subTest(model._meta.label):
                page = self.client.get(self.change_page(model.objects.first()))
                self.assertFalse(model_admin.has_add_permission(page.wsgi_request))
                self.assertEqual(set(page.context["adminform"].form.fields), set())

    def test_a_public_document_needs_its_time(self):
        document = Document.objects.get()
        response = self.post_change(document, is_public="on", published_at_0="", published_at_1="")
        self.assert_refused_with(response, "A public document needs its publication time.")
        self.assertFalse(Document.objects.get(pk=document.pk).is_public)

    def test_a_progress_report_cannot_be_added(self):
        milestone = make_progress_report().milestone
        self.assertEqual(self.client.get(admin_url(ProgressReport, "add")).status_code, 403)
        response = self.client.post(
            admin_url(ProgressReport, "add"), {"milestone": milestone.pk, "_save": "Save"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(ProgressReport.objects.filter(milestone=milestone).count(), 1)
