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


@pytest.fixture(scope="session")
def browser():
    """A headless system Chromium; skipped, with the reason shown, where it is not installed."""
    if not shutil.which("chromium"):
        pytest.skip(
            "system Chromium not installed (Debian package 'chromium'); .ci/run installs it"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
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
