"""TOTP second factor for staff (`core.two_factor`): a member with an authenticator app
types its code after the password before any workspace page; setting one up checks a code
first; with STAFF_TOTP_REQUIRED everyone must set one up."""

import time

from django.test import TestCase, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import EDITOR, FOCAL_POINT
from tests.factories import make_user

DASHBOARD = "/en/manage/"
VERIFY = "/en/manage/two-factor/"
SETUP = "/en/manage/two-factor/setup/"
PASSWORD = "a-long-enough-password-42"


def code(device, offset: int = 0) -> str:
    """The code the member's app shows now (`offset` steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def member(role=EDITOR, *, device=False):
    user = make_user(role=role)
    user.set_password(PASSWORD)
    user.save()
    if device:
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return user


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class SignInWithAppTests(TestCase):
    def sign_in(self, user):
        response = self.client.post(
            "/en/manage/login/", {"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 302

    def test_without_an_app_nothing_changes(self):
        self.sign_in(member())
        assert self.client.get(DASHBOARD).status_code == 200

    def test_with_an_app_the_code_comes_before_any_workspace_page(self):
        user = member(device=True)
        self.sign_in(user)
        response = self.client.get(DASHBOARD)
        assert response.status_code == 302
        assert response["Location"] == f"{VERIFY}?next=%2Fen%2Fmanage%2F"
        page = self.client.get(response["Location"])
        self.assertContains(page, "authenticator app")
        wrong = self.client.post(VERIFY, {"code": "000000", "next": DASHBOARD})
        self.assertContains(wrong, "This code is not right", status_code=400)
        assert self.client.get(DASHBOARD).status_code == 302
        device = TOTPDevice.objects.get(user=user)
        right = self.client.post(VERIFY, {"code": code(device), "next": DASHBOARD})
        assert right.status_code == 302
        assert right["Location"] == DASHBOARD
        assert self.client.get(DASHBOARD).status_code == 200

    def test_the_code_never_sends_off_site(self):
        user = member(device=True)
        self.sign_in(user)
        device = TOTPDevice.objects.get(user=user)
        response = self.client.post(VERIFY, {"code": code(device), "next": "//evil.example/"})
        assert response["Location"] == DASHBOARD

    def test_an_app_cannot_be_replaced_before_its_code_is_given(self):
        self.sign_in(member(device=True))
        response = self.client.get(SETUP)
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)

    def test_anonymous_visitors_go_to_sign_in(self):
        for url in (VERIFY, SETUP):
            response = self.client.get(url)
            assert response.status_code == 302
            assert "/manage/login/" in response["Location"]


class ThrottleTests(TestCase):
    def test_wrong_codes_in_a_row_are_slowed_down(self):
        user = member(device=True)
        self.client.force_login(user)
        self.client.post(VERIFY, {"code": "000000"})
        device = TOTPDevice.objects.get(user=user)
        response = self.client.post(VERIFY, {"code": code(device)})
        self.assertContains(response, "Too many wrong codes", status_code=429)
        assert self.client.get(DASHBOARD).status_code == 302


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
class SetUpTests(TestCase):
    def test_setting_up_an_app_checks_a_code_first(self):
        user = member(FOCAL_POINT)
        self.client.force_login(user)
        page = self.client.get(SETUP)
        assert page.status_code == 200
        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        assert page.context["key"].replace(" ", "") in pending.config_url
        wrong = self.client.post(SETUP, {"code": "123456"})
        self.assertContains(wrong, "This code is not right", status_code=400)
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        right = self.client.post(SETUP, {"code": code(pending)})
        assert right.status_code == 302
        assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
        assert self.client.get(DASHBOARD).status_code == 200
        # The next sign-in asks for the code.
        self.client.logout()
        self.client.post("/en/manage/login/", {"username": user.username, "password": PASSWORD})
        assert self.client.get(DASHBOARD)["Location"].startswith(VERIFY)

    def test_a_replaced_app_stops_working(self):
        user = member(device=True)
        old = TOTPDevice.objects.get(user=user)
        self.client.force_login(user)
        self.client.post(VERIFY, {"code": code(old)})
        self.client.get(SETUP)
        pending = TOTPDevice.objects.get(user=user, confirmed=False)
        assert self.client.post(SETUP, {"code": code(pending, offset=1)}).status_code == 302
        assert list(TOTPDevice.objects.filter(user=user)) == [pending]

    @override_settings(STAFF_TOTP_REQUIRED=True)
    def test_when_required_everyone_sets_one_up_first(self):
        self.client.force_login(member())
        response = self.client.get(DASHBOARD)
        assert response.status_code == 302
        assert response["Location"].startswith(SETUP)
        self.assertContains(self.client.get(SETUP), "asks every staff member")

    def test_letters_in_the_code_get_a_message(self):
        self.client.force_login(member())
        self.client.get(SETUP)
        response = self.client.post(SETUP, {"code": "12a456"})
        self.assertContains(response, "digits only", status_code=400)
