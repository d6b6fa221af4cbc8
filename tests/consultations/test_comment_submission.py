"""Commenting without an account: the form, the receipt, exactly once, window boundaries,
forged fields. Posts go to consultations:comment and end on consultations:receipt (PRG)."""

import dataclasses
import datetime
import uuid
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from consultations import models as consultation_models
from consultations.forms import read_form_token
from consultations.models import Comment, CommentPart, ModerationState
from consultations.services import CommentData, WindowClosed, submit_comment
from tests.factories import make_comment, make_commitment, make_milestone, make_window
from tests.helpers import (
    comment_post,
    form_token,
    in_threads,
    make_open_window,
    waiting_for_sqlite,
)

AMMAN = ZoneInfo("Asia/Amman")


class CommentFormPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()

    def setUp(self):
        cache.clear()

    def url(self, language="ar"):
        return f"/{language}/consultations/{self.window.pk}/"

    def token_url(self):
        return reverse("consultations:comment_token", args=[self.window.pk])

    def test_open_window_shows_the_form_and_where_to_get_its_token(self):
        response = self.client.get(self.url())
        self.assertContains(response, '<input type="hidden" name="form_token"')
        self.assertContains(response, 'name="body"')
        self.assertContains(response, reverse("consultations:comment", args=[self.window.pk]))
        self.assertContains(response, f'data-token-url="{self.token_url()}"')
        # Nothing personal in the page: it is the same for everyone, and cached.
        self.assertContains(response, 'name="form_token" value=""')
        self.assertContains(response, 'name="csrfmiddlewaretoken" value=""')
        self.assertNotIn("csrftoken", response.cookies)

    def test_the_token_endpoint_hands_out_a_signed_token_and_a_csrf_value(self):
        response = self.client.get(self.token_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        tokens = response.json()
        self.assertTrue(tokens["csrf"])
        self.assertIn("csrftoken", response.cookies)
        token, age = read_form_token(tokens["form_token"], self.window)
        self.assertLessEqual(age, 1)

    def test_each_visitor_gets_its_own_token(self):
        first = self.client.get(self.token_url()).json()["form_token"]
        second = self.client.get(self.token_url()).json()["form_token"]
        self.assertNotEqual(first, second)

    def test_no_token_for_a_closed_window(self):
        closed = make_window(opens_at=timezone.now() - datetime.timedelta(days=30))
        response = self.client.get(reverse("consultations:comment_token", args=[closed.pk]))
        self.assertEqual(response.status_code, 409)

    def test_closed_and_upcoming_windows_show_no_form(self):
        now = timezone.now()
        closed = make_window(opens_at=now - datetime.timedelta(days=30))
        upcoming = make_window(opens_at=now + datetime.timedelta(days=3))
        for window in (closed, upcoming):
            response = self.client.get(f"/en/consultations/{window.pk}/")
            self.assertNotContains(response, 'name="form_token"')

    def test_comment_page_for_one_commitment_fixes_the_commitment(self):
        response = self.client.get(
            reverse("consultations:comment", args=[self.window.pk]) + f"?commitment={self.first.pk}"
        )
        form = response.context["form"]
        self.assertTrue(form["commitment"].is_hidden)
        offered = [value for value, _label in form.fields["milestone"].choices if value != ""]
        self.assertEqual(offered, [m.pk for m in self.first.milestones.order_by("number")])


class SubmitThroughThePageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()

    def setUp(self):
        cache.clear()

    def post(self, language="ar", **overrides):
        return self.client.post(
            f"/{language}/consultations/{self.window.pk}/comment/",
            comment_post(self.window, **overrides),
        )

    def test_a_comment_ends_on_its_receipt_and_waits_for_moderation(self):
        response = self.post(
            body="البيانات المفتوحة مهمة\nسطر ثان",
            commitment=str(self.first.pk),
            part=CommentPart.PROBLEM,
            author_name="سلمى",
            show_name="on",
            author_email="salma@example.org",
            sector="civil_society",
            region="irbid",
        )
        comment = Comment.objects.get()
        self.assertRedirects(response, f"/ar/consultations/receipt/{comment.submission_token}/")
        self.assertEqual(comment.state, ModerationState.PENDING)
        self.assertEqual(comment.commitment, self.first)
        self.assertEqual(comment.part, CommentPart.PROBLEM)
        self.assertTrue(comment.show_name)
        self.assertEqual((comment.sector, comment.region), ("civil_society", "irbid"))
        receipt = self.client.get(response["Location"])
        self.assertContains(receipt, comment.tracking_number)
        self.assertContains(receipt, "noindex", count=0)  # header, not body
        self.assertEqual(receipt["X-Robots-Tag"], "noindex")
        # Pending: not on the public page yet.
        page = self.client.get(f"/ar/consultations/{self.window.pk}/")
        self.assertNotContains(page, "البيانات المفتوحة مهمة")

    def test_a_milestone_comment(self):
        milestone = self.first.milestones.get()
        self.post(
            commitment=str(self.first.pk), part=CommentPart.MILESTONES, milestone=str(milestone.pk)
        )
        self.assertEqual(Comment.objects.get().milestone, milestone)

    def test_the_same_form_posted_twice_stores_one_comment_and_shows_one_receipt(self):
        data = comment_post(self.window)
        url = f"/ar/consultations/{self.window.pk}/comment/"
        first = self.client.post(url, data)
        second = self.client.post(url, data)
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual(first["Location"], second["Location"])

    @override_settings(COMMENT_MODERATION="post")
    def test_post_moderation_publishes_at_once(self):
        self.post(body="تعليق منشور فورا")
        comment = Comment.objects.get()
        self.assertEqual(comment.state, ModerationState.PUBLISHED)
        self.assertContains(
            self.client.get(f"/ar/consultations/{self.window.pk}/"), "تعليق منشور فورا"
        )

    def assert_refused(self, response, message, status=400):
        self.assertEqual(response.status_code, status)
        self.assertContains(response, message, status_code=status)
        self.assertEqual(Comment.objects.count(), 0)

    def test_empty_comment_refused(self):
        self.assert_refused(self.post(language="en", body="   "), "Write your comment.")

    def test_too_long_comment_refused(self):
        self.assert_refused(
            self.post(language="en", body="ب" * 5001),
            "Your comment is too long: 5001 characters, and at most 5000 fit.",
        )

    def test_forged_status_refused(self):
        response = self.post(language="en", status="published", state="published")
        self.assert_refused(response, "This form was changed before it was sent")

    def test_token_of_another_window_refused(self):
        other, _first, _second = make_open_window()
        response = self.post(language="en", form_token=form_token(other))
        self.assert_refused(response, "This form belongs to another consultation.")

    def test_forged_token_refused(self):
        token = form_token(self.window)
        response = self.post(language="en", form_token=token[:-2] + "xx")
        self.assert_refused(response, "This form could not be checked.")

    def test_commitment_not_in_the_window_refused(self):
        outsider = make_commitment(plan=self.window.plan)
        response = self.post(language="en", commitment=str(outsider.pk), part="problem")
        self.assert_refused(
            response, "This commitment is not open for comment in this consultation."
        )

    def test_part_without_a_commitment_refused(self):
        response = self.post(language="en", part="problem")
        self.assert_refused(response, "Choose the commitment this part belongs to")

    def test_milestone_of_another_commitment_refused(self):
        milestone = self.first.milestones.get()
        response = self.post(
            language="en",
            commitment=str(self.second.pk),
            part="milestones",
            milestone=str(milestone.pk),
        )
        self.assert_refused(response, "This milestone is not part of the commitment you chose.")

    def test_unknown_part_and_commitment_refused(self):
        response = self.post(language="en", part="everything", commitment="999999")
        self.assert_refused(response, "This commitment is not open for comment")

    def test_refusal_in_arabic_page_keeps_the_text(self):
        response = self.post(body="ب" * 5001)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "ب" * 100, status_code=400)

    def test_unknown_window_is_404(self):
        response = self.client.post("/ar/consultations/999999/comment/", {})
        self.assertEqual(response.status_code, 404)

    def test_forum_window_takes_no_public_comments(self):
        forum = make_window(audience="forum")
        response = self.client.post(f"/ar/consultations/{forum.pk}/comment/", comment_post(forum))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Comment.objects.count(), 0)


