"""Error pages speak the reader's language, right to left for Arabic."""

from django.test import RequestFactory, TestCase
from django.utils import translation
from django.views.defaults import server_error


class NotFoundTests(TestCase):
    def test_arabic_not_found_page(self):
        response = self.client.get("/ar/plans/99/")
        html = response.content.decode()
        assert response.status_code == 404
        assert '<html lang="ar" dir="rtl">' in html
        assert "الصفحة غير موجودة" in html

    def test_english_not_found_page(self):
        response = self.client.get("/en/plans/99/")
        html = response.content.decode()
        assert response.status_code == 404
        assert '<html lang="en" dir="ltr">' in html
        assert "Page not found" in html


class ServerErrorTests(TestCase):
    def test_arabic_server_error_page_stands_alone(self):
        with translation.override("ar"):
            response = server_error(RequestFactory().get("/ar/"))
        html = response.content.decode()
        assert response.status_code == 500
        assert '<html lang="ar" dir="rtl">' in html
        assert "bootstrap.rtl.min.css" in html

    def test_english_server_error_page(self):
        with translation.override("en"):
            response = server_error(RequestFactory().get("/en/"))
        html = response.content.decode()
        assert '<html lang="en" dir="ltr">' in html
        assert "Something went wrong" in html
