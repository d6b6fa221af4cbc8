"""Markup the workspace shows in several places, kept in one include or base template each:
a comment window's state badge and breadcrumb, a plan's breadcrumb and status line, the
word-by-word differences between two versions, and the versioned edit form whose conflict
panel submits `#edit-form`."""

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import translation

from core.roles import COORDINATOR
from tests.factories import make_plan, make_stages, make_user
from tests.helpers import browser_form_data


class WindowStateBadgeTests(SimpleTestCase):
    def render(self, state: str) -> str:
        with translation.override("en"):
            return render_to_string("manage/consultations/_window_state.html", {"state": state})

    def test_each_state_has_its_own_colour_and_word(self):
        self.assertHTMLEqual(self.render("open"), '<span class="badge text-bg-success">Open</span>')
        self.assertHTMLEqual(
            self.render("upcoming"), '<span class="badge text-bg-info">Upcoming</span>'
        )
        self.assertHTMLEqual(
            self.render("closed"), '<span class="badge text-bg-secondary">Closed</span>'
        )

    def test_the_badge_is_translated(self):
        with translation.override("ar"):
            html = render_to_string("manage/consultations/_window_state.html", {"state": "open"})
        self.assertNotIn(">Open<", html)


class WindowBreadcrumbTests(SimpleTestCase):
    def render(self, window) -> str:
        with translation.override("en"):
            return render_to_string(
                "manage/consultations/_window_breadcrumb.html", {"window": window}
            )

    def test_the_window_follows_the_list_of_windows(self):
        window = SimpleNamespace(pk=7, title="Draft plan")
        html = self.render(window)
        with translation.override("en"):
            windows = reverse("manage:consultation_windows")
            detail = reverse("manage:consultation_window", args=[7])
        self.assertLess(html.index(windows), html.index(detail))
        self.assertIn("Draft plan", html)

    def test_without_a_window_only_the_list_is_linked(self):
        html = self.render(None)
        self.assertEqual(html.count('class="breadcrumb-item"'), 1)


class WordDiffTests(SimpleTestCase):
    rows = [
        {"label": "Title", "dir": "rtl", "diff": "عنوان"},
        {"label": "Summary", "dir": "ltr", "diff": "text"},
        {"label": "Number", "dir": "auto", "diff": "5"},
    ]

    def render(self, **context) -> str:
        with translation.override("en"):
            return render_to_string("manage/_word_diff.html", {"rows": self.rows, **context})

    def test_each_row_is_marked_with_its_language(self):
        html = self.render(table_class="history-diff")
        self.assertIn('dir="rtl" lang="ar"', html)
        self.assertIn('dir="ltr" lang="en"', html)
        self.assertIn('<td class="word-diff" dir="auto">5</td>', html)
        self.assertIn('class="table table-sm history-diff"', html)

    def test_the_caption_is_shown_only_when_given(self):
        self.assertNotIn("<caption", self.render())
        html = self.render(caption="What changed since the letter")
        self.assertIn(
            '<caption class="visually-hidden">What changed since the letter</caption>', html
        )


class PlanMarkupTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(title_en="Fifth plan")
        make_stages(cls.plan)
        cls.coordinator = make_user(role=COORDINATOR)

    def test_the_breadcrumb_leads_from_the_plans_to_the_plan_and_its_document(self):
        with translation.override("en"):
            html = render_to_string(
                "manage/plans/_breadcrumb.html", {"plan": self.plan, "document": True}
            )
            links = [
                reverse("manage:plan_list"),
                reverse("manage:plan_detail", args=[self.plan.number]),
                reverse("manage:plan_document", args=[self.plan.number]),
            ]
        positions = [html.index(f'href="{link}"') for link in links]
        self.assertEqual(positions, sorted(positions))

    def test_the_plan_page_and_the_dashboard_show_the_same_status_line(self):
        self.client.force_login(self.coordinator)
        with translation.override("en"):
            detail = reverse("manage:plan_detail", args=[self.plan.number])
        for url in (detail, "/en/manage/"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "On the public site")
                self.assertContains(response, "stages completed")

    def test_the_edit_form_carries_its_version_and_its_own_cancel_link(self):
        self.client.force_login(self.coordinator)
        with translation.override("en"):
            url = reverse("manage:plan_edit", args=[self.plan.number])
            detail = reverse("manage:plan_detail", args=[self.plan.number])
        response = self.client.get(url)
        html = response.content.decode()
        self.assertEqual(html.count('id="edit-form"'), 1)
        self.assertIn("version", browser_form_data(html))
        self.assertContains(response, "Save the plan")
        self.assertContains(response, f'class="btn btn-link" href="{detail}"')