class WindowBoundaryTests(TestCase):
    """The last day is accepted until 23:59:59 in Amman; 00:00:00 the day after is refused,
    whatever the server clock's zone."""

    @classmethod
    def setUpTestData(cls):
        opens = datetime.datetime(2026, 3, 1, 9, tzinfo=AMMAN)
        cls.window = make_window(opens_at=opens)  # 14 days: through 14 March, Amman

    def setUp(self):
        cache.clear()

    def submit(self, moment):
        return submit_comment(
            window=self.window, data=CommentData(body="تعليق"), token=uuid.uuid4(), now=moment
        )

    def test_last_second_accepted_midnight_refused(self):
        _comment, created = self.submit(datetime.datetime(2026, 3, 14, 23, 59, 59, tzinfo=AMMAN))
        self.assertTrue(created)
        with self.assertRaises(WindowClosed):
            self.submit(datetime.datetime(2026, 3, 15, 0, 0, 0, tzinfo=AMMAN))
        self.assertEqual(Comment.objects.count(), 1)

    @override_settings(TIME_ZONE="UTC")
    def test_same_with_the_server_clock_in_utc(self):
        last_second = datetime.datetime(2026, 3, 14, 23, 59, 59, tzinfo=AMMAN).astimezone(
            datetime.UTC
        )
        self.assertEqual(last_second.hour, 20)  # Amman is UTC+3
        self.assertTrue(self.submit(last_second)[1])
        with self.assertRaises(WindowClosed):
            self.submit(last_second + datetime.timedelta(seconds=1))

    def test_through_the_page_with_a_utc_clock(self):
        """A page opened before closing and posted after: refused with a clear message."""
        token = form_token(self.window)
        url = f"/en/consultations/{self.window.pk}/comment/"
        midnight = datetime.datetime(2026, 3, 15, tzinfo=AMMAN).astimezone(datetime.UTC)
        with override_settings(TIME_ZONE="UTC"):
            with mock.patch("django.utils.timezone.now", return_value=midnight):
                refused = self.client.post(url, comment_post(self.window, form_token=token))
            with mock.patch(
                "django.utils.timezone.now",
                return_value=midnight - datetime.timedelta(seconds=1),
            ):
                accepted = self.client.post(url, comment_post(self.window))
        self.assertContains(
            refused, "This consultation closed before your comment arrived", status_code=409
        )
        self.assertEqual(accepted.status_code, 302)
        self.assertEqual(Comment.objects.count(), 1)

    def test_before_opening_refused(self):
        with self.assertRaises(WindowClosed):
            self.submit(self.window.opens_at - datetime.timedelta(seconds=1))


