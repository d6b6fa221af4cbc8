"""The production stack: Redis down is no outage, the start-up warning without Redis,
cookies, error pages without internals, request size limits, staff passwords, redirects
to our own site only, https behind a proxy, and `load_demo` on a production site."""

import io
import logging
import runpy
import types
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory, TestCase, override_settings
from django_ratelimit.core import is_ratelimited

from core import cache as tolerant
from core.roles import EDITOR
from demo import loader as demo
from tests.factories import make_commitment, make_user
from tests.helpers import CLOSED_REDIS, FAST_HASHER

PASSWORD = "correct-horse-battery"
LOGIN = "/ar/manage/login/"


# --- Redis down is not an outage ----------------------------------------------------------


@override_settings(CACHES=CLOSED_REDIS, PASSWORD_HASHERS=FAST_HASHER)
class RedisDownTests(TestCase):
    """REDIS_URL points at a loopback port where nothing listens."""

    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment()
        cls.editor = make_user(username="editor", password=PASSWORD, role=EDITOR, is_staff=True)

    def setUp(self):
        # Each test starts as a fresh process would: Redis tried first, no warning given yet.
        cache._down_until = 0.0
        cache._last_warning = 0.0

    def test_public_pages_keep_serving(self):
        for url in ["/ar/", "/en/", self.commitment.get_absolute_url()]:
            with self.subTest(url=url):
                assert self.client.get(url).status_code == 200

    def test_signing_in_still_works(self):
        response = self.client.post(LOGIN, {"username": "editor", "password": PASSWORD})
        self.assertRedirects(response, "/ar/manage/", fetch_redirect_response=False)
        assert self.client.get("/ar/manage/").status_code == 200

    def test_the_cache_reads_as_a_miss_and_keeps_writes_in_this_process(self):
        with self.assertLogs("core.cache", "WARNING") as logs:
            assert cache.get("plan-page") is None
            cache.set("plan-page", "html", 30)
            assert cache.get("plan-page") == "html"
        assert "Redis unavailable" in logs.output[0]

    def test_one_warning_not_one_per_call(self):
        with self.assertLogs("core.cache", "WARNING") as logs:
            for _ in range(20):
                cache._down_until = 0.0  # even when every call tries Redis again
                cache.get("key")
        assert len(logs.output) == 1

    def test_redis_is_tried_again_after_a_pause_not_on_every_call(self):
        with (
            self.assertLogs("core.cache", "WARNING"),
            mock.patch.object(
                tolerant.RedisCache, "get", autospec=True, side_effect=tolerant.RedisError("down")
            ) as redis_get,
        ):
            for _ in range(10):
                cache.get("key")
            assert redis_get.call_count == 1
            cache._down_until = 0.0  # RETRY_SECONDS later
            cache.get("key")
            assert redis_get.call_count == 2

    def test_rate_limits_still_count_per_process(self):
        """Neither "everyone through" nor "everyone refused": the limit still holds."""
        request = RequestFactory().post("/ar/comment/", REMOTE_ADDR="192.0.2.7")
        with self.assertLogs("core.cache", "WARNING"):
            answers = [
                is_ratelimited(request, group="comments", key="ip", rate="3/m", increment=True)
                for _ in range(5)
            ]
        assert answers == [False, False, False, True, True]
        other = RequestFactory().post("/ar/comment/", REMOTE_ADDR="192.0.2.8")
        assert not is_ratelimited(other, group="comments", key="ip", rate="3/m", increment=True)


# --- the start-up warning -----------------------------------------------------------------

GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def start_gunicorn(workers: int, environ: dict[str, str]) -> list[str]:
    """gunicorn.conf.py's on_starting hook, as gunicorn calls it; returns the warnings."""
    with mock.patch.dict("os.environ", environ, clear=True):
        config = runpy.run_path(str(GUNICORN_CONF))
        log = mock.Mock()
        server = types.SimpleNamespace(cfg=types.SimpleNamespace(workers=workers), log=log)
        config["on_starting"](server)
    return [call.args[0] % call.args[1:] for call in log.warning.call_args_list]


def test_several_workers_without_redis_warn_that_limits_are_per_process():
    warnings = start_gunicorn(4, {})
    assert len(warnings) == 1
    assert "REDIS_URL is not set and 4 workers run" in warnings[0]
    assert "per process" in warnings[0]


def test_no_warning_with_redis_or_with_one_worker():
    assert start_gunicorn(4, {"REDIS_URL": "redis://127.0.0.1:6379/0"}) == []
    assert start_gunicorn(1, {}) == []


def test_gunicorn_settings_come_from_the_environment():
    with mock.patch.dict(
        "os.environ", {"WEB_CONCURRENCY": "3", "BIND": "127.0.0.1:8001,127.0.0.1:8002"}, clear=True
    ):
        config = runpy.run_path(str(GUNICORN_CONF))
    assert config["workers"] == 3
    assert config["bind"] == ["127.0.0.1:8001", "127.0.0.1:8002"]


def test_workers_start_from_the_loaded_portal_and_are_recycled_rarely():
    """A crowd is served by workers forked from a master that has imported the portal once,
    and a worker is recycled only after tens of thousands of requests: recycling every
    2,000, each new worker importing the portal again, costs more than half of what
    gunicorn serves under load (bench/README.md)."""
    with mock.patch.dict("os.environ", {}, clear=True):
        config = runpy.run_path(str(GUNICORN_CONF))
    assert config["preload_app"] is True
    assert config["max_requests"] >= 20000
    assert 0 < config["max_requests_jitter"] < config["max_requests"]


