"""Search engines and sharing: titles, descriptions, canonical and hreflang links, the
sitemap (public pages only, both languages) and robots.txt (the workspace kept out)."""

import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.utils import timezone

from meetings.models import MinutesState
from tests.factories import make_commitment, make_meeting, make_plan, make_window

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def site():
    plan = make_plan(number=5, title_en="Fifth plan")
    hidden = make_plan(number=6, is_public=False)
    make_commitment(plan=plan, number=1)
    make_commitment(plan=plan, number=2, is_published=False)
    make_commitment(plan=hidden, number=1)
    published = make_meeting(
        plan=plan, minutes_state=MinutesState.PUBLISHED, minutes_published_at=timezone.now()
    )
    draft = make_meeting(plan=plan)
    window = make_window(plan=plan)
    return {"published": published, "draft": draft, "window": window}


@pytest.mark.parametrize(
    "path",
    ["/ar/", "/en/plans/", "/en/plans/5/", "/ar/commitments/", "/en/documents/", "/en/data/"],
)
def test_pages_name_their_canonical_address_and_both_languages(client, site, path):
    page = client.get(path + "?page=2&x=1").content.decode()
    bare = path.split("/", 2)[2]
    assert f'<link rel="canonical" href="http://testserver{path}">' in page
    assert f'hreflang="ar" href="http://testserver/ar/{bare}"' in page
    assert f'hreflang="en" href="http://testserver/en/{bare}"' in page
    assert 'hreflang="x-default"' in page
    assert '<meta name="description" content="' in page
    assert "<title>" in page


def test_list_pages_have_their_own_titles(client, site):
    assert "<title>Commitments</title>" in client.get("/en/commitments/").content.decode()
    assert "<title>Document repository</title>" in client.get("/en/documents/").content.decode()


def test_sitemap_lists_public_pages_in_both_languages_only(client, site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = {element.text for element in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    for language in ("ar", "en"):
        assert f"http://testserver/{language}/" in locations
        assert f"http://testserver/{language}/plans/5/" in locations
        assert f"http://testserver/{language}/plans/5/compliance/" in locations
        assert f"http://testserver/{language}/plans/5/commitments/1/" in locations
        assert f"http://testserver/{language}/meetings/{site['published'].pk}/" in locations
        assert f"http://testserver/{language}/consultations/{site['window'].pk}/" in locations
        assert f"http://testserver/{language}/plans/6/" not in locations
        assert f"http://testserver/{language}/plans/5/commitments/2/" not in locations
        assert f"http://testserver/{language}/meetings/{site['draft'].pk}/" not in locations
    assert not any("/manage/" in url or "/admin/" in url for url in locations)
    for location in locations:
        assert client.get(location.removeprefix("http://testserver")).status_code == 200


def test_robots_keeps_the_workspace_out_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Disallow: /ar/manage/" in text and "Disallow: /en/admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert client.head("/robots.txt").status_code == 200


# Public plans, published commitments (+ plan), published meetings, public windows.
SITEMAP_QUERIES = 4


def test_sitemap_queries_do_not_grow_with_the_site(client, site, django_assert_num_queries):
    """Guards the N+1 of the sitemap: a query per commitment for its plan's number."""
    with django_assert_num_queries(SITEMAP_QUERIES):
        client.get("/sitemap.xml")
    plan = make_plan(number=7)
    for n in range(1, 12):
        make_commitment(plan=plan, number=n)
        make_meeting(
            plan=plan, minutes_state=MinutesState.PUBLISHED, minutes_published_at=timezone.now()
        )
    cache.clear()
    with django_assert_num_queries(SITEMAP_QUERIES):
        client.get("/sitemap.xml")


def test_plan_page_links_to_its_compliance_documents_and_lists(client, site):
    page = client.get("/en/plans/5/").content.decode()
    for link in [
        "/en/plans/5/compliance/",
        "/en/documents/?plan=5",
        "/en/commitments/?plan=5",
        "/en/meetings/?plan=5",
    ]:
        assert f'href="{link}"' in page
