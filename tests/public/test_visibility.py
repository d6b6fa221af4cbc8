"""One rule of "visible on the public site" per model (`public()` / `Commitment.published()`):
published, on a plan made public, of this site's country. Every public page, the search,
the sitemap, the calendar and open data show exactly those rows; the workspace still
shows the rest to staff."""

import json

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment
from consultations.models import Comment, CommentWindow, ModerationState
from core.roles import EDITOR
from meetings.models import Meeting
from plans.models import ActionPlan, Document
from tests.factories import (
    make_comment,
    make_commitment,
    make_document,
    make_plan,
    make_published_meeting,
    make_user,
    make_window,
)

SHOWN = "Shown everywhere"
HIDDEN = "Never on the public site"


def rows_of(plan, label: str) -> dict:
    """A commitment, published minutes, a public window with a published comment and a
    public document on `plan`, each titled `label`."""
    window = make_window(plan=plan, title_en=f"{label} window")
    return {
        "commitment": make_commitment(plan=plan, title_en=f"{label} commitment"),
        "meeting": make_published_meeting(plan=plan, title_en=f"{label} meeting"),
        "window": window,
        "comment": make_comment(
            window=window,
            body=f"{label} comment",
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        ),
        "document": make_document(
            plan=plan, title_en=f"{label} document", is_public=True, published_at=timezone.now()
        ),
    }


class VisibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.public_plan = make_plan(number=71, title_en=f"{SHOWN} plan")
        cls.shown = rows_of(cls.public_plan, SHOWN)
        cls.shown["forum"] = make_published_meeting(title_en=f"{SHOWN} forum meeting")
        cls.private_plan = make_plan(number=72, is_public=False, title_en=f"{HIDDEN} plan")
        cls.foreign_plan = make_plan(number=73, country_code="TN", title_en=f"{HIDDEN} plan")
        cls.hidden = [rows_of(cls.private_plan, HIDDEN), rows_of(cls.foreign_plan, HIDDEN)]
        cls.editor = make_user(role=EDITOR)

    def test_each_model_names_the_whole_rule(self):
        self.assertEqual(list(ActionPlan.objects.public()), [self.public_plan])
        self.assertEqual(list(Commitment.objects.published()), [self.shown["commitment"]])
        self.assertEqual(
            set(Meeting.objects.public()), {self.shown["meeting"], self.shown["forum"]}
        )
        self.assertEqual(list(CommentWindow.objects.public()), [self.shown["window"]])
        self.assertEqual(list(Comment.objects.public()), [self.shown["comment"]])
        self.assertEqual(list(Document.objects.public()), [self.shown["document"]])

    def test_detail_pages_of_hidden_rows_are_404_for_anonymous_visitors(self):
        for rows in self.hidden:
            plan = rows["commitment"].plan
            urls = [
                reverse("commitments:detail", args=[plan.number, rows["commitment"].number]),
                reverse("meetings:detail", args=[rows["meeting"].pk]),
                reverse("consultations:detail", args=[rows["window"].pk]),
                reverse("consultations:comment", args=[rows["window"].pk]),
            ]
            for url in urls:
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_detail_pages_of_shown_rows_answer(self):
        plan = self.public_plan
        urls = [
            reverse("commitments:detail", args=[plan.number, self.shown["commitment"].number]),
            reverse("meetings:detail", args=[self.shown["meeting"].pk]),
            reverse("meetings:detail", args=[self.shown["forum"].pk]),
            reverse("consultations:detail", args=[self.shown["window"].pk]),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_lists_search_sitemap_and_open_data_show_only_public_rows(self):
        pages = {
            "commitments": self.client.get("/en/commitments/"),
            "meetings": self.client.get("/en/meetings/"),
            "documents": self.client.get("/en/documents/"),
            "search": self.client.get("/en/search/?q=Never"),
            "sitemap": self.client.get("/sitemap.xml"),
        }
        for slug in ("plans", "commitments", "meetings", "comments"):
            pages[f"data/{slug}"] = self.client.get(f"/en/data/{slug}.json")
        for name, response in pages.items():
            with self.subTest(page=name):
                self.assertEqual(response.status_code, 200)
                self.assertNotIn(HIDDEN, response.content.decode())
        self.assertContains(pages["commitments"], f"{SHOWN} commitment")
        self.assertContains(pages["meetings"], f"{SHOWN} meeting")
        self.assertContains(pages["documents"], f"{SHOWN} document")
        comments = json.loads(pages["data/comments"].content)
        self.assertEqual([row["comment"] for row in comments], [f"{SHOWN} comment"])
        for rows in self.hidden:
            self.assertNotContains(
                pages["sitemap"], reverse("consultations:detail", args=[rows["window"].pk])
            )
            self.assertNotContains(
                pages["sitemap"], reverse("meetings:detail", args=[rows["meeting"].pk])
            )

    def test_staff_still_open_hidden_rows_in_the_workspace(self):
        rows = self.hidden[0]
        url = reverse("manage:commitment_detail", args=[rows["commitment"].pk])
        self.assertEqual(self.client.get(url).status_code, 302)
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(url).status_code, 403)
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(url), f"{HIDDEN} commitment")
