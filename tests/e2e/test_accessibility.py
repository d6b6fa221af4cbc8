"""Every public and workspace page type, in Arabic and English, at 390 px and 1366 px:
no serious or critical axe-core violation (WCAG 2.2 AA rules), and no page wider than the
window. One browser and one live server; the public site and the workspace are two tests.

axe-core comes from node_modules (a development dependency in package.json); it is
injected through the DevTools protocol, never served by the site. What axe cannot judge
is checked here too where a browser can: targets of at least 24 px (2.5.8), focus not
hidden under a sticky bar (2.4.11), help in the same place on every page (3.2.6); see
templates/public/accessibility.html for the rest."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from core import roles
from demo import loader as demo
from tests.helpers import FAST_HASHER, Crawl, kind

pytestmark = pytest.mark.e2e

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# Pages photographed for a person to look at (test-artifacts/, git-ignored).
SHOTS = {"manage/": "dashboard", "manage/consultations/comments/": "comments", "": "home"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PASSWORD = "demo-password-long-enough"
# WCAG 2.0-2.2 A and AA rules, and axe's best practices that are about reading order.
AXE_RUN = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
        resultTypes: ["violations"],
    });
    return result.violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => `${v.id} (${v.impact}): ${v.help} -> ` +
                  v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
}"""
TOO_WIDE = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
# Interactive targets smaller than 24 px that are not inline in a sentence (2.5.8).
SMALL_TARGETS = """() => [...document.querySelectorAll(
        "button, [role=button], input:not([type=hidden]), select, .btn, nav a")]
    .filter(e => e.offsetParent !== null)
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.width < 24 || r.height < 24); })
    .filter(e => !["checkbox", "radio"].includes(e.type))
    .map(e => e.outerHTML.slice(0, 80))"""


@pytest.fixture
def demo_site(transactional_db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHER
    demo.load_demo(now=timezone.now(), password=PASSWORD)


def one_page_of_each_kind(client, start: str) -> list[str]:
    crawl = Crawl(client, start, start, limit=3)
    pages = {}
    for path in crawl.html:
        pages.setdefault(kind(path), path)
    return sorted(pages.values())


def check_page(page, url: str) -> list[str]:
    problems = []
    page.set_viewport_size(DESKTOP)
    response = page.goto(url, wait_until="domcontentloaded")
    if response.status != 200:
        return [f"{url}: answered {response.status}"]
    for width, viewport in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(viewport)
        name = SHOTS.get(url.split("/", 3)[3].split("/", 1)[1])
        if name:
            ARTIFACTS.mkdir(exist_ok=True)
            language = url.split("/", 3)[3].split("/", 1)[0]
            page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{language}-{width}.png"))
        problems += [f"{url} @{width}: {v}" for v in page.evaluate(AXE_RUN)]
        if page.evaluate(TOO_WIDE):
            wide = page.evaluate("document.documentElement.scrollWidth")
            problems.append(f"{url} @{width}: {wide} px wide")
    # Help in the same place on every page (3.2.6): the statement, linked at the bottom.
    if not page.locator("footer a[href$='/accessibility/']").count():
        problems.append(f"{url}: no link to the accessibility statement in the footer")
    small = page.evaluate(SMALL_TARGETS)
    problems += [f"{url}: target under 24 px: {html}" for html in small[:3]]
    return problems


def check_every_kind(browser, live_server, start: str, client: Client, least: int) -> None:
    """One page of each kind reached from `start` by `client`, in both languages."""
    started = time.monotonic()
    paths = one_page_of_each_kind(client, start)
    assert len(paths) > least
    print(f"crawled in {time.monotonic() - started:.0f} s")
    problems = []
    started = time.monotonic()
    context = browser.new_context()
    # axe-core in every page the test opens, never in what the site serves.
    context.add_init_script(path=str(AXE))
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is not None:
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    for path in paths:
        for language in ("ar", "en"):
            url = live_server.url + path.replace("/ar/", f"/{language}/", 1)
            problems += check_page(page, url)
    context.close()
    print(f"{len(paths)} page types checked in {time.monotonic() - started:.0f} s")
    assert problems == [], "\n".join(problems)


# Two tests, not one loop: the public site and the workspace run on the two workers at once.


def test_every_public_page_type_is_accessible_in_both_languages_and_widths(
    browser, live_server, demo_site
):
    check_every_kind(browser, live_server, "/ar/", Client(), least=15)


def test_every_workspace_page_type_is_accessible_in_both_languages_and_widths(
    browser, live_server, demo_site
):
    staff = Client()
    staff.force_login(User.objects.get(username=roles.COORDINATOR))
    check_every_kind(browser, live_server, "/ar/manage/", staff, least=20)
