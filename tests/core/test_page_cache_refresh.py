"""The anonymous page cache: a second visit costs no query, and a staff edit shows at once.

Invalidation is a generation counter bumped by a post_save/post_delete/m2m_changed signal
on every domain row the public can see (core/apps.py; tests/core/test_page_cache.py)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.page_cache import generation
from plans.services import update_plan
from tests.factories import make_commitment, make_fifth_plan, make_user, make_window

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

CACHED_PATHS = [
    "/ar/",
    "/en/plans/5/",
    "/en/plans/",
    "/ar/commitments/",
    "/en/meetings/",
    "/en/documents/",
    "/en/plans/5/compliance/",
    "/en/search/?q=plan",
    "/en/data/",
    "/sitemap.xml",
    "/robots.txt",
]


@pytest.fixture
def plan():
    return make_fifth_plan()


@pytest.mark.parametrize("path", CACHED_PATHS)
def test_a_second_anonymous_visit_runs_no_query(client, plan, path, django_assert_num_queries):
    first = client.get(path)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    with django_assert_num_queries(0):
        assert client.head(path).status_code == 200


def test_edit_then_the_public_page_shows_the_new_text(client, plan):
    coordinator = make_user(role="coordinator")
    assert "Fifth plan" in client.get("/en/").content.decode()
    assert "Fifth plan" in client.get("/en/plans/").content.decode()
    update_plan(
        plan=plan, data={"title_en": "Fifth plan, revised"}, expected_version=1, by=coordinator
    )
    assert "Fifth plan, revised" in client.get("/en/").content.decode()
    assert "Fifth plan, revised" in client.get("/en/plans/").content.decode()


def test_publishing_a_commitment_shows_it_on_the_cached_lists(client, plan):
    commitment = make_commitment(plan=plan, number=1, title_en="Open budgets", is_published=False)
    assert "Open budgets" not in client.get("/en/commitments/").content.decode()
    commitment.is_published = True
    commitment.save()  # the admin and the importers save directly too
    assert "Open budgets" in client.get("/en/commitments/").content.decode()
    commitment.delete()
    assert "Open budgets" not in client.get("/en/commitments/").content.decode()


def test_many_to_many_changes_bump_the_generation(plan):
    commitment = make_commitment(plan=plan, number=1)
    before = generation()
    commitment.supporting_institutions.add(commitment.lead_institution)
    assert generation() > before


def test_signed_in_staff_always_get_a_fresh_page(client, plan):
    client.get("/en/plans/")
    client.force_login(make_user(role="editor"))
    plan.__class__.objects.filter(pk=plan.pk).update(title_en="Changed without a signal")
    assert "Changed without a signal" in client.get("/en/plans/").content.decode()


def test_pages_with_the_comment_form_are_cached_without_its_tokens(client, plan):
    window = make_window(plan=plan)
    commitment = make_commitment(plan=plan, number=1)
    window.commitments.add(commitment)
    for path in (f"/en/consultations/{window.pk}/", commitment.get_absolute_url()):
        cache.clear()
        first = client.get(path)
        assert any(key.startswith(":1:public-page:") for key in cache._cache)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(path)
        assert len(queries) == 0
        # The same page for every visitor: the form's tokens come from the token endpoint.
        assert first.content == second.content
        assert 'name="csrfmiddlewaretoken" value=""' in second.content.decode()
        assert "csrftoken" not in first.cookies


def test_languages_are_cached_apart(client, plan):
    assert 'lang="ar"' in client.get("/ar/plans/").content.decode()
    assert 'lang="en"' in client.get("/en/plans/").content.decode()
    assert 'lang="ar"' in client.get("/ar/plans/").content.decode()


def test_each_host_gets_its_own_absolute_links(client, plan, settings):
    settings.ALLOWED_HOSTS = ["portal.example", "www.portal.example"]
    first = client.get("/sitemap.xml", HTTP_HOST="portal.example").content.decode()
    second = client.get("/sitemap.xml", HTTP_HOST="www.portal.example").content.decode()
    assert "http://portal.example/ar/" in first
    assert "http://www.portal.example/ar/" in second
