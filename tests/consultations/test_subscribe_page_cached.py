"""The sign-up page for consultation news is served from the page cache like the comment
form's pages: the form it carries has no CSRF value, `subscribe_token` hands one out;
without JavaScript the first post comes back with it and the address kept, and nothing is
sent before the CSRF check passes."""

import re
from unittest import mock

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from consultations import views
from consultations.models import Subscription

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
SIGN_UP = {"email": "reader@example.org", "windows": "on", "reports": "on", "website": ""}


class SubscribePageCacheTests(TestCase):
    def setUp(self):
        # A browser that enforces CSRF, as a real one does, and runs no script.
        self.browser = Client(enforce_csrf_checks=True)
        self.url = "/en/consultations/subscribe/"

    def sign_up(self, data):
        with self.captureOnCommitCallbacks(execute=True):
            return self.browser.post(self.url, data)

    def test_the_page_is_the_same_for_everyone_and_stored(self):
        with mock.patch.object(views, "render", wraps=views.render) as rendered:
            first = self.browser.get(self.url)
            second = Client().get(self.url)
        self.assertEqual(rendered.call_count, 1)
        self.assertEqual(second.content, first.content)
        html = first.content.decode()
        self.assertEqual(CSRF_VALUE.findall(html), [""])
        self.assertIn(f'data-token-url="{reverse("consultations:subscribe_token")}"', html)
        self.assertIn("js/subscribe-form.js", html)
        self.assertNotIn("csrftoken", first.cookies)

    def test_the_sent_page_is_stored_too(self):
        url = reverse("consultations:subscribe_sent")
        with mock.patch.object(views, "render", wraps=views.render) as rendered:
            self.browser.get(url)
            self.assertContains(self.browser.get(url), "Check your inbox.")
        self.assertEqual(rendered.call_count, 1)

    def test_the_token_endpoint_hands_out_a_csrf_value_never_stored(self):
        response = self.browser.get(reverse("consultations:subscribe_token"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertTrue(response.json()["csrf"])
        self.assertIn("csrftoken", response.cookies)

    def test_with_the_token_endpoint_the_first_post_goes_through(self):
        self.browser.get(self.url)
        csrf = self.browser.get(reverse("consultations:subscribe_token")).json()["csrf"]
        response = self.sign_up(SIGN_UP | {"csrfmiddlewaretoken": csrf})
        self.assertRedirects(response, reverse("consultations:subscribe_sent"))
        self.assertEqual(Subscription.objects.get().email, "reader@example.org")
        self.assertEqual(len(mail.outbox), 1)

    def test_without_javascript_the_post_comes_back_filled_in_and_then_goes_through(self):
        self.browser.get(self.url)
        back = self.sign_up(SIGN_UP | {"reports": "", "csrfmiddlewaretoken": ""})
        self.assertEqual(back.status_code, 200)
        self.assertFalse(Subscription.objects.exists())
        self.assertEqual(mail.outbox, [])
        html = back.content.decode()
        self.assertIn("Your sign-up is not sent yet.", html)
        self.assertIn('value="reader@example.org"', html)
        self.assertRegex(html, r'<input type="checkbox" name="windows"[^>]* checked')
        self.assertNotRegex(html, r'<input type="checkbox" name="reports"[^>]* checked')
        (csrf,) = CSRF_VALUE.findall(html)
        self.assertTrue(csrf)
        response = self.sign_up(SIGN_UP | {"reports": "", "csrfmiddlewaretoken": csrf})
        self.assertEqual(response.status_code, 302)
        subscription = Subscription.objects.get()
        self.assertEqual((subscription.windows, subscription.reports), (True, False))

    def test_a_post_with_a_wrong_csrf_value_is_refused_and_sends_nothing(self):
        self.browser.get(reverse("consultations:subscribe_token"))
        response = self.sign_up(SIGN_UP | {"csrfmiddlewaretoken": "x" * 64})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Subscription.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_a_refused_sign_up_comes_back_with_the_visitors_csrf_value(self):
        csrf = self.browser.get(reverse("consultations:subscribe_token")).json()["csrf"]
        response = self.sign_up(SIGN_UP | {"email": "", "csrfmiddlewaretoken": csrf})
        self.assertContains(response, "Write your email address.", status_code=400)
        (value,) = CSRF_VALUE.findall(response.content.decode())
        self.assertTrue(value)
