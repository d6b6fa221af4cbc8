"""Stage gates (what stops a methodology stage from completing) and the staff roles."""

import datetime

from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from django.utils import timezone, translation

from commitments.models import CommitmentStatus, Decision
from consultations.models import HiddenReason, ModerationState
from core.roles import (
    CIVIL_SOCIETY,
    COORDINATOR,
    EDITOR,
    FOCAL_POINT,
    FORUM_MEMBER,
    ROLE_PERMISSIONS,
    sync_roles,
)
from plans.gates import gate_problems
from tests.factories import (
    make_approval_letter,
    make_comment,
    make_commitment,
    make_plan,
    make_response,
    make_user,
    make_window,
)

REPLY = datetime.date(2021, 12, 20)


def problems(plan, stage: int) -> list[str]:
    with translation.override("en"):
        return [str(problem) for problem in gate_problems(plan, stage)]


def approve(commitment, **fields):
    return make_approval_letter(
        commitment=commitment, decision=Decision.APPROVED, received_on=REPLY, **fields
    )


class ApprovalGateTests(TestCase):
    """Stage 5 completes only when every commitment is approved for its current text."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()
        cls.first = make_commitment(plan=cls.plan, number=1)
        cls.second = make_commitment(plan=cls.plan, number=2)
        approve(cls.first)

    def test_commitment_without_an_approval_is_listed(self):
        assert problems(self.plan, 5) == [
            "Commitment 2 has no approval letter from"
            f" \u2068{self.second.lead_institution.name_en}\u2069."
        ]

    def test_passes_when_every_commitment_is_approved(self):
        approve(self.second)
        assert problems(self.plan, 5) == []

    def test_a_letter_awaiting_reply_or_declined_does_not_count(self):
        make_approval_letter(commitment=self.second, decision=Decision.PENDING)
        make_approval_letter(commitment=self.second, decision=Decision.DECLINED, received_on=REPLY)
        make_approval_letter(
            commitment=self.second, decision=Decision.CHANGES_REQUESTED, received_on=REPLY
        )
        assert len(problems(self.plan, 5)) == 1

    def test_editing_the_text_after_approval_blocks_the_stage_again(self):
        approve(self.second)
        self.second.description_en = "Publish budgets monthly instead of yearly."
        self.second.save()
        assert problems(self.plan, 5) == [
            f"Commitment 2: the approval from \u2068{self.second.lead_institution.name_en}\u2069"
            " is for an older text."
        ]
        approve(self.second)
        assert problems(self.plan, 5) == []

    def test_a_withdrawn_commitment_needs_no_approval(self):
        self.second.status = CommitmentStatus.WITHDRAWN
        self.second.save()
        assert problems(self.plan, 5) == []

    def test_commitments_of_another_plan_do_not_count(self):
        approve(self.second)
        make_commitment(number=3)
        assert problems(self.plan, 5) == []


class ConsultationGateTests(TestCase):
    """Stage 7 completes only when every window is closed and every published comment answered."""

    @classmethod
    def setUpTestData(cls):
        now = timezone.now()
        cls.plan = make_plan()
        cls.closed = make_window(
            plan=cls.plan,
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now - datetime.timedelta(days=16),
        )

    def comment(self, **fields):
        return make_comment(window=self.closed, **fields)

    def test_passes_when_windows_are_closed_and_comments_answered(self):
        make_response(comment=self.comment(state=ModerationState.PUBLISHED))
        assert problems(self.plan, 7) == []

    def test_an_open_window_is_listed(self):
        make_window(plan=self.plan, opens_at=timezone.now() - datetime.timedelta(days=1))
        assert problems(self.plan, 7) == ["1 comment window(s) are still open or not yet opened."]

    def test_a_window_not_yet_opened_is_listed(self):
        make_window(plan=self.plan, opens_at=timezone.now() + datetime.timedelta(days=3))
        assert problems(self.plan, 7) == ["1 comment window(s) are still open or not yet opened."]

    def test_unanswered_published_comments_are_listed(self):
        self.comment(state=ModerationState.PUBLISHED)
        self.comment(state=ModerationState.PUBLISHED)
        make_response(comment=self.comment(state=ModerationState.PUBLISHED))
        assert problems(self.plan, 7) == ["2 published comment(s) have no response yet."]

    def test_pending_and_hidden_comments_need_no_response(self):
        self.comment(state=ModerationState.PENDING)
        self.comment(state=ModerationState.HIDDEN, hidden_reason=HiddenReason.SPAM)
        assert problems(self.plan, 7) == []

    def test_windows_and_comments_of_another_plan_do_not_count(self):
        other = make_window(opens_at=timezone.now() - datetime.timedelta(days=1))
        make_comment(window=other, state=ModerationState.PUBLISHED)
        assert problems(self.plan, 7) == []


class RoleTests(TestCase):
    """The four staff roles exist after `migrate`, each with exactly its permissions."""

    def test_each_role_group_has_exactly_its_permissions(self):
        assert set(ROLE_PERMISSIONS) == {
            COORDINATOR,
            EDITOR,
            FOCAL_POINT,
            FORUM_MEMBER,
            CIVIL_SOCIETY,
        }
        for role, wanted in ROLE_PERMISSIONS.items():
            with self.subTest(role=role):
                group = Group.objects.get(name=role)
                granted = {
                    f"{app}.{codename}"
                    for app, codename in group.permissions.values_list(
                        "content_type__app_label", "codename"
                    )
                }
                # A misspelt permission in core.roles would be missing here.
                assert granted == set(wanted)

    def test_focal_point_reports_milestones_but_cannot_edit_commitments(self):
        user = make_user(role=FOCAL_POINT)
        assert user.has_perm("commitments.change_milestone")
        assert user.has_perm("commitments.view_commitment")
        assert not user.has_perm("commitments.change_commitment")
        # Records their agency's reply; the workspace limits it to their own agency's letters.
        assert user.has_perm("commitments.change_approvalletter")
        assert not user.has_perm("commitments.delete_milestone")
        assert not user.has_perm("consultations.change_comment")

    def test_editor_edits_but_cannot_delete_anything(self):
        user = make_user(role=EDITOR)
        assert user.has_perm("commitments.change_commitment")
        assert user.has_perm("meetings.add_meeting")
        assert user.has_perm("consultations.change_comment")
        deletes = Permission.objects.filter(
            content_type__app_label__in=["plans", "commitments", "meetings", "consultations"],
            codename__startswith="delete_",
        )
        assert deletes.exists()
        allowed = [
            p.codename for p in deletes if user.has_perm(f"{p.content_type.app_label}.{p.codename}")
        ]
        assert allowed == []

    def test_coordinator_may_delete(self):
        user = make_user(role=COORDINATOR)
        assert user.has_perm("commitments.delete_commitment")
        assert user.has_perm("consultations.delete_commentwindow")
        assert not user.has_perm("auth.change_user")

    def test_forum_member_reads_and_comments_but_does_not_moderate(self):
        user = make_user(role=FORUM_MEMBER)
        assert user.has_perm("commitments.view_commitment")
        assert user.has_perm("consultations.add_comment")
        assert not user.has_perm("consultations.change_comment")
        assert not user.has_perm("commitments.change_milestone")

    def test_sync_roles_restores_a_removed_permission(self):
        group = Group.objects.get(name=FOCAL_POINT)
        group.permissions.clear()
        sync_roles()
        sync_roles()
        assert Group.objects.filter(name=FOCAL_POINT).count() == 1
        assert make_user(role=FOCAL_POINT).has_perm("commitments.change_milestone")
