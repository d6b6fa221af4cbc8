"""Guessing passwords at the admin sign-in stops after a few tries."""

from django.core.cache import cache
from django.test import RequestFactory, TestCase

from ogp_portal.login_throttle import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, client_address
from tests.factories import make_user

LOGIN = "/ar/admin/login/"
PASSWORD = "correct-horse-battery"


class LoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="coordinator", password=PASSWORD, is_staff=True)

    def setUp(self):
        cache.clear()

    def sign_in(self, username: str, password: str, address: str = "10.0.0.1"):
        return self.client.post(
            LOGIN,
            {"username": username, "password": password, "next": "/ar/admin/"},
            REMOTE_ADDR=address,
        )

    def fail(self, times: int, username: str = "coordinator", address: str = "10.0.0.1"):
        for _attempt in range(times):
            response = self.sign_in(username, "wrong-password", address)
            assert response.status_code == 200  # the form again, with an error

    def test_the_right_password_works_before_the_limit(self):
        self.fail(FAILURES_PER_ACCOUNT - 1)
        response = self.sign_in("coordinator", PASSWORD)
        assert response.status_code == 302
        assert "_auth_user_id" in self.client.session

    def test_a_locked_account_is_refused_even_with_the_right_password(self):
        self.fail(FAILURES_PER_ACCOUNT)
        response = self.sign_in("coordinator", PASSWORD)
        assert response.status_code == 200
        assert "_auth_user_id" not in self.client.session
        assert "محاولات" in response.content.decode()  # "too many ... attempts", in Arabic

    def test_the_lock_follows_the_account_name_in_any_case(self):
        self.fail(FAILURES_PER_ACCOUNT, username="Coordinator")
        assert self.sign_in("coordinator", PASSWORD, address="10.0.0.2").status_code == 200

    def test_another_account_is_not_locked_by_someone_elses_failures(self):
        make_user(username="editor", password=PASSWORD, is_staff=True)
        self.fail(FAILURES_PER_ACCOUNT)
        assert self.sign_in("editor", PASSWORD, address="10.0.0.2").status_code == 302

    def test_one_address_trying_many_names_is_locked(self):
        for number in range(FAILURES_PER_ADDRESS):
            self.fail(1, username=f"guess{number}", address="10.9.9.9")
        assert self.sign_in("coordinator", PASSWORD, address="10.9.9.9").status_code == 200
        assert self.sign_in("coordinator", PASSWORD, address="10.0.0.3").status_code == 302

    def test_success_clears_the_count(self):
        self.fail(FAILURES_PER_ACCOUNT - 1)
        assert self.sign_in("coordinator", PASSWORD).status_code == 302
        self.client.logout()
        self.fail(FAILURES_PER_ACCOUNT - 1)
        assert self.sign_in("coordinator", PASSWORD).status_code == 302


class ClientAddressTests(TestCase):
    def request(self, remote: str, forwarded: str | None = None):
        meta = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **meta)

    def test_without_proxies_the_connecting_address_counts(self):
        with self.settings(TRUSTED_PROXIES=0):
            assert client_address(self.request("10.0.0.5", "1.2.3.4")) == "10.0.0.5"

    def test_behind_one_proxy_its_appended_entry_counts_not_a_forged_one(self):
        with self.settings(TRUSTED_PROXIES=1):
            request = self.request("10.0.0.1", "6.6.6.6, 203.0.113.7")
            assert client_address(request) == "203.0.113.7"

    def test_a_missing_header_falls_back_to_the_connection(self):
        with self.settings(TRUSTED_PROXIES=1):
            assert client_address(self.request("10.0.0.1")) == "10.0.0.1"
