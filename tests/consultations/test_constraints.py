"""The database refuses windows, comments and responses that break an invariant.

Each test is named after the constraint it covers (see `ConstraintCoverageTests`); the
validation tests at the end check the messages staff read in forms and the admin.
"""

import datetime
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from consultations.models import (
    AnnouncementChannel,
    Audience,
    Channel,
    Comment,
    CommentPart,
    CommentWindow,
    HiddenReason,
    ModerationState,
    Outcome,
    Region,
    Response,
    WindowKind,
    new_tracking_number,
)
from plans.models import Sector
from tests.factories import (
    make_announcement,
    make_comment,
    make_plan,
    make_response,
    make_subscription,
    make_user,
    make_window,
)
from tests.helpers import check_choices, validation_errors, violates

OPENS = datetime.datetime(2021, 12, 5, 8, 0, tzinfo=datetime.UTC)


class CommentWindowConstraintTests(TestCase):
    def test_window_closes_after_opens(self):
        with violates("window_closes_after_opens"):
            make_window(opens_at=OPENS, closes_at=OPENS)
        with violates("window_closes_after_opens"):
            make_window(opens_at=OPENS, closes_at=OPENS - datetime.timedelta(days=1))
        make_window(opens_at=OPENS, closes_at=OPENS + datetime.timedelta(seconds=1))

    def test_window_kind_valid(self):
        check_choices("window_kind_valid", make_window(), "kind", WindowKind.values)

    def test_window_audience_valid(self):
        check_choices("window_audience_valid", make_window(), "audience", Audience.values)


class AnnouncementConstraintTests(TestCase):
    def test_announcement_channel_valid(self):
        values = AnnouncementChannel.values
        check_choices("announcement_channel_valid", make_announcement(), "channel", values)

    def test_several_announcements_per_channel(self):
        """The first post and its reminders: several announcements on one channel."""
        first = make_announcement(channel=AnnouncementChannel.FACEBOOK)
        make_announcement(window=first.window, channel=AnnouncementChannel.FACEBOOK)
        self.assertEqual(first.window.announcements.count(), 2)


class CommentConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window = make_window()

    def test_comment_unique_token(self):
        token = uuid.uuid4()
        make_comment(window=self.window, submission_token=token)
        with violates("comment_unique_token"):
            make_comment(window=self.window, submission_token=token)
        make_comment(window=self.window, submission_token=uuid.uuid4())

    def test_comment_unique_tracking_number(self):
        make_comment(window=self.window, tracking_number="C-2021-0A1B2C3D")
        with violates("comment_unique_tracking_number"):
            make_comment(window=self.window, tracking_number="C-2021-0A1B2C3D")
        make_comment(window=self.window, tracking_number="C-2021-0A1B2C3E")

    def test_comment_state_valid(self):
        # Hidden needs a reason too: covered by test_comment_hidden_has_reason.
        values = [ModerationState.PENDING, ModerationState.PUBLISHED, ModerationState.MEMBERS]
        check_choices("comment_state_valid", make_comment(window=self.window), "state", values)

    def test_comment_channel_valid(self):
        comment = make_comment(window=self.window)
        check_choices("comment_channel_valid", comment, "channel", Channel.values)

    def test_comment_part_valid(self):
        comment = make_comment(window=self.window)
        check_choices("comment_part_valid", comment, "part", CommentPart.values)

    def test_comment_sector_valid(self):
        comment = make_comment(window=self.window)
        check_choices("comment_sector_valid", comment, "sector", ["", *Sector.values])

    def test_comment_region_valid(self):
        comment = make_comment(window=self.window)
        check_choices("comment_region_valid", comment, "region", ["", *Region.values])

    def test_comment_hidden_has_reason(self):
        hidden = ModerationState.HIDDEN
        with violates("comment_hidden_has_reason"):
            make_comment(window=self.window, state=hidden, hidden_reason="")
        with violates("comment_hidden_has_reason"):
            make_comment(window=self.window, state=hidden, hidden_reason="not-a-reason")
        with violates("comment_hidden_has_reason"):
            make_comment(
                window=self.window,
                state=ModerationState.PUBLISHED,
                hidden_reason=HiddenReason.SPAM,
            )
        for reason in HiddenReason.values:
            make_comment(window=self.window, state=hidden, hidden_reason=reason)
        make_comment(window=self.window, state=ModerationState.PUBLISHED, hidden_reason="")

    def test_comment_member_remark_stays_private(self):
        member = make_user(role="forum_member")
        for state in (ModerationState.PENDING, ModerationState.PUBLISHED):
            with violates("comment_member_remark_stays_private"):
                make_comment(window=self.window, author=member, state=state)
        with violates("comment_member_remark_stays_private"):
            make_comment(
                window=self.window,
                author=member,
                state=ModerationState.HIDDEN,
                hidden_reason=HiddenReason.SPAM,
            )
        make_comment(window=self.window, author=member, state=ModerationState.MEMBERS)
        make_comment(window=self.window, state=ModerationState.PUBLISHED)  # a citizen's

    def test_comment_body_not_empty(self):
        with violates("comment_body_not_empty"):
            make_comment(window=self.window, body="")
        make_comment(window=self.window, body="؟")


