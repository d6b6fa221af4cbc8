"""The accessibility statement: public, in both languages, linked from every page's footer,
with its date, what was tested and how to report a problem."""

from django.test import TestCase

from tests.helpers import ARABIC_PAGE, html_of


class AccessibilityStatementTests(TestCase):
    def test_arabic_statement_is_linked_from_the_footer(self):
        home = self.client.get("/ar/").content.decode()
        assert 'href="/ar/accessibility/"' in home
        html = html_of(self.client.get("/ar/accessibility/"))
        assert ARABIC_PAGE in html
        assert "بيان إمكانية الوصول" in html
        assert "رُوجع هذا البيان آخر مرة في" in html
        assert "الإبلاغ عن مشكلة" in html
        assert "mailto:" in html

    def test_english_statement(self):
        html = html_of(self.client.get("/en/accessibility/"))
        assert "Accessibility statement" in html
        assert "What was tested, and how" in html
        assert "WCAG" in html
        assert "Report a problem" in html
