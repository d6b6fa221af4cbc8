"""`page_cache.stored_pages`: a stored public page answered early, exactly as the view's
wrapper would answer it after the whole middleware stack."""

from unittest import mock

import pytest
from django.conf import settings

from tests.factories import make_fifth_plan, make_user

pytestmark = pytest.mark.django_db

# Headers that name the moment of the response, not the page.
MOMENT = {"Date", "Expires"}
# The view's wrapper asks this first: patched to fail, it proves the middleware answered.
BEFORE_THE_VIEW = mock.patch(
    "core.page_cache.cacheable_request", side_effect=AssertionError("reached the view")
)


@pytest.fixture
def plan():
    return make_fifth_plan()


def headers(response) -> dict:
    return {name: value for name, value in response.headers.items() if name not in MOMENT}


@pytest.mark.parametrize("path", ["/ar/", "/en/plans/5/", "/en/search/?q=plan", "/sitemap.xml"])
def test_the_stored_copy_carries_the_same_headers_as_the_rendered_page(
    client, plan, path, django_assert_num_queries
):
    rendered = client.get(path)
    with django_assert_num_queries(0), BEFORE_THE_VIEW:
        stored = client.get(path)
    assert stored.status_code == 200
    assert stored.content == rendered.content
    assert headers(stored) == headers(rendered)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary"):
        assert header in stored


def test_a_page_without_language_prefix_still_varies_with_the_browser_language(client, plan):
    client.get("/sitemap.xml")
    vary = client.get("/sitemap.xml")["Vary"]
    assert "Accept-Language" in vary
    assert "Cookie" in vary


def test_a_visitor_with_a_session_but_not_signed_in_gets_the_stored_copy_too(client, plan):
    rendered = client.get("/en/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    with mock.patch("public.home.render_plan", side_effect=AssertionError("rendered")):
        stored = client.get("/en/")
    assert stored.content == rendered.content


def test_a_signed_in_editor_is_never_answered_from_the_store(client, plan):
    client.get("/en/")
    client.force_login(make_user(role="editor"))
    plan.__class__.objects.filter(pk=plan.pk).update(title_en="Changed without a signal")
    assert "Changed without a signal" in client.get("/en/").content.decode()


def test_a_post_is_never_answered_from_the_store(client, plan):
    client.get("/en/")
    assert client.post("/en/").status_code == 405


def test_a_page_missed_once_is_stored_for_the_next_visitor(client, plan):
    """The wrapper stores the page under the key the middleware looked up in vain."""
    first = client.get("/en/plans/")
    with BEFORE_THE_VIEW:
        assert client.get("/en/plans/").content == first.content


def test_head_is_answered_from_the_store(client, plan):
    client.get("/en/plans/")
    with BEFORE_THE_VIEW:
        assert client.head("/en/plans/").status_code == 200
