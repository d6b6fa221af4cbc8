"""The accessibility statement: public, in both languages, linked from every page's footer,
with its date, what was tested and how to report a problem."""

from django.test import TestCase


class AccessibilityStatementTests(TestCase):
    def test_arabic_statement_is_linked_from_the_footer(self):
        home = self.client.get("/ar/").content.decode()
        assert 'href="/ar/accessibility/"' in home
        response = self.client.get("/ar/accessibility/")
        html = response.content.decode()
        assert response.status_code == 200
        assert '<html lang="ar" dir="rtl">' in html
        assert "بيان إمكانية الوصول" in html
        assert "رُوجع هذا البيان آخر مرة في" in html
        assert "الإبلاغ عن مشكلة" in html
        assert "mailto:" in html

    def test_english_statement(self):
        response = self.client.get("/en/accessibility/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Accessibility statement" in html
        assert "What was tested, and how" in html
        assert "WCAG" in html
        assert "Report a problem" in html
