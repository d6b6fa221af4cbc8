"""The admin says whose it is, and keeps each bilingual column in its own direction."""

from django.test import TestCase

from tests.factories import make_user


class AdminSiteTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)

    def test_the_arabic_admin_names_the_portal_and_loads_the_bilingual_styles(self):
        self.client.force_login(self.superuser)
        response = self.client.get("/ar/admin/")
        html = response.content.decode()
        assert response.status_code == 200
        assert 'lang="ar" dir="rtl"' in html
        assert "Django" not in response.context["site_header"]
        assert "css/admin.css" in html

    def test_the_english_admin_has_its_own_header(self):
        self.client.force_login(self.superuser)
        response = self.client.get("/en/admin/")
        assert response.context["site_header"] == "OGP portal administration"
