"""The staff workspace's own sign-in and sign-out pages."""

from django.test import TestCase

from core.roles import EDITOR
from tests.factories import make_user
from tests.helpers import FAST

LOGIN = "/ar/manage/login/"
PASSWORD = "correct-horse-battery"


@FAST
class SignInPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="editor", password=PASSWORD, role=EDITOR, is_staff=True)

    def sign_in(self, next_url: str, url: str = LOGIN):
        return self.client.post(url, {"username": "editor", "password": PASSWORD, "next": next_url})

    def test_the_arabic_page_has_arabic_labels(self):
        response = self.client.get(LOGIN)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'lang="ar" dir="rtl"' in html
        assert "اسم المستخدم" in html  # "username"
        assert "كلمة المرور" in html  # "password"
        assert 'autocomplete="current-password"' in html

    def test_the_english_page_is_in_english(self):
        html = self.client.get("/en/manage/login/").content.decode()
        assert "Sign in to the staff workspace" in html
        assert "Username" in html

    def test_signing_in_goes_to_the_dashboard(self):
        response = self.sign_in("")
        self.assertRedirects(response, "/ar/manage/", fetch_redirect_response=False)

    def test_signing_in_follows_next_on_this_site(self):
        response = self.sign_in("/ar/manage/plans/")
        self.assertRedirects(response, "/ar/manage/plans/", fetch_redirect_response=False)

    def test_next_never_leads_off_site(self):
        for target in [
            "//evil.example",
            "https://evil.example/",
            "/\\evil.example",
            "///evil.example",
        ]:
            with self.subTest(target):
                self.client.logout()
                response = self.sign_in(target)
                assert response.status_code == 302
                assert "evil.example" not in response["Location"]
                assert response["Location"] == "/ar/manage/"

    def test_next_off_site_is_not_even_written_into_the_form(self):
        response = self.client.get(LOGIN, {"next": "//evil.example"})
        assert '<input type="hidden" name="next" value="">' in response.content.decode()

    def test_a_signed_in_user_is_sent_on(self):
        self.client.force_login(self.user)
        response = self.client.get(LOGIN)
        self.assertRedirects(response, "/ar/manage/", fetch_redirect_response=False)

    def test_signing_out_takes_a_post(self):
        self.client.force_login(self.user)
        assert self.client.get("/ar/manage/logout/").status_code == 405
        assert "_auth_user_id" in self.client.session
        response = self.client.post("/ar/manage/logout/")
        self.assertRedirects(response, LOGIN, fetch_redirect_response=False)
        assert "_auth_user_id" not in self.client.session

    def test_anonymous_workspace_visit_comes_back_after_signing_in(self):
        response = self.client.get("/ar/manage/")
        self.assertRedirects(response, f"{LOGIN}?next=/ar/manage/", fetch_redirect_response=False)
