"""The comment form of the cached window and commitment pages is built and rendered once for
the choices it offers in one language, and kept: a page rendered again (another page of its
comments, its minute in the page cache run out, a comment published) reuses it, byte for
byte; a commitment or milestone renamed or added shows in its choices at once; a deployment
(`migrate`) renders it afresh; a refused post still comes back as it was sent, with its
messages."""

from unittest import mock

from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from consultations import forms
from consultations.forms import ChoiceRows, blank_form_html
from consultations.models import ModerationState
from tests.factories import make_comment, make_milestone
from tests.helpers import comment_post, make_open_window


def form_of(html: str) -> str:
    start = html.index('<form method="post"')
    return html[start : html.index("</form>", start)]


def counting_forms():
    """Counts the comment forms built (`.call_count`) while it is open."""
    return mock.patch.object(forms, "CommentForm", wraps=forms.CommentForm)


class KeptFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window, cls.first, cls.second = make_open_window()

    def window_page(self, language="en"):
        return f"/{language}" + reverse("consultations:detail", kwargs={"pk": self.window.pk})[3:]

    def test_a_page_rendered_again_reuses_the_form_without_building_it(self):
        commitment_page = self.first.get_absolute_url().replace("/ar/", "/en/", 1)
        for url in (self.window_page(), commitment_page):
            with counting_forms() as built:
                first = form_of(self.client.get(url, {"page": 1}).content.decode())
            assert built.call_count == 1
            with counting_forms() as built:
                again = form_of(self.client.get(url, {"other": 1}).content.decode())
            assert built.call_count == 0
            assert first == again
        assert f'name="commitment" value="{self.first.pk}"' in again

    def test_each_language_has_its_own_form(self):
        arabic = form_of(self.client.get(self.window_page("ar")).content.decode())
        english = form_of(self.client.get(self.window_page("en")).content.decode())
        assert "Your comment" in english and "Your comment" not in arabic
        assert self.first.title_en in english
        assert self.first.title_ar in arabic

    def test_a_title_changed_by_staff_shows_in_the_choices_at_once(self):
        self.client.get(self.window_page())
        self.first.title_en = "Open budget data for every municipality"
        self.first.save()
        make_milestone(commitment=self.second, number=1, title_en="A register of beneficiaries")
        page = form_of(self.client.get(self.window_page(), {"after": 1}).content.decode())
        assert "Open budget data for every municipality" in page
        assert "A register of beneficiaries" in page

    def test_a_published_comment_keeps_the_form(self):
        self.client.get(self.window_page())
        with counting_forms() as built:
            make_comment(
                window=self.window,
                body="Publish the budget.",
                state=ModerationState.PUBLISHED,
                published_at=timezone.now(),
            )
            page = self.client.get(self.window_page()).content.decode()
        assert "Publish the budget." in page
        assert built.call_count == 0

    def test_a_deployment_renders_the_form_afresh(self):
        self.client.get(self.window_page())
        call_command("migrate", verbosity=0)
        with counting_forms() as built:
            self.client.get(self.window_page(), {"after": 1})
        assert built.call_count == 1

    def test_the_kept_form_carries_nothing_of_one_visitor(self):
        with translation.override("en"):
            choices = ChoiceRows.read([self.first, self.second])
            html = blank_form_html(window=self.window, choices=choices)
        assert 'name="csrfmiddlewaretoken" value=""' in html
        assert 'name="form_token" value=""' in html

    def test_a_refused_post_comes_back_as_sent_with_its_messages(self):
        self.client.get(self.window_page())
        url = "/en" + reverse("consultations:comment", kwargs={"pk": self.window.pk})[3:]
        response = self.client.post(url, comment_post(self.window, body=""))
        page = response.content.decode()
        assert response.status_code == 400
        assert "Write your comment." in page
        assert 'value=""' not in form_of(page).split('name="csrfmiddlewaretoken"')[1][:40]
