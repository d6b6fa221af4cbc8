"""Guessing passwords stops after a few tries, without letting a stranger lock staff out.

Throttling is django-axes's, configured in settings (`AXES_*`) with our pieces in
`core.login_throttle`: 5 failures of one account name from one address, or 20 from
one address whatever the names, pause sign-in there for 15 minutes.
"""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import F
from django.test import RequestFactory, TestCase

from core.login_throttle import FAILURES_PER_ACCOUNT, client_address
from tests.factories import make_user
from tests.helpers import FAST

LOGIN = "/ar/manage/login/"
PASSWORD = "correct-horse-battery"
LOCKED = 429
FAILURES_PER_ADDRESS = settings.AXES_FAILURE_LIMIT


@FAST
class LoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(username="coordinator", password=PASSWORD, is_staff=True)

    def sign_in(self, username: str, password: str, address: str = "10.0.0.1", url=LOGIN):
        return self.client.post(
            url, {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def fail(self, times: int, username: str = "coordinator", address: str = "10.0.0.1"):
        """`times` wrong passwords; the last may already answer with the lock page."""
        response = None
        for _attempt in range(times):
            response = self.sign_in(username, "wrong-password", address)
        return response

    def assert_signed_in(self, response):
        assert response.status_code == 302, response.status_code
        assert "_auth_user_id" in self.client.session

    def assert_locked(self, response):
        assert response.status_code == LOCKED, response.status_code
        assert "_auth_user_id" not in self.client.session

    def test_a_wrong_password_shows_the_form_again_with_an_arabic_error(self):
        response = self.sign_in("coordinator", "wrong-password")
        assert response.status_code == 200
        assert "الرجاء إدخال" in response.content.decode()  # "please enter a correct..."

    def test_the_right_password_works_before_the_limit(self):
        assert self.fail(FAILURES_PER_ACCOUNT - 1).status_code == 200
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD))

    def test_the_fifth_failure_locks_even_the_right_password_out(self):
        self.assert_locked(self.fail(FAILURES_PER_ACCOUNT))
        response = self.sign_in("coordinator", PASSWORD)
        self.assert_locked(response)
        html = response.content.decode()
        assert 'lang="ar"' in html
        assert "محاولات" in html  # "too many ... attempts", in Arabic
        assert "<bdi>15</bdi>" in html

    def test_the_lock_page_follows_the_language_of_the_sign_in_page(self):
        self.fail(FAILURES_PER_ACCOUNT)
        response = self.sign_in("coordinator", PASSWORD, url="/en/manage/login/")
        self.assert_locked(response)
        assert "Too many failed sign-in attempts" in response.content.decode()

    def test_a_stranger_elsewhere_cannot_lock_the_coordinator_out(self):
        """Typing the coordinator's name from another address locks only that address."""
        self.assert_locked(self.fail(FAILURES_PER_ACCOUNT, address="198.51.100.66"))
        self.assert_locked(self.sign_in("coordinator", PASSWORD, address="198.51.100.66"))
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD, address="10.0.0.1"))

    def test_the_lock_counts_the_account_name_in_any_case(self):
        self.fail(FAILURES_PER_ACCOUNT - 1, username="Coordinator")
        self.assert_locked(self.fail(1, username="coordinator "))
        self.assert_locked(self.sign_in("coordinator", PASSWORD))

    def test_another_account_at_the_same_address_is_not_locked(self):
        make_user(username="editor", password=PASSWORD, is_staff=True)
        self.fail(FAILURES_PER_ACCOUNT)
        self.assert_signed_in(self.sign_in("editor", PASSWORD))

    def test_one_address_trying_many_names_is_locked(self):
        for number in range(FAILURES_PER_ADDRESS - 1):
            assert self.fail(1, username=f"guess{number}", address="10.9.9.9").status_code == 200
        self.assert_locked(self.fail(1, username="last-guess", address="10.9.9.9"))
        self.assert_locked(self.sign_in("coordinator", PASSWORD, address="10.9.9.9"))
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD, address="10.0.0.3"))

    def test_success_clears_the_accounts_count(self):
        self.fail(FAILURES_PER_ACCOUNT - 1)
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD))
        self.client.post("/ar/manage/logout/")
        assert self.fail(FAILURES_PER_ACCOUNT - 1).status_code == 200
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD))

    def test_success_keeps_other_names_guessed_from_the_same_address(self):
        for number in range(FAILURES_PER_ADDRESS - 1):
            self.fail(1, username=f"guess{number}", address="10.9.9.9")
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD, address="10.9.9.9"))
        self.client.post("/ar/manage/logout/")
        self.assert_locked(self.fail(1, username="one-more", address="10.9.9.9"))

    def test_the_lock_lifts_after_fifteen_minutes(self):
        self.fail(FAILURES_PER_ACCOUNT)
        AccessAttempt.objects.update(
            attempt_time=F("attempt_time") - datetime.timedelta(minutes=14)
        )
        self.assert_locked(self.sign_in("coordinator", PASSWORD))
        AccessAttempt.objects.update(attempt_time=F("attempt_time") - datetime.timedelta(minutes=2))
        self.assert_signed_in(self.sign_in("coordinator", PASSWORD))

    def test_trying_again_while_locked_does_not_extend_the_lock(self):
        self.fail(FAILURES_PER_ACCOUNT)
        locked_at = AccessAttempt.objects.get().attempt_time
        self.fail(3)
        assert AccessAttempt.objects.get().attempt_time == locked_at

    def test_the_admin_sign_in_is_throttled_too(self):
        superuser = make_user(username="root", password=PASSWORD, is_staff=True, is_superuser=True)
        url = "/ar/admin/login/?next=/ar/admin/"
        for _attempt in range(FAILURES_PER_ACCOUNT - 1):
            assert self.sign_in("root", "wrong", url=url).status_code == 200
        self.assert_locked(self.sign_in("root", "wrong", url=url))
        self.assert_locked(self.sign_in(superuser.username, PASSWORD, url=url))

    def test_attempts_and_sign_ins_are_kept_for_the_audit_trail(self):
        self.fail(2, address="203.0.113.9")
        attempt = AccessAttempt.objects.get()
        assert (attempt.username, attempt.failures_since_start) == ("coordinator", 2)
        assert "wrong-password" not in attempt.post_data  # passwords are masked
        self.sign_in("coordinator", PASSWORD, address="203.0.113.9")
        failures = AccessFailureLog.objects.filter(username="coordinator")
        assert [(f.ip_address, f.locked_out) for f in failures] == [("203.0.113.9", False)] * 2
        sign_ins = list(AccessLog.objects.filter(username="coordinator"))
        assert [log.ip_address for log in sign_ins] == ["203.0.113.9"]


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


@FAST
class ThrottleBehindProxyTests(TestCase):
    """The address axes counts is the one our proxies saw, not one the visitor wrote."""

    @classmethod
    def setUpTestData(cls):
        make_user(username="coordinator", password=PASSWORD, is_staff=True)

    def test_a_forged_forwarded_entry_does_not_escape_the_lock(self):
        with self.settings(TRUSTED_PROXIES=1):
            for number in range(FAILURES_PER_ACCOUNT):
                response = self.client.post(
                    LOGIN,
                    {"username": "coordinator", "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"6.6.6.{number}, 203.0.113.7",
                )
            assert response.status_code == LOCKED
            assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {
                "203.0.113.7"
            }
