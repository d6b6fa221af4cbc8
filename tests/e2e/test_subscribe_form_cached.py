"""The sign-up form for consultation news on its cached page, in a browser: the page carries
no CSRF value, the script asks for one when the visitor reaches the form, and the first
press of "Sign up" goes through."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations.models import Subscription

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_the_first_sign_up_from_the_cached_page_goes_through(page, live_server):
    url = live_server.url + "/ar/consultations/subscribe/"
    page.goto(url)  # stored in the page cache by this first visit
    page.goto(url)
    assert page.input_value("input[name=csrfmiddlewaretoken]") == ""
    page.fill("input[name=email]", "reader@example.org")
    # A locator check, not wait_for_function: the page's CSP refuses the eval that a polled
    # string predicate needs.
    expect(page.locator("input[name=csrfmiddlewaretoken]")).not_to_have_value("")
    page.click("button[type=submit]")
    page.wait_for_url("**/consultations/subscribe/sent/")
    assert Subscription.objects.get().email == "reader@example.org"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_press_before_the_value_arrives_still_sends_once(page, live_server):
    page.goto(live_server.url + "/en/consultations/subscribe/")
    page.evaluate("document.querySelector('input[name=email]').value = 'quick@example.org'")
    page.evaluate("document.querySelector('form.subscribe-form').requestSubmit()")
    page.wait_for_url("**/consultations/subscribe/sent/")
    assert Subscription.objects.get().email == "quick@example.org"