class TrackingNumberTests(TestCase):
    def test_short_and_readable(self):
        number = consultation_models.new_tracking_number(timezone.now())
        self.assertRegex(number, r"^C-\d{4}-[23456789ABCDEFGHJKMNPQRSTWXYZ]{6}$")

    def test_a_collision_draws_again_and_never_fails_the_post(self):
        window, _first, _second = make_open_window()
        taken = make_comment(window=window, tracking_number="C-2026-AAAAAA")
        numbers = iter([taken.tracking_number, taken.tracking_number, "C-2026-BBBBBB"])
        with mock.patch(
            "consultations.services.new_tracking_number", side_effect=lambda _now: next(numbers)
        ):
            comment, created = submit_comment(
                window=window, data=CommentData(body="تعليق جديد"), token=uuid.uuid4()
            )
        self.assertTrue(created)
        self.assertEqual(comment.tracking_number, "C-2026-BBBBBB")

    def test_the_same_token_returns_the_first_comment(self):
        window, first, _second = make_open_window()
        token = uuid.uuid4()
        one, created = submit_comment(window=window, data=CommentData(body="أ"), token=token)
        again, created_again = submit_comment(
            window=window, data=CommentData(body="ب", commitment=first, part="problem"), token=token
        )
        self.assertEqual((one.pk, created, created_again), (again.pk, True, False))
        self.assertEqual(Comment.objects.get().body, "أ")

    def test_forged_data_through_the_service_stores_nothing(self):
        window, first, second = make_open_window()
        other_plan_commitment = make_commitment()
        milestone = make_milestone(commitment=second)
        cases = [
            CommentData(body="x", commitment=other_plan_commitment),
            CommentData(body="x", part="problem"),
            CommentData(body="x", commitment=first, part="milestones", milestone=milestone),
            CommentData(body="   "),
        ]
        for data in cases:
            with self.subTest(data=data), self.assertRaises(ValidationError):
                submit_comment(window=window, data=data, token=uuid.uuid4())
        self.assertEqual(Comment.objects.count(), 0)


