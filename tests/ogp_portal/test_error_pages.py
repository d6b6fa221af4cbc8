"""Error pages speak the reader's language, right to left for Arabic."""

from django.test import RequestFactory, TestCase
from django.utils import translation
from django.views.defaults import server_error

from tests.helpers import ARABIC_PAGE, ENGLISH_PAGE, html_of


class NotFoundTests(TestCase):
    def test_arabic_not_found_page(self):
        html = html_of(self.client.get("/ar/plans/99/"), 404)
        assert ARABIC_PAGE in html
        assert "الصفحة غير موجودة" in html

    def test_english_not_found_page(self):
        html = html_of(self.client.get("/en/plans/99/"), 404)
        assert ENGLISH_PAGE in html
        assert "Page not found" in html


class ServerErrorTests(TestCase):
    def test_arabic_server_error_page_stands_alone(self):
        with translation.override("ar"):
            html = html_of(server_error(RequestFactory().get("/ar/")), 500)
        assert ARABIC_PAGE in html
        assert "bootstrap.rtl.min.css" in html

    def test_english_server_error_page(self):
        with translation.override("en"):
            response = server_error(RequestFactory().get("/en/"))
        html = response.content.decode()
        assert ENGLISH_PAGE in html
        assert "Something went wrong" in html


class RefusalPagesTests(TestCase):
    """Every refusal a visitor meets is a page in their language, in the site's frame,
    with a way back: never Django's bare English "403 Forbidden"."""

    @classmethod
    def setUpTestData(cls):
        from core.roles import EDITOR
        from tests.factories import make_user

        cls.editor = make_user(role=EDITOR)

    def test_refused_editor_keeps_the_workspace_in_arabic(self):
        self.client.force_login(self.editor)
        html = html_of(self.client.get("/ar/manage/audit/"), 403)
        assert ARABIC_PAGE in html
        assert "workspace-nav" in html
        assert "لا يمكنك فتح هذه الصفحة" in html
        assert 'href="/ar/manage/"' in html

    def test_refused_editor_in_english(self):
        self.client.force_login(self.editor)
        html = html_of(self.client.get("/en/manage/audit/"), 403)
        assert ENGLISH_PAGE in html
        assert "You may not open this page" in html
        assert "Forbidden" not in html

    def test_not_found_in_workspace_keeps_the_menu(self):
        self.client.force_login(self.editor)
        response = self.client.get("/ar/manage/plans/999999/")
        assert response.status_code == 404
        assert "workspace-nav" in response.content.decode()

    def test_method_not_allowed_is_a_page(self):
        response = self.client.delete("/ar/plans/")
        html = html_of(response, 405)
        assert "Allow" in response
        assert ARABIC_PAGE in html
        assert "site-header" in html
        response = self.client.delete("/en/plans/")
        assert "This page cannot be used that way" in response.content.decode()

    def test_expired_form_is_explained(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        html = html_of(client.post("/ar/manage/login/", {"username": "x", "password": "y"}), 403)
        assert ARABIC_PAGE in html
        assert "انتهت صلاحية النموذج" in html
        response = client.post("/en/manage/login/", {"username": "x", "password": "y"})
        assert "The form has expired" in response.content.decode()


class HandlerPagesTests(TestCase):
    def render(self, view, path, language):
        from django.contrib.auth.models import AnonymousUser

        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        with translation.override(language):
            return view(request, None)

    def test_bad_request_in_both_languages(self):
        from core.errors import bad_request

        html = html_of(self.render(bad_request, "/ar/", "ar"), 400)
        assert ARABIC_PAGE in html
        assert "تعذّرت قراءة الطلب" in html
        response = self.render(bad_request, "/en/", "en")
        assert "The request could not be read" in response.content.decode()

    def test_too_many_requests_in_both_languages(self):
        from core.errors import render_error

        for language, text in (("ar", "طلبات كثيرة"), ("en", "Too many requests")):
            request = RequestFactory().get(f"/{language}/")
            from django.contrib.auth.models import AnonymousUser

            request.user = AnonymousUser()
            with translation.override(language):
                response = render_error(request, 429)
            assert response.status_code == 429
            assert text in response.content.decode()

    def test_unavailable_page_has_the_site_header(self):
        from django.db import OperationalError

        from core.errors import server_error

        with translation.override("ar"):
            try:
                raise OperationalError("down")
            except OperationalError:
                html = html_of(server_error(RequestFactory().get("/ar/")), 503)
        assert ARABIC_PAGE in html
        assert "site-header" in html


class AdminRefusalTests(TestCase):
    def test_coordinator_in_the_admin_is_pointed_to_the_workspace(self):
        from core.roles import COORDINATOR
        from tests.factories import make_user

        self.client.force_login(make_user(role=COORDINATOR))
        response = self.client.get("/ar/admin/", follow=True)
        html = response.content.decode()
        assert 'href="/ar/manage/"' in html
        assert "اذهب إلى مساحة عمل الموظفين" in html
