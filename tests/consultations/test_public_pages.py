"""The public pages that show comments: the commitment page (its consultation block) and the
window page. Hidden and pending comments and unpublished responses stay private; user text is
inert; the query count does not grow with the number of comments."""

import uuid

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from consultations.models import Comment, HiddenReason, ModerationState
from tests.factories import make_comment, make_published_comment, make_response
from tests.helpers import make_open_window

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class CommitmentPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, cls.other = make_open_window()
        cls.url = cls.commitment.get_absolute_url()

    def setUp(self):
        cache.clear()

    def test_open_window_shows_the_form_for_this_commitment(self):
        response = self.client.get(self.url)
        self.assertContains(response, 'name="form_token"')
        self.assertContains(
            response, f'<input type="hidden" name="commitment" value="{self.commitment.pk}"'
        )

    def test_without_an_open_window_no_form(self):
        other_window, commitment, _ = make_open_window(
            opens_at=timezone.now() - timezone.timedelta(days=40)
        )
        response = self.client.get(commitment.get_absolute_url())
        self.assertNotContains(response, 'name="form_token"')

    def test_only_published_comments_and_public_responses_show(self):
        shown = make_published_comment(
            window=self.window, commitment=self.commitment, body="نص منشور"
        )
        make_response(comment=shown, reason_ar="سبب منشور", published_at=timezone.now())
        draft = make_published_comment(
            window=self.window, commitment=self.commitment, body="نص آخر"
        )
        make_response(comment=draft, reason_ar="مسودة رد")
        make_comment(window=self.window, commitment=self.commitment, body="نص معلق")
        hidden = make_comment(
            window=self.window,
            commitment=self.commitment,
            body="نص مخفي",
            state=ModerationState.HIDDEN,
            hidden_reason=HiddenReason.ABUSIVE,
        )
        make_response(comment=hidden, reason_ar="رد على مخفي", published_at=timezone.now())
        page = self.client.get(self.url).content.decode()
        self.assertIn("نص منشور", page)
        self.assertIn("سبب منشور", page)
        self.assertNotIn("مسودة رد", page)
        self.assertNotIn("نص معلق", page)
        self.assertNotIn("نص مخفي", page)
        self.assertNotIn("رد على مخفي", page)
        self.assertIn(
            "Hidden: Abusive language",
            self.client.get(self.url.replace("/ar/", "/en/")).content.decode(),
        )

    def test_name_shown_only_when_asked_and_email_never(self):
        make_published_comment(
            window=self.window,
            commitment=self.commitment,
            author_name="Hidden Person",
            author_email="secret@example.org",
        )
        make_published_comment(
            window=self.window,
            commitment=self.commitment,
            author_name="Shown Person",
            show_name=True,
        )
        page = self.client.get(self.url).content.decode()
        self.assertIn("Shown Person", page)
        self.assertNotIn("Hidden Person", page)
        self.assertNotIn("secret@example.org", page)

    def test_redacted_comment_shows_the_redacted_text_and_says_so(self):
        make_published_comment(
            window=self.window,
            commitment=self.commitment,
            body="اتصلوا بي على 0791234567",
            redacted_body="اتصلوا بي على [حُذف]",
        )
        response = self.client.get(self.url.replace("/ar/", "/en/"))
        self.assertNotContains(response, "0791234567")
        self.assertContains(response, "[حُذف]")
        self.assertContains(response, "Redacted: personal data was removed")

    def test_xss_payloads_are_inert(self):
        comment = make_published_comment(
            window=self.window,
            commitment=self.commitment,
            body=XSS,
            author_name=XSS,
            show_name=True,
        )
        make_response(comment=comment, reason_ar=XSS, published_at=timezone.now())
        page = self.client.get(self.url).content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertNotIn("<img src=x", page)
        self.assertIn("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", page)

    def create_published(self, count: int, body="تعليق {}", tracking="C-2026-{:06d}"):
        Comment.objects.bulk_create(
            Comment(
                window=self.window,
                commitment=self.commitment,
                body=body.format(index),
                tracking_number=tracking.format(index),
                submission_token=uuid.uuid4(),
                state=ModerationState.PUBLISHED,
                published_at=timezone.now(),
            )
            for index in range(count)
        )

    def test_the_heading_counts_every_visible_comment_and_the_list_shows_twenty(self):
        """25 published and 1 hidden comment count as 26; a pending one and another
        commitment's comment do not; the list shows the newest 20."""
        self.create_published(25)
        make_comment(
            window=self.window,
            commitment=self.commitment,
            state=ModerationState.HIDDEN,
            hidden_reason=HiddenReason.ABUSIVE,
        )
        make_comment(window=self.window, commitment=self.commitment, body="نص معلق")
        make_published_comment(window=self.window, commitment=self.other)
        page = self.client.get(self.url.replace("/ar/", "/en/")).content.decode()
        self.assertIn("<bdi>26</bdi> comments", page)
        self.assertEqual(page.count('class="comment-item"'), 20)

    def test_query_count_does_not_grow_with_comments(self):
        """Guards the N+1 of the commitment page's comment list: each comment's commitment,
        milestone and response come with the list, not one query per comment."""
        self.create_published(10)
        self.client.get(self.url)  # warm caches (sessions, content types)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # the page is cached: measure it rendered
        with CaptureQueriesContext(connection) as small:
            self.assertEqual(self.client.get(self.url).status_code, 200)
        self.create_published(990, body="تعليق إضافي {}", tracking="C-2026-X{:05d}")
        cache.clear()
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(self.url)
        self.assertContains(response, "1000")


class WindowPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _ = make_open_window()

    def test_window_page_lists_visible_comments_with_xss_inert(self):
        make_published_comment(window=self.window, body=XSS)
        make_comment(window=self.window, body="pending text")
        page = self.client.get(self.window.get_absolute_url()).content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn("&lt;script&gt;", page)
        self.assertNotIn("pending text", page)

    def test_window_page_query_count_does_not_grow(self):
        """Guards the N+1 of the window page's comment list (commitment, milestone, response
        per comment), at 5 and 60 comments (three pages)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(5):
            make_published_comment(window=self.window, commitment=self.commitment)
        url = self.window.get_absolute_url()
        self.client.get(url)
        cache.clear()  # the page is cached: measure it rendered
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        for _ in range(55):
            make_published_comment(window=self.window, commitment=self.commitment)
        cache.clear()
        with self.assertNumQueries(len(small.captured_queries)):
            self.client.get(url)

    def test_moderation_policy_page_lists_every_reason(self):
        response = self.client.get("/en/consultations/moderation-policy/")
        for label in HiddenReason.labels:
            self.assertContains(response, label)