# --- cookies, errors, sizes, passwords, redirects -----------------------------------------


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class HardeningTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(username="editor", password=PASSWORD, role=EDITOR, is_staff=True)

    def test_session_and_csrf_cookies_are_secure_httponly_and_same_site(self):
        csrf = self.client.get(LOGIN).cookies["csrftoken"]
        response = self.client.post(LOGIN, {"username": "editor", "password": PASSWORD})
        session = response.cookies[settings.SESSION_COOKIE_NAME]
        for cookie in (session, csrf):
            with self.subTest(cookie=cookie.key):
                assert cookie["secure"]
                assert cookie["httponly"]
                assert cookie["samesite"] == "Lax"

    def test_server_error_page_shows_no_internals(self):
        client = Client(raise_request_exception=False)
        boom = RuntimeError("secret-internal-detail in /work/main/ogp_portal/views.py")
        with (
            mock.patch("public.home.render_plan", side_effect=boom),
            self.assertLogs("django.request", logging.ERROR),
        ):
            response = client.get("/en/")
        html = response.content.decode()
        assert response.status_code == 500
        assert "Something went wrong" in html
        for leak in ["secret-internal-detail", "Traceback", "RuntimeError", "views.py"]:
            assert leak not in html

    def test_not_found_page_shows_no_url_list(self):
        html = self.client.get("/en/no-such-page/").content.decode()
        assert "URLconf" not in html
        assert "Using the URLconf" not in html

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
    def test_an_oversized_form_body_is_refused_and_nothing_signs_in(self):
        response = self.client.post(
            LOGIN, {"username": "editor", "password": PASSWORD, "padding": "x" * 2000}
        )
        assert response.status_code == 400
        assert "_auth_user_id" not in self.client.session

    def test_upload_limits_are_set(self):
        assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
        assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
        assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 50

    def test_weak_staff_passwords_are_refused(self):
        for weak in ["short1", "password1234", "123456789012", "ogpeditor"]:
            with self.subTest(password=weak), self.assertRaises(ValidationError):
                validate_password(weak, user=self.editor)
        validate_password("Tawjihi-olive-2021-lantern", user=self.editor)

    def test_the_admin_refuses_a_weak_password_for_a_new_account(self):
        self.client.force_login(make_user(is_staff=True, is_superuser=True))
        response = self.client.post(
            "/en/admin/auth/user/add/",
            {"username": "newstaff", "password1": "short1", "password2": "short1"},
        )
        assert response.status_code == 200
        assert not get_user_model().objects.filter(username="newstaff").exists()

    def test_language_switch_never_redirects_off_site(self):
        for target in ["//evil.example", "https://evil.example/", "/\\evil.example"]:
            with self.subTest(target=target):
                response = self.client.post("/i18n/setlang/", {"language": "en", "next": target})
                assert response.status_code == 302
                assert "evil.example" not in response["Location"]

    def test_sign_in_never_redirects_off_site(self):
        response = self.client.post(
            LOGIN + "?next=//evil.example", {"username": "editor", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response["Location"] == "/ar/manage/"


# --- behind a TLS proxy -------------------------------------------------------------------


@override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_SSL_REDIRECT=True,
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    ALLOWED_HOSTS=["ogp.example.gov.jo"],
)
class BehindProxyTests(TestCase):
    HOST = {"host": "ogp.example.gov.jo"}

    def test_plain_http_is_redirected_to_https(self):
        response = self.client.get("/ar/", headers=self.HOST)
        assert response.status_code == 301
        assert response["Location"] == "https://ogp.example.gov.jo/ar/"

    def test_https_from_the_proxy_is_served_with_hsts(self):
        response = self.client.get("/ar/", headers=self.HOST | {"x-forwarded-proto": "https"})
        assert response.status_code == 200
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )

    def test_absolute_links_are_https(self):
        request = RequestFactory().get("/ar/", headers=self.HOST | {"x-forwarded-proto": "https"})
        assert request.build_absolute_uri("/ar/plans/5/") == (
            "https://ogp.example.gov.jo/ar/plans/5/"
        )


# --- load_demo on a production site -------------------------------------------------------


@override_settings(PASSWORD_HASHERS=FAST_HASHER, DEBUG=False)
@mock.patch.dict("os.environ", {demo.PASSWORD_ENV: "demo-password-for-tests"})
class LoadDemoInProductionTests(TestCase):
    def load(self, *args):
        out = io.StringIO()
        call_command("load_demo", *args, stdout=out, password_file=Path("/nonexistent/pw"))
        return out.getvalue()

    def test_refuses_without_force_and_loads_nothing(self):
        with self.assertRaisesMessage(CommandError, "--force"):
            self.load()
        assert not get_user_model().objects.exists()

    def test_forced_the_superuser_has_no_usable_password(self):
        output = self.load("--force")
        admin = get_user_model().objects.get(username=demo.SUPERUSER)
        assert admin.is_superuser
        assert not admin.has_usable_password()
        assert "demo-password-for-tests" not in output.split("admin", 1)[1].splitlines()[0]
        assert "changepassword admin" in output
        # The role accounts work with the demo password (a demonstration server).
        assert (
            get_user_model()
            .objects.get(username="editor")
            .check_password("demo-password-for-tests")
        )

    def test_forced_again_keeps_the_password_the_operator_gave_the_superuser(self):
        self.load("--force")
        admin = get_user_model().objects.get(username=demo.SUPERUSER)
        admin.set_password("the-operators-own-long-password")
        admin.save()
        self.load("--force")
        admin.refresh_from_db()
        assert admin.check_password("the-operators-own-long-password")
        assert not admin.check_password("demo-password-for-tests")
