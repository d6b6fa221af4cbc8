"""History pages: every version of a plan, stage, commitment or milestone, and a word diff
of any two versions."""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from commitments import services
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from plans.models import MethodologyStage
from tests.factories import (
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_stages,
    make_user,
)
from tests.helpers import edit_commitment


def url(kind: str, pk: int, language: str = "en", **params) -> str:
    with translation.override(language):
        target = reverse("manage:history", kwargs={"kind": kind, "pk": pk})
    if params:
        target += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return target


def between(old, new) -> dict:
    return {"from": old.history_id, "to": new.history_id}


class HistorySetup(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.lead = make_organisation(name_en="Digital Economy")
        cls.other = make_organisation(name_en="Justice")
        cls.plan = make_plan(number=5)
        cls.stage = make_stages(cls.plan)[0]
        cls.editor = make_user(role=EDITOR, first_name="Rana", last_name="Haddad")
        cls.coordinator = make_user(role=COORDINATOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.lead.focal_points.add(cls.focal_point)
        cls.wrong_focal_point = make_user(role=FOCAL_POINT)
        cls.other.focal_points.add(cls.wrong_focal_point)
        cls.commitment = services.create_commitment(
            plan=cls.plan,
            data={
                "number": 1,
                "title_ar": "تحسين الوصول إلى المعلومات",
                "description_ar": "نشر البيانات المفتوحة للجميع",
                "lead_institution": cls.lead,
                "status": "draft",
            },
            by=cls.editor,
        )
        edit_commitment(
            cls.commitment, cls.editor, description_ar="نشر البيانات المفتوحة للمواطنين"
        )
        edit_commitment(cls.commitment, cls.coordinator, status="agreed")
        cls.milestone = make_milestone(commitment=cls.commitment, number=1, weight=100)


class HistoryDiffTests(HistorySetup):
    def test_default_compares_the_last_two_versions(self):
        self.client.force_login(self.editor)
        response = self.client.get(url("commitment", self.commitment.pk))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<bdi>3</bdi> versions", html=False)
        # The last change was the status: shown with its labels, not the raw values.
        self.assertContains(response, "<del>Draft</del><ins>Agreed</ins>", html=False)
        self.assertNotContains(response, "<del>draft</del>", html=False)

    def first_two_versions(self, *language):
        """The page comparing the commitment's first two versions, read by the editor."""
        first, second, _third = reversed(list(self.commitment.history.all()))
        self.client.force_login(self.editor)
        return self.client.get(
            url("commitment", self.commitment.pk, *language, **between(first, second))
        )

    def test_two_chosen_versions_show_the_changed_arabic_word(self):
        response = self.first_two_versions()
        self.assertContains(response, "Brief description (Arabic)")
        self.assertContains(response, "<del>للجميع</del><ins>للمواطنين</ins>", html=False)
        self.assertNotContains(response, "<del>Draft</del>", html=False)
        self.assertContains(response, "Rana Haddad")
        self.assertContains(response, "Created")
        self.assertContains(response, "Changed")

    def test_labels_follow_the_users_language(self):
        response = self.first_two_versions("ar")
        self.assertContains(response, 'lang="ar"')
        self.assertContains(response, "<del>للجميع</del><ins>للمواطنين</ins>", html=False)

    def test_unknown_versions_fall_back_to_the_last_two(self):
        self.client.force_login(self.editor)
        response = self.client.get(
            url("commitment", self.commitment.pk, **{"from": "x", "to": 999999})
        )
        self.assertContains(response, "<del>Draft</del><ins>Agreed</ins>", html=False)

    def test_plan_stage_and_milestone_histories(self):
        self.plan.title_en = "Fifth national action plan"
        self.plan.save()
        stage = MethodologyStage.objects.get(pk=self.stage.pk)
        stage.planned_start = datetime.date(2021, 3, 1)
        stage.save()
        self.client.force_login(self.coordinator)
        response = self.client.get(url("plan", self.plan.pk))
        self.assertContains(
            response, "<del>National</del><ins>Fifth national</ins> action plan", html=False
        )
        response = self.client.get(url("stage", self.stage.pk))
        self.assertContains(response, "Planned start")
        response = self.client.get(url("milestone", self.milestone.pk))
        self.assertContains(response, "<bdi>1</bdi> version", html=False)

    def test_unknown_kind_or_object_is_404(self):
        self.client.force_login(self.coordinator)
        self.assertEqual(self.client.get(url("letter", self.commitment.pk)).status_code, 404)
        self.assertEqual(self.client.get(url("commitment", 999999)).status_code, 404)


class HistoryRoleTests(HistorySetup):
    def test_anonymous_is_sent_to_sign_in(self):
        target = url("commitment", self.commitment.pk)
        response = self.client.get(target)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_roles(self):
        expected = [
            (self.editor, 200),
            (self.coordinator, 200),
            (self.forum_member, 200),  # forum members read drafts
            (self.focal_point, 200),
            (self.wrong_focal_point, 404),
        ]
        for kind, pk in [("commitment", self.commitment.pk), ("milestone", self.milestone.pk)]:
            for user, status in expected:
                with self.subTest(kind=kind, user=user.username):
                    self.client.force_login(user)
                    self.assertEqual(self.client.get(url(kind, pk)).status_code, status)

    def test_a_user_without_the_view_permission_is_refused(self):
        # The forum member may not view stages' organisations... but may view plans;
        # a focal point has no view permission on documents, and none on history of
        # another model: a user in no staff role gets 403.
        outsider = make_user()
        self.client.force_login(outsider)
        self.assertEqual(self.client.get(url("plan", self.plan.pk)).status_code, 403)

    def test_focal_points_see_plan_history(self):
        self.client.force_login(self.wrong_focal_point)
        self.assertEqual(self.client.get(url("plan", self.plan.pk)).status_code, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("versions", [3, 30])
def test_history_page_query_count_does_not_grow_with_versions(
    client, django_assert_num_queries, versions
):
    """Guards the N+1 of the history page: one author lookup, or one diff, per version.
    The page runs the same queries with 3 versions as with 30."""
    editor = make_user(role=EDITOR)
    commitment = make_commitment(lead_institution=make_organisation())
    for number in range(versions - 1):
        edit_commitment(commitment, editor, description_ar=f"النص رقم {number}")
    assert commitment.history.count() == versions
    client.force_login(editor)
    target = url("commitment", commitment.pk)
    # Session, user, groups (x2: staff check, scope check), permissions, versions (+ users),
    # the two versions' supporting institutions and policy areas.
    with django_assert_num_queries(8):
        response = client.get(target)
    assert response.status_code == 200
    assert response.content.decode().count('name="to"') == versions