def post_in_threads(count, make_args):
    """Run submit_comment `count` times from up to MOST_THREADS threads released together,
    each thread submitting its share one after another; (results, errors)."""
    return in_threads(
        count, lambda index: waiting_for_sqlite(lambda: submit_comment(**make_args(index)))
    )


class ParallelSubmissionTests(TransactionTestCase):
    def test_the_same_token_posted_in_parallel_gives_one_row(self):
        window, _first, _second = make_open_window()
        token = uuid.uuid4()
        results, errors = post_in_threads(
            4, lambda index: {"window": window, "data": CommentData(body="تعليق"), "token": token}
        )
        self.assertEqual(errors, [])
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual({comment.pk for comment, _created in results}, {Comment.objects.get().pk})
        self.assertEqual(sum(created for _comment, created in results), 1)

    def test_100_different_comments_in_parallel_give_100_rows(self):
        if connection.vendor != "postgresql":
            pytest.skip("needs PostgreSQL: SQLite takes one writer at a time")
        window, _first, _second = make_open_window()
        results, errors = post_in_threads(
            100,
            lambda index: {
                "window": window,
                "data": CommentData(body=f"تعليق {index}"),
                "token": uuid.uuid4(),
            },
        )
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 100)
        self.assertEqual(Comment.objects.count(), 100)


class ResendAfterBackTests(TestCase):
    """ "Back" may reload the page with a fresh token while the browser restores the text:
    the same words from the same browser (`sent_before`, the tokens its cookie keeps) within
    the hour are that comment again; the same words from anyone else are another comment."""

    def test_same_text_with_a_new_token_from_the_same_browser_gives_the_same_receipt(self):
        window, first, _second = make_open_window()
        data = CommentData(body="نص", commitment=first, part="problem", author_name="سلمى")
        one, _ = submit_comment(window=window, data=data, token=uuid.uuid4())
        again, created = submit_comment(
            window=window, data=data, token=uuid.uuid4(), sent_before=[one.submission_token]
        )
        self.assertEqual((again.pk, created), (one.pk, False))
        other, created = submit_comment(
            window=window,
            data=CommentData(body="نص آخر"),
            token=uuid.uuid4(),
            sent_before=[one.submission_token],
        )
        self.assertTrue(created)
        self.assertEqual(Comment.objects.count(), 2)

    def test_the_same_text_from_someone_else_is_another_comment(self):
        window, first, _second = make_open_window()
        data = CommentData(body="أوافق على هذا الالتزام", commitment=first, part="problem")
        one, _ = submit_comment(
            window=window, data=dataclasses.replace(data, sector="youth"), token=uuid.uuid4()
        )
        two, created = submit_comment(
            window=window, data=dataclasses.replace(data, region="irbid"), token=uuid.uuid4()
        )
        self.assertTrue(created)
        self.assertNotEqual(one.tracking_number, two.tracking_number)
        self.assertEqual((two.sector, two.region), ("", "irbid"))
        self.assertEqual(Comment.objects.count(), 2)

    def test_after_an_hour_the_same_text_is_a_new_comment(self):
        window, _first, _second = make_open_window()
        data = CommentData(body="أؤيد")
        one, _ = submit_comment(window=window, data=data, token=uuid.uuid4())
        later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
        window.closes_at = later + datetime.timedelta(days=1)
        window.save()
        _comment, created = submit_comment(
            window=window,
            data=data,
            token=uuid.uuid4(),
            now=later,
            sent_before=[one.submission_token],
        )
        self.assertTrue(created)
