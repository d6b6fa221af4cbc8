"""The public "what changed since the draft" page of a commitment, and its link."""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from commitments import services
from commitments.models import Commitment
from tests.factories import make_milestone, make_organisation, make_plan, make_user
from tests.helpers import edit_commitment


def changes_url(commitment, language: str = "en") -> str:
    with translation.override(language):
        return reverse(
            "commitments:changes",
            kwargs={"plan_number": commitment.plan.number, "number": commitment.number},
        )


def detail_url(commitment, language: str = "en") -> str:
    with translation.override(language):
        return commitment.get_absolute_url()


def draft(plan, editor, *, number: int = 1, milestones: int = 1) -> Commitment:
    """A commitment written, given its milestones, then published: the draft put to
    consultation."""
    commitment = services.create_commitment(
        plan=plan,
        data={
            "number": number,
            "title_ar": "تحسين الوصول إلى المعلومات",
            "title_en": "Better access to information",
            "description_ar": "نشر البيانات المفتوحة للجميع",
            "problem_en": "Data is hard to find",
            "lead_institution": make_organisation(),
            "contact_email": "first.contact@example.org",
            "contact_name": "Old Contact",
            "status": "draft",
        },
        by=editor,
        milestones=[
            services.MilestoneRow(
                data={
                    "title_ar": f"المعلم {n}",
                    "starts_on": datetime.date(2022, 1, 1),
                    "ends_on": datetime.date(2022, 6, 30),
                    "weight": 100 // milestones + (100 % milestones if n == 1 else 0),
                }
            )
            for n in range(1, milestones + 1)
        ],
    )
    return services.set_commitment_published(commitment=commitment, published=True, by=editor)


class ChangesPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user(role="editor")
        cls.plan = make_plan(number=5)
        cls.commitment = draft(cls.plan, cls.editor)

    def test_nothing_changed_yet_and_no_link(self):
        response = self.client.get(changes_url(self.commitment))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The text has not changed since it was first published.")
        detail = self.client.get(detail_url(self.commitment))
        self.assertNotContains(detail, changes_url(self.commitment))

    def test_shows_the_changed_words_and_is_linked_from_the_commitment(self):
        edit_commitment(
            self.commitment,
            self.editor,
            description_ar="نشر البيانات المفتوحة للمواطنين",
            contact_email="new.contact@example.org",
            contact_name="New Contact",
        )
        response = self.client.get(changes_url(self.commitment, "ar"))
        self.assertContains(response, "<del>للجميع</del><ins>للمواطنين</ins>", html=False)
        self.assertContains(response, 'lang="ar" dir="rtl"')
        detail = self.client.get(detail_url(self.commitment, "ar"))
        self.assertContains(detail, changes_url(self.commitment, "ar"))

    def test_contact_fields_are_never_shown(self):
        edit_commitment(
            self.commitment,
            self.editor,
            problem_en="Data is hard to find and to reuse",
            contact_email="new.contact@example.org",
            contact_name="New Contact",
        )
        response = self.client.get(changes_url(self.commitment))
        self.assertContains(response, "<ins> and to reuse</ins>", html=False)
        for private in ("example.org", "Old Contact", "New Contact", "Contact"):
            self.assertNotContains(response, private)

    def test_a_change_of_contact_alone_is_no_public_change(self):
        edit_commitment(self.commitment, self.editor, contact_email="new.contact@example.org")
        response = self.client.get(changes_url(self.commitment))
        self.assertContains(response, "The text has not changed since it was first published.")
        self.assertNotContains(
            self.client.get(detail_url(self.commitment)), changes_url(self.commitment)
        )

    def test_milestone_changes_are_shown(self):
        milestone = self.commitment.milestones.get()
        self.commitment.refresh_from_db()
        services.update_commitment(
            commitment=self.commitment,
            data={},
            expected_version=self.commitment.version,
            by=self.editor,
            milestones=[
                services.MilestoneRow(
                    pk=milestone.pk,
                    data={
                        "title_ar": "المعلم الأول المعدل",
                        "starts_on": milestone.starts_on,
                        "ends_on": milestone.ends_on,
                        "weight": 60,
                    },
                ),
                services.MilestoneRow(
                    data={
                        "title_ar": "معلم جديد",
                        "starts_on": datetime.date(2022, 7, 1),
                        "ends_on": datetime.date(2022, 12, 31),
                        "weight": 40,
                    }
                ),
            ],
        )
        response = self.client.get(changes_url(self.commitment))
        self.assertContains(response, "Milestone 1: Title (Arabic)")
        self.assertContains(response, "<del>1</del><ins>الأول المعدل</ins>", html=False)
        self.assertContains(response, "Milestone 2: Title (Arabic)")
        self.assertContains(response, "<ins>معلم جديد</ins>", html=False)
        self.assertContains(response, "<del>100</del><ins>60</ins>", html=False)

    def test_unpublished_commitment_is_404(self):
        edit_commitment(self.commitment, self.editor, description_ar="نص آخر")
        services.set_commitment_published(
            commitment=self.commitment, published=False, by=self.editor
        )
        self.assertEqual(self.client.get(changes_url(self.commitment)).status_code, 404)

    def test_plan_not_public_is_404(self):
        hidden_plan = make_plan(number=6, is_public=False)
        hidden = draft(hidden_plan, self.editor)
        self.assertEqual(self.client.get(changes_url(hidden)).status_code, 404)

    def test_unknown_commitment_is_404(self):
        with translation.override("en"):
            target = reverse("commitments:changes", kwargs={"plan_number": 5, "number": 99})
        self.assertEqual(self.client.get(target).status_code, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("milestones", [1, 12])
def test_changes_page_query_count_does_not_grow(client, django_assert_num_queries, milestones):
    """Guards the N+1 of the "what changed since the draft" page: one history lookup per
    milestone. The page runs the same queries with 1 milestone as with 12, each edited."""
    editor = make_user(role="editor")
    commitment = draft(make_plan(number=7), editor, milestones=milestones)
    for milestone in commitment.milestones.all():
        milestone.title_ar += " (معدل)"
        milestone.save()
    edit_commitment(commitment, editor, description_ar="نص جديد")
    make_milestone(commitment=commitment, number=99, weight=1)
    target = changes_url(commitment)
    # Commitment (+ plan, lead institution), milestones, first published version,
    # milestones as they were then.
    with django_assert_num_queries(4):
        response = client.get(target)
    assert response.status_code == 200
    assert response.content.decode().count("(معدل)") == milestones
