"""Anti-abuse without outside services: honeypot, minimum fill time, links, length, and a
per-address rate limit kept in the shared cache, so that it holds across worker processes."""

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from django.core.cache import cache
from django.test import TestCase, override_settings

from consultations.models import Comment
from tests.helpers import comment_post, form_token, make_open_window

ROOT = Path(__file__).resolve().parents[2]


class AntiAbuseTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()

    def setUp(self):
        cache.clear()

    def post(self, address="198.51.100.7", **overrides):
        return self.client.post(
            f"/en/consultations/{self.window.pk}/comment/",
            comment_post(self.window, **overrides),
            REMOTE_ADDR=address,
        )

    def test_honeypot_filled_is_refused(self):
        response = self.post(website="http://spam.example")
        self.assertContains(response, "Your comment could not be accepted", status_code=400)
        self.assertEqual(Comment.objects.count(), 0)

    def test_the_honeypot_is_hidden_from_people(self):
        page = self.client.get(f"/en/consultations/{self.window.pk}/")
        self.assertContains(page, '<div class="d-none" aria-hidden="true">')
        self.assertContains(page, 'tabindex="-1"')

    @override_settings(COMMENT_MIN_FILL_SECONDS=5)
    def test_too_fast_is_refused_and_the_same_form_then_goes_through(self):
        token = form_token(self.window, age=1)
        refused = self.post(form_token=token)
        self.assertContains(refused, "That was quicker than we expect", status_code=400)
        self.assertEqual(Comment.objects.count(), 0)
        # The person reads the message and sends again a few seconds later.
        with override_settings(COMMENT_MIN_FILL_SECONDS=0):
            accepted = self.post(form_token=token)
        self.assertEqual(accepted.status_code, 302)
        self.assertEqual(Comment.objects.count(), 1)

    @override_settings(COMMENT_MAX_LINKS=2)
    def test_more_links_than_allowed_are_refused(self):
        body = "see https://a.example and http://b.example and www.c.example"
        response = self.post(body=body)
        self.assertContains(response, "at most 2 links", status_code=400)
        self.assertEqual(Comment.objects.count(), 0)
        self.assertEqual(self.post(body="see https://a.example").status_code, 302)

    @override_settings(COMMENT_RATE_LIMIT="3/d")
    def test_rate_limit_per_address(self):
        for index in range(3):
            self.assertEqual(self.post(body=f"تعليق {index}").status_code, 302)
        refused = self.post(body="الرابع")
        self.assertContains(refused, "Too many comments", status_code=429)
        self.assertContains(refused, "الرابع", status_code=429)
        self.assertEqual(Comment.objects.count(), 3)
        # Another address is not affected.
        self.assertEqual(self.post(address="203.0.113.9").status_code, 302)

    @override_settings(COMMENT_RATE_LIMIT="1/d", TRUSTED_PROXIES=1)
    def test_behind_a_proxy_the_visitor_address_counts(self):
        url = f"/en/consultations/{self.window.pk}/comment/"
        first = self.client.post(
            url, comment_post(self.window), HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="10.0.0.1"
        )
        other = self.client.post(
            url, comment_post(self.window), HTTP_X_FORWARDED_FOR="192.0.2.2", REMOTE_ADDR="10.0.0.1"
        )
        again = self.client.post(
            url, comment_post(self.window), HTTP_X_FORWARDED_FOR="192.0.2.1", REMOTE_ADDR="10.0.0.1"
        )
        self.assertEqual((first.status_code, other.status_code, again.status_code), (302, 302, 429))

    @override_settings(COMMENT_RATE_LIMIT="1/d")
    def test_a_resubmit_of_a_stored_form_is_not_counted(self):
        data = comment_post(self.window)
        url = f"/en/consultations/{self.window.pk}/comment/"
        first = self.client.post(url, data)
        second = self.client.post(url, data)
        self.assertEqual((first.status_code, second.status_code), (302, 302))
        self.assertEqual(first["Location"], second["Location"])


PROCESS_SCRIPT = textwrap.dedent(
    """
    import os, sys
    import django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogp_portal.settings")
    django.setup()
    from django.test import RequestFactory, override_settings
    cache = {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
             "LOCATION": sys.argv[1]}
    with override_settings(CACHES={"default": cache}, COMMENT_RATE_LIMIT="5/d"):
        from consultations.views import comment_rate_limited
        request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20")
        print(" ".join(str(comment_rate_limited(request)) for _ in range(int(sys.argv[2]))))
    """
)


class RateLimitAcrossProcessesTests(TestCase):
    """Two worker processes share one cache (here a file cache, Redis in production): the
    second sees the posts counted by the first."""

    def run_worker(self, location: str, posts: int) -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", PROCESS_SCRIPT, location, str(posts)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.split()

    def test_the_limit_trips_across_two_processes(self):
        with tempfile.TemporaryDirectory() as location:
            first = self.run_worker(location, 3)
            second = self.run_worker(location, 3)
        self.assertEqual(first, ["False", "False", "False"])
        self.assertEqual(second, ["False", "False", "True"])
