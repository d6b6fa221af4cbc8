"""Shared fixtures. Browser tests use the system Chromium through Playwright."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety check
# would then refuse the ORM calls that live_server tests make to set up their data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def files_in_a_temporary_folder(tmp_path_factory):
    """Uploaded and generated files of the whole test run go to a temporary folder, never
    into the project's var/ (private files included)."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("files")
    settings.MEDIA_ROOT = root / "media"
    settings.PRIVATE_MEDIA_ROOT = root / "private"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a public page stored by an earlier test (under
    the same generation, the database rolled back since) would otherwise be served instead
    of being rendered from this test's data. Only the local-memory cache: tests that point
    the cache at a (closed) Redis check what happens on its first use."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture
def fresh_cache():
    """The default cache emptied before the test and after it, whatever its backend
    (a module asks for it with `pytest.mark.usefixtures("fresh_cache")`)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def english():
    """Pages and messages in English, so the assertions read them as written in the code
    (a module asks for it with `pytest.mark.usefixtures("english")`)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def editor(client, db):
    """An editor, signed in on `client`."""
    from tests.factories import make_user

    user = make_user(role="editor")
    client.force_login(user)
    return user


def skip_or_fail_in_ci(reason: str):
    """Elsewhere a missing browser skips, with the reason shown; in CI it is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """A headless system Chromium; skipped, with the reason shown, where it is not installed."""
    if not shutil.which("chromium"):
        skip_or_fail_in_ci(
            "system Chromium not installed (Debian package 'chromium'); .ci/run installs it"
        )
    try:
        from playwright import sync_api
    except ImportError:
        skip_or_fail_in_ci("Playwright for Python is not installed (requirements-dev.txt)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def two_editors(transactional_db):
    """The editors "first" and "second", who sign in with `tests.helpers.PASSWORD` (two
    browsers on the same edit page)."""
    from tests.factories import make_user
    from tests.helpers import PASSWORD

    return [
        make_user(username=name, password=PASSWORD, role="editor") for name in ("first", "second")
    ]
