"""The comment form on cached pages: the commitment and window pages are stored whole, the
form's tokens come from the token endpoint; without JavaScript the form still sends (the
first post comes back with its tokens and the text kept). A refused post comes back on the
page it came from, with a summary of every message linked to its field, and nothing is cut
or saved. Citizens' text and names are isolated by direction."""

import re

from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from consultations.models import Comment
from tests.factories import make_meeting, make_published_comment, make_response
from tests.helpers import comment_post, make_open_window

HIDDEN_VALUE = re.compile(r'name="(csrfmiddlewaretoken|form_token)" value="([^"]*)"')


def hidden_values(html: str) -> dict:
    values = dict(HIDDEN_VALUE.findall(html))
    token = re.search(r'<input type="hidden" name="form_token" value="([^"]*)"', html)
    if token:
        values["form_token"] = token.group(1)
    return values


@override_settings(COMMENT_MIN_FILL_SECONDS=0)
class WithoutJavaScriptTests(TestCase):
    """A browser that enforces CSRF, as a real one does, and runs no script."""

    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _other = make_open_window()

    def setUp(self):
        cache.clear()
        self.browser = Client(enforce_csrf_checks=True)
        self.url = reverse("consultations:comment", args=[self.window.pk])

    def test_a_post_without_tokens_comes_back_filled_in_and_then_goes_through(self):
        page = self.browser.get(self.commitment.get_absolute_url())
        self.assertContains(page, 'action="' + self.url + '#comment-form"')
        data = comment_post(
            self.window,
            form_token="",
            commitment=str(self.commitment.pk),
            origin="commitment",
            body="تعليق من متصفح بلا جافاسكربت",
            author_name="سلمى",
        )
        data["csrfmiddlewaretoken"] = ""
        back = self.browser.post(self.url, data)
        self.assertEqual(back.status_code, 200)
        self.assertEqual(Comment.objects.count(), 0)
        html = back.content.decode()
        self.assertIn("تعليق من متصفح بلا جافاسكربت", html)
        self.assertIn('class="section commitment-consultation"', html)  # the commitment page
        values = hidden_values(html)
        self.assertTrue(values["csrfmiddlewaretoken"])
        self.assertTrue(values["form_token"])
        data.update(values)
        sent = self.browser.post(self.url, data)
        self.assertEqual(sent.status_code, 302)
        comment = Comment.objects.get()
        self.assertEqual(comment.commitment, self.commitment)
        self.assertEqual(comment.author_name, "سلمى")

    def test_a_post_with_a_token_but_no_csrf_is_refused(self):
        data = comment_post(self.window)
        response = self.browser.post(self.url, data)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Comment.objects.count(), 0)

    def test_with_the_token_endpoint_the_first_post_goes_through(self):
        tokens = self.browser.get(self.url + "token/").json()
        data = comment_post(
            self.window, form_token=tokens["form_token"], csrfmiddlewaretoken=tokens["csrf"]
        )
        self.assertEqual(self.browser.post(self.url, data).status_code, 302)
        self.assertEqual(Comment.objects.count(), 1)

    def test_the_form_page_of_its_own_carries_its_tokens(self):
        page = self.browser.get(self.url + f"?commitment={self.commitment.pk}")
        values = hidden_values(page.content.decode())
        self.assertTrue(values["csrfmiddlewaretoken"])
        self.assertTrue(values["form_token"])
        self.assertIn("no-store", page["Cache-Control"])


class RefusedPostTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _other = make_open_window()

    def setUp(self):
        cache.clear()

    def post(self, **overrides):
        return self.client.post(
            f"/en/consultations/{self.window.pk}/comment/", comment_post(self.window, **overrides)
        )

    def test_a_refusal_from_the_commitment_page_comes_back_on_it_with_a_summary(self):
        response = self.post(body="  ", commitment=str(self.commitment.pk), origin="commitment")
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn('class="section commitment-consultation"', html)
        self.assertIn('id="comment-errors"', html)
        self.assertIn('<a href="#id_body">Write your comment.</a>', html)
        self.assertIn('aria-invalid="true"', html)
        self.assertIn(f'<input type="hidden" name="commitment" value="{self.commitment.pk}"', html)
        self.assertEqual(Comment.objects.count(), 0)

    def test_a_refusal_from_the_window_page_comes_back_on_it(self):
        response = self.post(body="")
        self.assertContains(response, "Comments and our responses", status_code=400)
        self.assertContains(response, '<a href="#id_body">Write your comment.</a>', status_code=400)

    def test_a_long_paste_is_refused_whole_never_cut(self):
        text = "ب" * 20_000
        response = self.post(body=text, commitment=str(self.commitment.pk), origin="commitment")
        self.assertContains(response, "20000 characters, and at most 5000 fit", status_code=400)
        self.assertContains(response, text, status_code=400)  # kept whole in the form
        textarea = re.search(r"<textarea [^>]*>", response.content.decode()).group(0)
        self.assertNotIn("maxlength", textarea)
        self.assertEqual(Comment.objects.count(), 0)

    def test_the_form_offers_a_character_count_and_no_browser_limit(self):
        page = self.client.get(self.commitment.get_absolute_url()).content.decode()
        self.assertIn('data-limit="5000"', page)
        self.assertIn('id="id_body_count"', page)
        self.assertNotIn("maxlength", re.search(r"<textarea [^>]*>", page).group(0))


class DirectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _other = make_open_window()
        comment = make_published_comment(
            window=cls.window,
            commitment=cls.commitment,
            body="اتصلوا بنا على +962 6 4644466 للمزيد",
            author_name="Salma K.",
            show_name=True,
        )
        make_response(
            comment=comment,
            outcome="partly_accepted",
            reason_ar="سنضيف الرقم 06-4644466 إلى الصفحة",
            published_at=timezone.now(),
        )

    def test_numbers_and_names_are_isolated_and_the_badge_is_inline(self):
        for url in (self.commitment.get_absolute_url(), self.window.get_absolute_url()):
            cache.clear()
            html = self.client.get(url).content.decode()
            self.assertIn('<bdi dir="ltr">+962 6 4644466</bdi>', html)
            self.assertIn('<bdi dir="ltr">06-4644466</bdi>', html)
            self.assertIn('<bdi class="comment-author">Salma K.</bdi>', html)
            self.assertIn('class="response-outcome response-outcome-partly_accepted"', html)


class EveryPublicPageCachedTests(TestCase):
    def test_the_meeting_page_is_served_from_the_cache(self):
        meeting = make_meeting(minutes_state="published", minutes_published_at=timezone.now())
        cache.clear()
        first = self.client.get(meeting.get_absolute_url())
        self.assertEqual(first.status_code, 200)
        with self.assertNumQueries(0):
            second = self.client.get(meeting.get_absolute_url())
        self.assertEqual(first.content, second.content)
