"""User text keeps its own direction on every page type, public and workspace.

Names, titles and free text typed by people are shown inside an isolate (an element with
`dir`, or `<bdi>`), so a phone number, an e-mail or a Latin word inside Arabic (or Arabic
inside English) reads in the order it was written. The test reads one page of each kind,
in Arabic and English, and looks for any user-entered value of the demo data in text that
no isolate encloses."""

import re
from html.parser import HTMLParser

from django.contrib.auth.models import User
from django.db import models
from django.test import TestCase
from django.utils import timezone

from core import roles
from demo import loader as demo
from tests.helpers import FAST, Crawl, domain_models, kind

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Text no element can isolate inside: the window title, scripts, and form controls' values.
UNCHECKED = {"head", "title", "script", "style", "textarea", "option", "select"}
# Fields that hold codes, addresses and file names rather than text in a language.
NOT_TEXT = ("email", "token", "url", "file", "scan", "path", "slug", "code", "fingerprint")
SHORTEST = 10


class LooseText(HTMLParser):
    """The page's text outside any isolate."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        names = dict(attrs)
        isolating = tag == "bdi" or ("dir" in names and tag not in ("html", "body"))
        self.stack.append((tag, isolating))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not data.strip():
            return
        if any(tag in UNCHECKED or isolating for tag, isolating in self.stack):
            return
        self.loose.append(" ".join(data.split()))


def loose_text(html: str) -> str:
    parser = LooseText()
    parser.feed(html)
    # Text between Unicode isolates (core.i18n.isolated) is isolated too.
    return re.sub("[\u2066-\u2068][^\u2069]*\u2069", " ", "\n".join(parser.loose))


def user_texts() -> set[str]:
    """Every line of text people typed into the demo data, long enough to be unmistakable."""
    texts = set()
    for model in domain_models():
        fields = [
            field
            for field in model._meta.fields
            if isinstance(field, (models.CharField, models.TextField))
            and not field.choices
            and not any(part in field.name for part in NOT_TEXT)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*(field.name for field in fields)):
            for value in row:
                if not value or "<" in value:
                    continue
                for line in str(value).splitlines():
                    line = " ".join(line.split())
                    if len(line) >= SHORTEST and not line.replace(" ", "").isdigit():
                        texts.add(line)
    return texts


@FAST
class IsolationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_demo(now=timezone.now(), password="demo-password-long-enough")

    def pages_of_each_kind(self, start: str, scope: str) -> dict[str, str]:
        crawl = Crawl(self.client, start, scope, limit=4)
        pages = {}
        for path, html in crawl.html.items():
            pages.setdefault(kind(path), (path, html))
        return dict(pages.values())

    def assert_isolated(self, pages: dict[str, str]):
        # A value that is also the frame's own wording (the unit's name in the footer).
        chrome = " ".join(
            loose_text(self.client.get(f"/{language}/no-such-page/").content.decode())
            for language in ("ar", "en")
        )
        texts = {text for text in user_texts() if text not in chrome}
        self.assertGreater(len(texts), 50)
        problems = []
        for path, html in pages.items():
            loose = loose_text(html)
            for text in texts:
                if text in loose:
                    problems.append(f"{path}: «{text[:60]}»")
        self.assertEqual(problems, [], "\n".join(problems[:80]))

    def test_public_pages(self):
        for language in ("ar", "en"):
            with self.subTest(language=language):
                pages = self.pages_of_each_kind(f"/{language}/", f"/{language}/")
                self.assertGreater(len(pages), 15)
                self.assert_isolated(pages)

    def test_workspace_pages(self):
        self.client.force_login(User.objects.get(username=roles.COORDINATOR))
        for language in ("ar", "en"):
            with self.subTest(language=language):
                pages = self.pages_of_each_kind(f"/{language}/manage/", f"/{language}/manage/")
                self.assertGreater(len(pages), 20)
                self.assert_isolated(pages)
