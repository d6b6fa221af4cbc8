"""A crawl of the public site from the home page, in Arabic and in English, over the demo
data: every internal link answers 200; every page says its language and direction and has
its page chrome in that language; nothing unpublished is ever linked or shown."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from commitments.models import Commitment
from demo import loader as demo
from meetings.models import Meeting
from plans.models import ActionPlan
from tests.factories import make_commitment, make_meeting, make_plan

# Chrome of every public page: the skip link, in the page's language.
CHROME = {"ar": ("انتقل إلى المحتوى", 'dir="rtl"'), "en": ("Skip to content", 'dir="ltr"')}
MAX_PAGES = 400
# Links the crawl does not follow: the staff side (sign-in), language switching.
NOT_CRAWLED = re.compile(r"^/(ar|en)/(manage|admin)/|^/i18n/")


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "link"):
            attributes = dict(attrs)
            if tag == "link" and attributes.get("rel") not in ("alternate", "canonical"):
                return
            if attributes.get("href"):
                self.links.append(attributes["href"])


class CrawlTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_demo(now=timezone.now(), password="demo-password-long-enough")
        fifth = ActionPlan.objects.get(number=5)
        make_plan(number=6, is_public=False, title_en="The sixth plan, not public yet")
        make_commitment(
            plan=fifth,
            number=40,
            is_published=False,
            title_en="Commitment withheld from the public",
        )
        make_meeting(plan=fifth, title_en="Minutes still in draft")

    def setUp(self):
        cache.clear()

    def crawl(self, language: str) -> dict[str, str]:
        start = f"/{language}/"
        queue, seen, pages = [start], {start}, {}
        while queue and len(pages) < MAX_PAGES:
            path = queue.pop(0)
            response = self.client.get(path)
            self.assertEqual(response.status_code, 200, f"{path} (linked from a crawled page)")
            if not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            pages[path] = html
            parser = LinkParser()
            parser.feed(html)
            for href in parser.links:
                url = urlsplit(urljoin(path, href))
                if url.netloc not in ("", "testserver") or url.scheme not in ("", "http"):
                    continue
                if url.path.startswith("/static/") or NOT_CRAWLED.search(url.path):
                    continue
                target = url.path + (f"?{url.query}" if url.query else "")
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return pages

    def test_every_internal_link_answers_in_both_languages(self):
        for language in CHROME:
            with self.subTest(language=language):
                pages = self.crawl(language)
                self.assertGreater(len(pages), 20)
                kinds = {re.sub(r"\d+", "N", path.split("?")[0]) for path in pages}
                for expected in ["plans/", "commitments/", "meetings/", "documents/", "data/"]:
                    self.assertIn(f"/{language}/{expected}", kinds)
                for path, html in pages.items():
                    page_language = path.split("/")[1]
                    skip_text, direction = CHROME[page_language]
                    self.assertIn(f'<html lang="{page_language}" {direction}>', html, path)
                    self.assertIn(skip_text, html, path)
                self.assert_nothing_unpublished(language, pages)

    def assert_nothing_unpublished(self, language: str, pages: dict[str, str]):
        hidden_plans = list(ActionPlan.objects.filter(is_public=False))
        hidden_commitments = list(Commitment.objects.filter(is_published=False))
        draft_meetings = list(Meeting.objects.exclude(minutes_state="published"))
        self.assertTrue(hidden_plans and hidden_commitments and draft_meetings)
        forbidden = {f"/{language}/meetings/{meeting.pk}/" for meeting in draft_meetings}
        forbidden |= {
            f"/{language}/plans/{c.plan.number}/commitments/{c.number}/" for c in hidden_commitments
        }
        forbidden |= {f"/{language}/plans/{plan.number}/" for plan in hidden_plans}
        self.assertFalse(forbidden & set(pages))
        for secret in [
            "The sixth plan, not public yet",
            "Commitment withheld from the public",
            "Minutes still in draft",
        ]:
            leaks = [path for path, html in pages.items() if secret in html]
            self.assertEqual(leaks, [], secret)
