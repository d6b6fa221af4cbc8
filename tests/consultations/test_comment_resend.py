"""A resend is the same submission, never the same words from someone else.

The same form posted again (its token), or the same browser going "back" and sending the
form again with a fresh token, ends on the first receipt. Two browsers that send the same
words are two comments: two rows, two tracking numbers, each with its own sector and
region, both counted in the report.
"""

import datetime
import time
from unittest import mock

from django.db import OperationalError, connection
from django.test import Client, TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from consultations.models import Comment
from consultations.report import published_comments, report_charts
from consultations.views import SENT_COOKIE
from tests.helpers import comment_post, form_token, in_threads, make_open_window

SUPPORT = "أوافق على هذا الالتزام"


def page_token(client, window) -> str:
    """The form token of the comment form as this browser gets it when it reaches the form
    (the page itself is cached and carries none)."""
    response = client.get(f"/ar/consultations/{window.pk}/comment/token/")
    return response.json()["form_token"]


@override_settings(COMMENT_MIN_FILL_SECONDS=0)
class SameBrowserTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, _second = make_open_window()

    def url(self, language="ar"):
        return f"/{language}/consultations/{self.window.pk}/comment/"

    def send(self, client, **overrides):
        token = page_token(client, self.window)
        data = comment_post(self.window, form_token=token, body=SUPPORT, **overrides)
        return client.post(self.url(), data, REMOTE_ADDR="198.51.100.7")

    def test_the_same_form_sent_twice_is_one_comment(self):
        data = comment_post(self.window, body=SUPPORT)
        first = self.client.post(self.url(), data)
        again = self.client.post(self.url(), data)
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual(first["Location"], again["Location"])

    def test_back_and_send_again_from_the_same_browser_is_one_comment(self):
        first = self.send(self.client, sector="youth", region="irbid")
        # "Back" reloaded the page: a fresh token, the text restored by the browser.
        again = self.send(self.client, sector="youth", region="irbid")
        comment = Comment.objects.get()
        self.assertRedirects(first, f"/ar/consultations/receipt/{comment.submission_token}/")
        self.assertEqual(first["Location"], again["Location"])
        self.assertContains(self.client.get(again["Location"]), comment.tracking_number)

    def test_other_words_from_the_same_browser_are_another_comment(self):
        self.send(self.client)
        second = comment_post(
            self.window, form_token=page_token(self.client, self.window), body="تعليق آخر"
        )
        self.client.post(self.url(), second)
        self.assertEqual(Comment.objects.count(), 2)

    def test_a_corrected_governorate_is_kept_not_dropped(self):
        self.send(self.client, region="irbid")
        self.send(self.client, region="zarqa")
        self.assertEqual(
            sorted(Comment.objects.values_list("region", flat=True)), ["irbid", "zarqa"]
        )

    def test_after_the_hour_the_same_words_are_a_new_comment(self):
        self.send(self.client)
        later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
        with mock.patch("django.utils.timezone.now", return_value=later):
            self.send(self.client)
        self.assertEqual(Comment.objects.count(), 2)

    def test_a_forged_cookie_names_no_earlier_comment(self):
        self.send(self.client)
        self.client.cookies[SENT_COOKIE] = self.client.cookies[SENT_COOKIE].value[:-2] + "xx"
        response = self.send(self.client)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.count(), 2)


@override_settings(COMMENT_MIN_FILL_SECONDS=0)
class TwoBrowsersTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, _second = make_open_window()

    def send(self, client, address, **overrides):
        data = comment_post(
            self.window,
            form_token=page_token(client, self.window),
            body=SUPPORT,
            commitment=str(self.first.pk),
            part="problem",
            **overrides,
        )
        return client.post(
            f"/ar/consultations/{self.window.pk}/comment/", data, REMOTE_ADDR=address
        )

    def test_the_same_words_from_two_browsers_are_two_comments(self):
        one = self.send(Client(), "198.51.100.1", sector="youth", region="irbid")
        two = self.send(Client(), "198.51.100.2", sector="academia", region="karak")
        self.assertNotEqual(one["Location"], two["Location"])
        rows = list(Comment.objects.order_by("created_at", "pk"))
        self.assertEqual(len(rows), 2)
        self.assertEqual(
            [(row.sector, row.region) for row in rows],
            [("youth", "irbid"), ("academia", "karak")],
        )
        self.assertNotEqual(rows[0].tracking_number, rows[1].tracking_number)
        self.assertContains(Client().get(two["Location"]), rows[1].tracking_number)

    def test_the_same_words_and_name_from_two_browsers_are_two_comments(self):
        for address in ("198.51.100.1", "198.51.100.2"):
            self.send(Client(), address, author_name="محمد", author_email="m@example.org")
        self.assertEqual(Comment.objects.count(), 2)

    @override_settings(COMMENT_MODERATION="post")
    def test_both_count_in_the_report(self):
        self.send(Client(), "198.51.100.1", sector="youth", region="irbid")
        self.send(Client(), "198.51.100.2", sector="academia", region="irbid")
        comments = published_comments(self.window)
        self.assertEqual(len(comments), 2)
        charts = {chart.key: chart for chart in report_charts(comments)}
        self.assertEqual([bar.count for bar in charts["commitment"].bars], [2])
        self.assertEqual(sorted(bar.count for bar in charts["sector"].bars), [1, 1])
        self.assertEqual([bar.count for bar in charts["region"].bars], [2])
        report = Client().get(f"/en/consultations/{self.window.pk}/report/")
        self.assertContains(report, SUPPORT, count=2)


def wait_while_locked(execute, sql, params, many, context):
    """SQLite's busy timeout for the in-memory test database: its shared cache reports
    "table is locked" at once where the file database waits (up to 20 seconds), so each
    statement is tried again for a while. The whole request is never sent twice: that
    would count the post twice against its address's rate limit."""
    deadline = time.monotonic() + 20
    while True:
        try:
            return execute(sql, params, many, context)
        except OperationalError as error:
            locked = connection.vendor == "sqlite" and "locked" in str(error)
            if not locked or time.monotonic() > deadline:
                raise
            time.sleep(0.002)


@override_settings(COMMENT_MIN_FILL_SECONDS=0)
class ParallelIdenticalCommentsTests(TransactionTestCase):
    def test_50_browsers_sending_the_same_words_at_once_give_50_comments(self):
        window, _first, _second = make_open_window()
        url = f"/ar/consultations/{window.pk}/comment/"
        count = 50

        def post(index):
            browser = Client()
            data = comment_post(window, form_token=form_token(window), body=SUPPORT)
            address = f"198.51.100.{index + 1}"
            with connection.execute_wrapper(wait_while_locked):
                response = browser.post(url, data, REMOTE_ADDR=address)
            self.assertEqual(response.status_code, 302, response.content[:300])
            return response["Location"]

        locations, errors = in_threads(count, post)
        self.assertEqual(errors, [])
        self.assertEqual(len(set(locations)), count)
        self.assertEqual(Comment.objects.filter(body=SUPPORT).count(), count)
        self.assertEqual(Comment.objects.values("tracking_number").distinct().count(), count)
