"""The public lists, compliance, search and open data pages in a real browser: axe-core
finds no serious or critical violation, in Arabic at phone width and English on a desktop,
and nothing scrolls sideways. Screenshots go to test-artifacts/."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from plans.models import DocumentKind
from tests.e2e.test_public_pages import (
    DESKTOP,
    PHONE,
    has_horizontal_scroll,
    open_page,
    screenshot,
    serious_axe_violations,
    site,  # noqa: F401 (the fifth plan midway through co-creation)
)
from tests.factories import make_document

pytestmark = pytest.mark.e2e

PATHS = {
    "plans": "plans/",
    "commitments": "commitments/?status=draft",
    "meetings": "meetings/",
    "documents": "documents/",
    "compliance": "plans/5/compliance/",
    "search": "search/?q=الشفافيه",
    "search-en": "search/?q=integrity",
    "data": "data/",
}
VIEWPORTS = [("ar", "phone", PHONE), ("en", "desktop", DESKTOP), ("ar", "desktop", DESKTOP)]


@pytest.mark.parametrize("what", list(PATHS))
@pytest.mark.parametrize(
    ("lang", "label", "viewport"), VIEWPORTS, ids=["ar-phone", "en-desktop", "ar-desktop"]
)
def test_public_site_page_in_the_browser(page, live_server, site, what, lang, label, viewport):  # noqa: F811
    cache.clear()
    make_document(
        plan=site["plan"],
        kind=DocumentKind.TIMELINE,
        title_ar="الجدول الزمني لإعداد الخطة",
        title_en="Timeline of the plan",
        is_public=True,
        published_at=timezone.now(),
    )
    problems = open_page(page, f"{live_server.url}/{lang}/{PATHS[what]}", viewport)
    screenshot(page, f"{lang}-{what}-{label}.png")
    html = page.locator("html")
    assert html.get_attribute("lang") == lang
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert not has_horizontal_scroll(page), f"horizontal scroll at {viewport['width']}px"
    assert problems["static"] == []
    assert problems["console"] == []
    assert serious_axe_violations(page) == []
