"""The report's figures (totals, groups, charts) are counted by the write that changes them,
once per commit, so the first reader after a publication finds them counted; a write the
report does not count (a pending comment, a draft answer, a commitment's edit) keeps them;
a published answer taken back to draft leaves the public pages and the report at once."""

from unittest import mock

from django.db import DatabaseError, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commitments import services as commitment_services
from consultations import figures, services
from consultations.models import ModerationState
from core.page_cache import generation
from tests.factories import make_comment, make_response, make_user
from tests.helpers import make_open_window

CHART_QUERY = "UNION ALL"


def chart_counts_run(queries) -> int:
    return sum(CHART_QUERY in query["sql"] for query in queries.captured_queries)


class FiguresCountedByTheWriteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()
        cls.editor = make_user(role="editor")
        cls.coordinator = make_user(role="coordinator")
        cls.published = make_comment(
            window=cls.window,
            commitment=cls.first,
            body="Publish the budget.",
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )
        cls.pending = [
            make_comment(window=cls.window, commitment=cls.second, body=f"Comment {number}")
            for number in range(5)
        ]

    def url(self):
        return "/en" + reverse("consultations:report", kwargs={"pk": self.window.pk})[3:]

    def test_a_moderation_of_many_comments_counts_the_figures_once_after_it_commits(self):
        self.client.get(self.url())
        with (
            CaptureQueriesContext(connection) as during,
            self.captureOnCommitCallbacks(execute=True),
        ):
            services.moderate_comments(comments=self.pending, action="publish", user=self.editor)
        assert chart_counts_run(during) == 1
        with CaptureQueriesContext(connection) as reading:
            page = self.client.get(self.url()).content.decode()
        assert chart_counts_run(reading) == 0
        assert "<bdi>6</bdi> published comments" in page

    def test_a_pending_comment_keeps_the_counted_figures(self):
        self.client.get(self.url())
        with self.captureOnCommitCallbacks(execute=True):
            make_comment(window=self.window, body="Waiting for moderation.")
        with CaptureQueriesContext(connection) as reading:
            self.client.get(self.url())
        assert chart_counts_run(reading) == 0

    def test_a_renumbered_commitment_shows_its_new_number_in_the_chart(self):
        self.client.get(self.url())
        with self.captureOnCommitCallbacks(execute=True):
            commitment_services.make_room_for_numbers(commitments=[self.first])
        self.first.refresh_from_db()
        page = self.client.get(self.url(), {"page": 1}).content.decode()
        assert f"Commitment {self.first.number}" in page

    def test_an_answer_taken_back_to_draft_leaves_the_pages_and_the_report(self):
        response = make_response(
            comment=self.published, reason_en="FIRST-REASON", published_at=timezone.now()
        )
        assert "FIRST-REASON" in self.client.get(self.url()).content.decode()
        window_page = "/en" + reverse("consultations:detail", kwargs={"pk": self.window.pk})[3:]
        assert "FIRST-REASON" in self.client.get(window_page).content.decode()
        before = generation()
        services.save_response(
            comment=response.comment,
            outcome="accepted",
            reason_ar="",
            reason_en="SECOND-REASON",
            user=self.editor,
        )
        assert generation() > before
        for url in (self.url(), window_page):
            page = self.client.get(url).content.decode()
            assert "FIRST-REASON" not in page and "SECOND-REASON" not in page, url

    def test_the_window_page_pages_its_list_by_the_kept_count(self):
        for number in range(19):
            make_comment(
                window=self.window,
                body=f"Published {number}",
                state=ModerationState.PUBLISHED,
                published_at=timezone.now(),
            )
        window_page = "/en" + reverse("consultations:detail", kwargs={"pk": self.window.pk})[3:]
        assert "Older comments" not in self.client.get(window_page).content.decode()
        with self.captureOnCommitCallbacks(execute=True):
            services.moderate_comments(
                comments=self.pending[:1], action="publish", user=self.editor
            )
        with CaptureQueriesContext(connection) as reading:
            page = self.client.get(window_page).content.decode()
        assert "Older comments" in page
        assert not any("COUNT(" in query["sql"] for query in reading.captured_queries)

    def test_a_count_that_fails_after_the_commit_leaves_the_publication_done(self):
        def gone(window_pk):
            raise DatabaseError("the database went away a moment")

        with (
            mock.patch.dict(figures.COUNTS, {"figures": gone}),
            self.assertLogs("django.test", level="ERROR") as logged,
            self.captureOnCommitCallbacks(execute=True),
        ):
            count = services.moderate_comments(
                comments=self.pending[:1], action="publish", user=self.editor
            )
        assert count == 1
        assert "the database went away" in logged.output[0]
        page = self.client.get(self.url()).content.decode()
        assert "<bdi>2</bdi> published comments" in page