class ResponseConstraintTests(TestCase):
    def test_one_response_per_comment(self):
        """The comment's one-to-one link refuses a second response (no named constraint)."""
        first = make_response()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_response(comment=first.comment)
        make_response(comment=make_comment(window=first.comment.window))

    def test_response_outcome_valid(self):
        check_choices("response_outcome_valid", make_response(), "outcome", Outcome.values)

    def test_response_has_reason(self):
        with violates("response_has_reason"):
            make_response(reason_ar="", reason_en="")
        make_response(reason_ar="", reason_en="Already in commitment 4.")
        make_response(reason_ar="مشمول في الالتزام الرابع", reason_en="")


class ConsultationValidationTests(TestCase):
    """`full_clean()` (forms, the admin) explains a broken rule before the database refuses it."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()
        cls.comment = make_comment()

    def test_window_closing_before_it_opens_is_explained(self):
        window = CommentWindow(
            plan=self.plan,
            kind=WindowKind.DRAFT_PLAN,
            title_ar="مسودة الخطة",
            opens_at=OPENS,
            closes_at=OPENS,
        )
        assert validation_errors(window)[NON_FIELD_ERRORS] == [
            "The window must close after it opens."
        ]
        window.closes_at = OPENS + datetime.timedelta(days=14)
        window.full_clean()

    def test_second_response_to_a_comment_is_explained(self):
        make_response(comment=self.comment)
        response = Response(comment=self.comment, outcome=Outcome.ACCEPTED, reason_en="Done.")
        assert validation_errors(response) == {
            "comment": ["Response with this Comment already exists."]
        }
        response.comment = make_comment(window=self.comment.window)
        response.full_clean()

    def test_reused_submission_token_is_explained(self):
        comment = Comment(
            window=self.comment.window,
            body="تعليق آخر",
            submission_token=self.comment.submission_token,
            tracking_number=new_tracking_number(timezone.now()),
        )
        assert validation_errors(comment) == {
            "submission_token": ["Comment with this Submission token already exists."]
        }
        comment.submission_token = uuid.uuid4()
        comment.full_clean()


class SubscriptionConstraintTests(TestCase):
    def test_subscription_unique_email(self):
        make_subscription(email="reader@example.org")
        with violates("subscription_unique_email"):
            make_subscription(email="Reader@Example.org")
        make_subscription(email="other@example.org")

    def test_subscription_has_a_topic(self):
        with violates("subscription_has_a_topic"):
            make_subscription(windows=False, reports=False)
        make_subscription(windows=False, reports=True)

    def test_subscription_language_valid(self):
        check_choices(
            "subscription_language_valid",
            make_subscription(),
            "language",
            [code for code, _label in settings.LANGUAGES],
        )


class ThemeConstraintTests(TestCase):
    def test_theme_unique_name(self):
        from tests.factories import make_theme

        theme = make_theme(name_ar="الشفافية")
        with violates("theme_unique_name"):
            make_theme(window=theme.window, name_ar="الشفافية")
        make_theme(name_ar="الشفافية")

    def test_theme_has_arabic_name(self):
        from tests.factories import make_theme

        with violates("theme_has_arabic_name"):
            make_theme(name_ar="")
