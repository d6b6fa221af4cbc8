"""Email subscriptions: double opt-in (a signed confirmation link), one-click unsubscribe
(a link in every email and the List-Unsubscribe headers), and the emails sent after commit
when a public window is scheduled or its report announced."""

import datetime
import re
import time
from unittest import mock

from django.core import mail, signing
from django.core.cache import cache
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Subscription
from tests.factories import make_plan, make_subscription, make_user, make_window

SIGN_UP = {"email": "reader@example.org", "windows": "on", "reports": "on", "website": ""}


def link(message, name: str) -> str:
    found = re.search(rf"https?://\S+/consultations/{name}/\S+/", message.body)
    assert found, message.body
    return found.group(0)


class SignUpTests(TestCase):
    def setUp(self):
        cache.clear()

    def sign_up(self, **overrides):
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post("/en/consultations/subscribe/", SIGN_UP | overrides)

    def test_double_opt_in(self):
        assert self.client.get("/en/consultations/subscribe/").status_code == 200
        response = self.sign_up()
        assert response.status_code == 302
        subscription = Subscription.objects.get()
        assert not subscription.is_active
        (message,) = mail.outbox
        assert message.to == ["reader@example.org"]
        assert "Confirm your sign-up" in message.subject
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        confirm = link(message, "subscribe/confirm")
        path = confirm.split("testserver", 1)[1]
        # Opening the link (a mail scanner would) does not confirm; the button does.
        assert self.client.get(path).status_code == 200
        subscription.refresh_from_db()
        assert not subscription.is_active
        assert self.client.post(path).status_code == 200
        subscription.refresh_from_db()
        assert subscription.is_active

    def test_signing_up_again_when_confirmed_sends_nothing_and_says_the_same(self):
        make_subscription(email="Reader@Example.org")
        response = self.sign_up()
        assert response.status_code == 302
        assert mail.outbox == []
        assert Subscription.objects.count() == 1

    def test_bad_input_stores_nothing(self):
        for overrides, message in (
            ({"email": "not-an-email"}, "Enter a valid email address."),
            ({"email": ""}, "Write your email address."),
            ({"windows": "", "reports": ""}, "Choose at least one kind of news."),
            ({"website": "http://spam.example"}, "Leave the last field empty."),
        ):
            with self.subTest(overrides):
                response = self.sign_up(**overrides)
                assert response.status_code == 400
                assert message in response.content.decode()
        assert not Subscription.objects.exists()
        assert mail.outbox == []

    def test_a_forged_or_expired_confirmation_link_is_refused(self):
        subscription = Subscription.objects.create(email="late@example.org")
        forged = signing.dumps({"s": subscription.pk, "e": "late@example.org"}, salt="other")
        url = reverse("consultations:subscription_confirm", kwargs={"token": forged})
        assert self.client.post(url).status_code == 404
        eight_days_ago = time.time() - 8 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
            token = services.subscription_token(subscription, salt=services.CONFIRM_SALT)
        url = reverse("consultations:subscription_confirm", kwargs={"token": token})
        response = self.client.post(url)
        assert response.status_code == 404
        assert "more than seven days old" in response.content.decode()
        subscription.refresh_from_db()
        assert not subscription.is_active

    def test_one_click_unsubscribe_without_a_csrf_token(self):
        subscription = make_subscription(email="reader@example.org")
        token = services.subscription_token(subscription, salt=services.UNSUBSCRIBE_SALT)
        url = reverse("consultations:unsubscribe", kwargs={"token": token})
        client = Client(enforce_csrf_checks=True)
        assert client.get(url).status_code == 200
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
        assert response.status_code == 200
        subscription.refresh_from_db()
        assert not subscription.is_active
        bad = reverse("consultations:unsubscribe", kwargs={"token": token + "x"})
        assert client.post(bad).status_code == 404


@override_settings(SITE_URL="https://ogp.example.gov.jo")
class AnnouncementEmailTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.coordinator = make_user(role="coordinator")
        cls.editor = make_user(role="editor")
        cls.plan = make_plan()
        cls.arabic = make_subscription(email="ar@example.org", language="ar")
        cls.english = make_subscription(email="en@example.org", language="en", windows=True)
        cls.reports_only = make_subscription(email="reports@example.org", windows=False)
        Subscription.objects.create(email="pending@example.org")
        make_subscription(email="gone@example.org", unsubscribed_at=timezone.now())

    def create_window(self, **kwargs):
        with self.captureOnCommitCallbacks(execute=True):
            return services.create_window(
                plan=self.plan,
                data=services.WindowData(
                    kind="draft_plan",
                    audience=kwargs.pop("audience", "public"),
                    title_ar="مسودة الخطة",
                    title_en='Draft plan <b>"bold"</b>',
                ),
                commitments=[],
                opens_at=timezone.now() + datetime.timedelta(days=2),
                last_day=None,
                user=self.coordinator,
            )

    def test_scheduling_a_public_window_tells_confirmed_subscribers_once(self):
        window = self.create_window()
        assert sorted(message.to[0] for message in mail.outbox) == [
            "ar@example.org",
            "en@example.org",
        ]
        english = next(message for message in mail.outbox if message.to == ["en@example.org"])
        assert english.subject == 'Public consultation: Draft plan <b>"bold"</b>'
        assert english.content_subtype == "plain"
        unsubscribe = link(english, "unsubscribe")
        assert english.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert f"/en/consultations/{window.pk}/" in english.body
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            services.schedule_window(
                window=window,
                opens_at=timezone.now(),
                last_day=None,
                user=self.coordinator,
            )
        assert mail.outbox == []

    def test_a_forum_window_is_not_announced(self):
        self.create_window(audience="forum")
        assert mail.outbox == []

    def test_the_coordinator_announces_a_closed_windows_report_once(self):
        window = make_window(plan=self.plan, opens_at=timezone.now() - datetime.timedelta(days=30))
        url = reverse("manage:consultation_window_schedule", kwargs={"pk": window.pk})
        self.client.force_login(self.editor)
        assert self.client.post(url, {"step": "report"}).status_code == 403
        assert mail.outbox == []
        self.client.force_login(self.coordinator)
        with self.captureOnCommitCallbacks(execute=True):
            assert self.client.post(url, {"step": "report"}).status_code == 302
        assert sorted(message.to[0] for message in mail.outbox) == [
            "ar@example.org",
            "en@example.org",
            "reports@example.org",
        ]
        assert all(f"/consultations/{window.pk}/report/" in m.body for m in mail.outbox)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"step": "report"})
        assert response.status_code == 400
        assert mail.outbox == []

    def test_an_open_windows_report_is_not_announced(self):
        window = make_window(plan=self.plan)
        with self.captureOnCommitCallbacks(execute=True):
            try:
                services.announce_report(window=window, user=self.coordinator)
            except services.ValidationError as error:
                assert "once the window has closed" in error.messages[0]
        assert mail.outbox == []
