"""Moderation and responses in the workspace: the role matrix (GET and POST; refused POSTs
change nothing), bulk actions, who and when, redaction, publishing and the email."""

from django.core import mail
from django.test import TestCase
from django.urls import reverse

from consultations.models import Comment, HiddenReason, ModerationState, Response
from tests.factories import make_comment, make_response, make_user
from tests.helpers import make_open_window

XSS = "<script>alert(1)</script>"


class ModerationMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _ = make_open_window()
        cls.comment = make_comment(window=cls.window, body="نص", author_email="a@example.org")
        cls.users = {
            role: make_user(role=role)
            for role in ("coordinator", "editor", "focal_point", "forum_member")
        }
        cls.list_url = reverse("manage:consultation_comments")
        cls.detail_url = reverse("manage:consultation_comment", args=[cls.comment.pk])

    def test_anonymous_goes_to_sign_in(self):
        for url in (self.list_url, self.detail_url):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("manage:login"), response["Location"])
        self.client.post(self.list_url, {"action": "publish", "comments": [self.comment.pk]})
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.state, ModerationState.PENDING)

    def test_roles_without_moderation_get_403_and_change_nothing(self):
        for role in ("focal_point", "forum_member"):
            self.client.force_login(self.users[role])
            self.assertEqual(self.client.get(self.list_url).status_code, 403)
            self.assertEqual(self.client.get(self.detail_url).status_code, 403)
            response = self.client.post(
                self.list_url, {"action": "publish", "comments": [self.comment.pk]}
            )
            self.assertEqual(response.status_code, 403)
            self.comment.refresh_from_db()
            self.assertEqual(self.comment.state, ModerationState.PENDING)

    def test_editor_and_coordinator_moderate(self):
        for role in ("editor", "coordinator"):
            self.client.force_login(self.users[role])
            self.assertContains(self.client.get(self.list_url), self.comment.tracking_number)
            self.assertContains(self.client.get(self.detail_url), "نص")

    def test_bulk_publish_records_who_and_when(self):
        second = make_comment(window=self.window, body="ثان")
        self.client.force_login(self.users["editor"])
        response = self.client.post(
            self.list_url, {"action": "publish", "comments": [self.comment.pk, second.pk]}
        )
        self.assertEqual(response.status_code, 302)
        for comment in (self.comment, second):
            comment.refresh_from_db()
            self.assertEqual(comment.state, ModerationState.PUBLISHED)
            self.assertEqual(comment.moderated_by, self.users["editor"])
            self.assertIsNotNone(comment.moderated_at)
            self.assertIsNotNone(comment.published_at)

    def test_hiding_needs_a_reason(self):
        self.client.force_login(self.users["editor"])
        response = self.client.post(
            self.list_url, {"action": "hide", "comments": [self.comment.pk], "reason": ""}
        )
        self.assertContains(response, "Choose the reason for hiding", status_code=400)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.state, ModerationState.PENDING)
        self.client.post(
            self.list_url,
            {"action": "hide", "comments": [self.comment.pk], "reason": HiddenReason.SPAM},
        )
        self.comment.refresh_from_db()
        self.assertEqual(
            (self.comment.state, self.comment.hidden_reason),
            (ModerationState.HIDDEN, HiddenReason.SPAM),
        )

    def test_redaction_keeps_the_original(self):
        self.client.force_login(self.users["editor"])
        self.client.post(self.detail_url, {"step": "redact", "public_text": "نص [حُذف]"})
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.body, "نص")
        self.assertEqual(self.comment.public_body, "نص [حُذف]")
        self.assertEqual(self.comment.redacted_by, self.users["editor"])

    def test_editor_drafts_coordinator_publishes_and_the_commenter_is_emailed(self):
        Comment.objects.filter(pk=self.comment.pk).update(state=ModerationState.PUBLISHED)
        self.client.force_login(self.users["editor"])
        self.client.post(
            self.detail_url,
            {"step": "response", "outcome": "accepted", "reason_ar": XSS, "reason_en": ""},
        )
        response = Response.objects.get()
        self.assertIsNone(response.published_at)
        refused = self.client.post(self.detail_url, {"step": "publish_response"})
        self.assertEqual(refused.status_code, 403)
        response.refresh_from_db()
        self.assertIsNone(response.published_at)
        self.assertEqual(len(mail.outbox), 0)

        self.client.force_login(self.users["coordinator"])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.detail_url, {"step": "publish_response"})
        response.refresh_from_db()
        self.assertEqual(response.published_by, self.users["coordinator"])
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, ["a@example.org"])
        # Plain text only, no HTML part: the payload is shown as typed, never run.
        self.assertEqual(email.content_subtype, "plain")
        self.assertNotIsInstance(email, mail.EmailMultiAlternatives)
        self.assertIn(XSS, email.body)
        self.assertIn(self.comment.tracking_number, email.body)

    def test_a_response_to_an_unpublished_comment_cannot_be_published(self):
        make_response(comment=self.comment)
        self.client.force_login(self.users["coordinator"])
        response = self.client.post(self.detail_url, {"step": "publish_response"})
        self.assertEqual(response.status_code, 400)
        self.assertIsNone(Response.objects.get().published_at)
