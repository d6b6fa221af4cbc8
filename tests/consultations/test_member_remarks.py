"""Forum members' written remarks on draft commitments, in a members-only feedback period.

After a forum meeting the unit opens a window for forum members on the draft commitments
discussed. A member signs in and sends remarks (linked to their account, stored exactly
once); staff read them beside the public comments, marked "forum member", and answer them
with the same response service; the member reads the published response on their page.
Nothing of it ever reaches a public page, the open data or the public report.
"""

import datetime
import uuid

from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from django.utils import timezone, translation

from consultations import services
from consultations.gates import every_window_closed_and_answered
from consultations.models import (
    COMMENT_MAX_LENGTH,
    Audience,
    Comment,
    CommentPart,
    ModerationState,
    Outcome,
)
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT, FORUM_MEMBER
from tests.factories import (
    make_comment,
    make_commitment,
    make_milestone,
    make_person,
    make_plan,
    make_user,
    make_window,
)
from tests.helpers import in_threads, waiting_for_sqlite

REMARK = "ملاحظة العضو: يجب تحديد جهة مسؤولة عن نشر البيانات"
PRIVATE_REMARK = "Private forum remark never published 7Q"
PRIVATE_RESPONSE = "Private answer to the member never published 8R"


def en(name: str, *args) -> str:
    """A workspace URL in English (the tests read English labels)."""
    with translation.override("en"):
        return reverse(name, args=args)


def page_url(window, language="en") -> str:
    return f"/{language}/manage/consultations/feedback/{window.pk}/"


LIST_URL = "/en/manage/consultations/feedback/"


class MemberRemarkCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=6, title_en="Sixth plan")
        # Draft commitments: not published yet, as after a forum meeting.
        cls.first = make_commitment(
            plan=cls.plan,
            number=1,
            title_ar="نشر عقود المشتريات",
            title_en="Open contracting",
            problem_ar="المشكلة بالعربية",
            problem_en="The problem in English",
            is_published=False,
        )
        cls.second = make_commitment(
            plan=cls.plan, number=2, title_en="Budget data", is_published=False
        )
        cls.milestone = make_milestone(commitment=cls.first, number=1, title_en="Publish")
        cls.outside = make_commitment(plan=cls.plan, number=3, is_published=False)
        cls.window = make_window(
            plan=cls.plan,
            audience=Audience.FORUM,
            title_ar="ملاحظات الأعضاء على مسودة الالتزامات",
            title_en="Members' feedback on the draft commitments",
        )
        cls.window.commitments.add(cls.first, cls.second)
        cls.member = make_user(role=FORUM_MEMBER, email="member@example.org")
        make_person(name_ar="سلمى الخطيب", name_en="Salma Khatib", user=cls.member)
        cls.other_member = make_user(role=FORUM_MEMBER)
        cls.coordinator = make_user(role=COORDINATOR)
        cls.editor = make_user(role=EDITOR)
        cls.focal_point = make_user(role=FOCAL_POINT)
        cls.citizen = make_user()  # an account with no role

    def post_remark(self, window=None, *, target=None, body=REMARK, token=None, **fields):
        target = target or self.first.pk
        prefix = "general" if target == "general" else f"c{target}"
        data = {
            "target": target,
            f"{prefix}-token": str(token or uuid.uuid4()),
            f"{prefix}-body": body,
            f"{prefix}-part": fields.pop("part", CommentPart.GENERAL),
            **{f"{prefix}-{name}": value for name, value in fields.items()},
        }
        return self.client.post(page_url(window or self.window), data)

    def remark(self, **fields) -> Comment:
        """A stored remark of the member, through the service."""
        comment, _created = services.submit_member_remark(
            window=fields.pop("window", self.window),
            data=services.CommentData(
                body=fields.pop("body", REMARK), commitment=fields.pop("commitment", self.first)
            ),
            token=uuid.uuid4(),
            user=fields.pop("user", self.member),
        )
        return comment


class AccessTests(MemberRemarkCase):
    def test_anonymous_is_sent_to_sign_in_and_nothing_is_stored(self):
        for url in (LIST_URL, page_url(self.window)):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/manage/login/", response["Location"])
        response = self.post_remark()
        self.assertEqual(response.status_code, 302)
        self.assertIn("/manage/login/", response["Location"])
        self.assertFalse(Comment.objects.exists())

    def test_an_account_without_a_role_is_refused(self):
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(LIST_URL).status_code, 403)
        self.assertEqual(self.client.get(page_url(self.window)).status_code, 403)
        self.assertEqual(self.post_remark().status_code, 403)
        self.assertFalse(Comment.objects.exists())

    def test_a_focal_point_is_refused(self):
        self.client.force_login(self.focal_point)
        self.assertEqual(self.client.get(LIST_URL).status_code, 403)
        self.assertEqual(self.client.get(page_url(self.window)).status_code, 403)
        self.assertEqual(self.post_remark().status_code, 403)
        self.assertFalse(Comment.objects.exists())

    def test_staff_read_the_page_but_do_not_send_remarks(self):
        for user in (self.coordinator, self.editor):
            with self.subTest(user=user.groups.get().name):
                self.client.force_login(user)
                response = self.client.get(page_url(self.window))
                self.assertContains(response, "Open contracting")
                self.assertContains(response, "Read and answer them")
                self.assertNotContains(response, "Send my remark")
                self.assertEqual(self.post_remark().status_code, 403)
                self.assertFalse(Comment.objects.exists())

    def test_member_sees_the_open_period_and_its_draft_commitments_in_both_languages(self):
        self.client.force_login(self.member)
        listing = self.client.get(LIST_URL)
        self.assertContains(listing, "Members&#x27; feedback on the draft commitments")
        self.assertContains(listing, page_url(self.window))
        response = self.client.get(page_url(self.window))
        self.assertEqual(response.status_code, 200)
        for text in (
            "Open contracting",
            "نشر عقود المشتريات",
            "The problem in English",
            "المشكلة بالعربية",
            "Budget data",
            "The plan in general",
        ):
            self.assertContains(response, text)
        # One form per commitment and one on the plan in general.
        self.assertContains(response, 'name="target"', count=3)
        self.assertNotContains(response, self.outside.title_en)

    def test_a_public_window_has_no_members_page(self):
        public = make_window(plan=self.plan)
        self.client.force_login(self.member)
        response = self.client.get(page_url(public))
        self.assertContains(response, "open to everyone", status_code=404)
        self.assertEqual(self.post_remark(public).status_code, 404)
        self.assertFalse(Comment.objects.exists())
        self.client.force_login(self.member)
        self.assertNotContains(self.client.get(LIST_URL), public.title_ar)

    def test_dashboard_shows_the_open_period_to_members_only(self):
        self.client.force_login(self.member)
        response = self.client.get("/en/manage/")
        self.assertContains(response, "Feedback open to forum members")
        self.assertContains(response, page_url(self.window))
        self.client.force_login(self.editor)
        self.assertNotContains(self.client.get("/en/manage/"), "Feedback open to forum members")

    def test_dashboard_leaves_out_a_closed_period(self):
        self.window.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        self.window.save()
        self.client.force_login(self.member)
        self.assertNotContains(self.client.get("/en/manage/"), "Feedback open to forum members")


class SubmissionTests(MemberRemarkCase):
    def setUp(self):
        self.client.force_login(self.member)

    def test_member_sends_a_remark_linked_to_their_account(self):
        response = self.post_remark(part=CommentPart.SOLUTION)
        remark = Comment.objects.get()
        self.assertRedirects(
            response, page_url(self.window) + f"#remark-{remark.pk}", fetch_redirect_response=False
        )
        self.assertEqual(remark.author, self.member)
        self.assertEqual(remark.window, self.window)
        self.assertEqual(remark.commitment, self.first)
        self.assertEqual(remark.part, CommentPart.SOLUTION)
        self.assertEqual(remark.state, ModerationState.MEMBERS)
        self.assertEqual(remark.body, REMARK)
        self.assertEqual(remark.author_email, "")
        page = self.client.get(page_url(self.window))
        self.assertContains(page, REMARK)
        self.assertContains(page, "Awaiting the unit's response.")

    def test_a_remark_on_a_milestone_or_on_the_plan_in_general(self):
        self.post_remark(milestone=self.milestone.pk, body="On the milestone")
        self.post_remark(target="general", body="On the plan as a whole")
        on_milestone = Comment.objects.get(body="On the milestone")
        self.assertEqual(on_milestone.milestone, self.milestone)
        self.assertEqual(on_milestone.part, CommentPart.MILESTONES)
        general = Comment.objects.get(body="On the plan as a whole")
        self.assertIsNone(general.commitment)
        self.assertEqual(general.part, CommentPart.GENERAL)

    def test_a_double_post_stores_one_remark(self):
        token = uuid.uuid4()
        self.post_remark(token=token)
        second = self.post_remark(token=token)
        self.assertEqual(second.status_code, 302)
        self.assertEqual(Comment.objects.count(), 1)
        page = self.client.get(page_url(self.window))
        self.assertContains(page, "already been sent")

    def test_the_same_text_sent_again_from_a_reloaded_form_is_kept_once(self):
        self.post_remark()
        self.post_remark()  # a fresh token, the same words on the same point
        self.assertEqual(Comment.objects.count(), 1)
        self.post_remark(target=self.second.pk)  # another commitment: another remark
        self.assertEqual(Comment.objects.count(), 2)

    def test_another_members_token_is_refused(self):
        mine = self.remark()
        with self.assertRaisesMessage(ValidationError, "another feedback period"):
            services.submit_member_remark(
                window=self.window,
                data=services.CommentData(body="Mine", commitment=self.first),
                token=mine.submission_token,
                user=self.other_member,
            )
        self.assertEqual(Comment.objects.count(), 1)

    def test_closed_or_upcoming_period_refuses_and_stores_nothing(self):
        now = timezone.now()
        cases = {
            "closed": (now - datetime.timedelta(days=20), now - datetime.timedelta(days=1)),
            "not opened yet": (now + datetime.timedelta(days=1), now + datetime.timedelta(days=5)),
        }
        for label, (opens_at, closes_at) in cases.items():
            with self.subTest(label):
                self.window.opens_at, self.window.closes_at = opens_at, closes_at
                self.window.save()
                page = self.client.get(page_url(self.window))
                self.assertContains(page, label)
                self.assertNotContains(page, "Send my remark")
                response = self.post_remark()
                self.assertEqual(response.status_code, 409)
                self.assertContains(response, label, status_code=409)
                self.assertContains(response, REMARK, status_code=409)  # the text is kept
                self.assertFalse(Comment.objects.exists())

    def test_empty_or_too_long_text_is_refused_with_a_message(self):
        for body, message in (
            ("", "Write your remark."),
            ("   \n  ", "Write your remark."),
            ("x" * (COMMENT_MAX_LENGTH + 1), "Your remark is too long"),
        ):
            with self.subTest(length=len(body)):
                response = self.post_remark(body=body)
                self.assertContains(response, message, status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_service_refuses_too_long_text_and_what_the_window_does_not_cover(self):
        with self.assertRaisesMessage(ValidationError, "characters long"):
            self.remark(body="x" * (COMMENT_MAX_LENGTH + 1))
        with self.assertRaisesMessage(ValidationError, "not open for comment"):
            self.remark(commitment=self.outside)
        self.assertFalse(Comment.objects.exists())

    def test_a_form_for_a_commitment_outside_the_period_is_refused(self):
        response = self.post_remark(target=self.outside.pk)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Comment.objects.exists())

    def test_html_is_kept_as_plain_text(self):
        body = '<script>alert("x")</script><b>bold</b>'
        self.post_remark(body=body)
        self.assertEqual(Comment.objects.get().body, body)
        page = self.client.get(page_url(self.window)).content.decode()
        self.assertNotIn('<script>alert("x")', page)
        self.assertNotIn("<b>bold</b>", page)
        self.assertIn("&lt;script&gt;", page)

    def test_only_forum_members_may_send_and_only_in_a_members_only_period(self):
        for user in (self.coordinator, self.citizen):
            with self.assertRaisesMessage(ValidationError, "Only forum members"):
                self.remark(user=user)
        with self.assertRaisesMessage(ValidationError, "open to everyone"):
            self.remark(window=make_window(plan=self.plan))
        self.assertFalse(Comment.objects.exists())

    def test_citizens_cannot_comment_in_a_members_only_period(self):
        with self.assertRaisesMessage(ValidationError, "forum members only"):
            services.submit_comment(
                window=self.window,
                data=services.CommentData(body="Anonymous", commitment=None),
                token=uuid.uuid4(),
            )
        self.assertFalse(Comment.objects.exists())

    def test_a_member_sees_only_their_own_remarks(self):
        self.remark(user=self.other_member, body="The other member's remark")
        self.remark(body="My own remark")
        page = self.client.get(page_url(self.window))
        self.assertContains(page, "My own remark")
        self.assertNotContains(page, "The other member")
        self.assertContains(self.client.get(LIST_URL), "Your remarks: <bdi>1</bdi>")


class StaffAnswerTests(MemberRemarkCase):
    def setUp(self):
        self.remark_row = self.remark(body=PRIVATE_REMARK)
        self.citizen_comment = make_comment(
            window=make_window(plan=self.plan), body="A citizen's public comment"
        )

    def test_staff_see_remarks_beside_public_comments_marked_forum_member(self):
        self.client.force_login(self.editor)
        response = self.client.get(en("manage:consultation_comments") + "?state=all")
        self.assertContains(response, PRIVATE_REMARK)
        self.assertContains(response, "A citizen&#x27;s public comment")
        self.assertContains(response, "Forum member")
        self.assertContains(response, "Salma Khatib")
        # No tick box: a remark cannot be bulk-published or hidden.
        self.assertNotContains(response, f'value="{self.remark_row.pk}" id="c{self.remark_row.pk}"')
        members = self.client.get(en("manage:consultation_comments") + "?state=members")
        self.assertContains(members, PRIVATE_REMARK)
        self.assertNotContains(members, "A citizen&#x27;s public comment")
        detail = self.client.get(en("manage:consultation_comment", self.remark_row.pk))
        self.assertContains(detail, "Salma Khatib")
        self.assertContains(detail, "member@example.org")
        self.assertContains(detail, "never published")
        self.assertNotContains(detail, "Publish the redacted text")

    def test_a_remark_can_never_be_published_or_hidden(self):
        self.client.force_login(self.coordinator)
        url = en("manage:consultation_comment", self.remark_row.pk)
        for step in ("publish", "hide"):
            response = self.client.post(url, {"step": step, "reason": "spam"})
            self.assertEqual(response.status_code, 400)
        response = self.client.post(
            en("manage:consultation_comments"),
            {"action": "publish", "comments": [self.remark_row.pk, self.citizen_comment.pk]},
        )
        self.assertEqual(response.status_code, 400)
        self.remark_row.refresh_from_db()
        self.citizen_comment.refresh_from_db()
        self.assertEqual(self.remark_row.state, ModerationState.MEMBERS)
        self.assertEqual(self.citizen_comment.state, ModerationState.PENDING)
        with self.assertRaisesMessage(ValidationError, "never published or hidden"):
            services.moderate_comments(
                comments=[self.remark_row], action="publish", user=self.coordinator
            )

    def test_staff_answer_and_the_member_reads_the_response(self):
        self.client.force_login(self.editor)
        url = en("manage:consultation_comment", self.remark_row.pk)
        response = self.client.post(
            url,
            {
                "step": "response",
                "outcome": Outcome.PARTLY_ACCEPTED,
                "reason_ar": "سنضيف جهة مسؤولة",
                "reason_en": PRIVATE_RESPONSE,
            },
        )
        self.assertEqual(response.status_code, 302)
        # A draft: the member does not see it yet.
        self.client.force_login(self.member)
        page = self.client.get(page_url(self.window))
        self.assertNotContains(page, PRIVATE_RESPONSE)
        self.assertContains(page, "Awaiting the unit's response.")

        self.client.force_login(self.coordinator)
        self.assertContains(self.client.get(url), "Send the response to the member")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"step": "publish_response"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(mail.outbox), 1)
        email = mail.outbox[0]
        self.assertEqual(email.to, ["member@example.org"])
        self.assertIn(page_url(self.window, "ar"), email.body)
        self.assertNotIn(PRIVATE_REMARK, email.body)

        self.client.force_login(self.member)
        page = self.client.get(page_url(self.window))
        self.assertContains(page, PRIVATE_RESPONSE)
        self.assertContains(page, "Partly accepted")
        self.assertNotContains(page, "Awaiting the unit's response.")
        arabic = self.client.get(page_url(self.window, "ar"))
        self.assertContains(arabic, "سنضيف جهة مسؤولة")

    def test_stage_seven_waits_for_the_members_remarks_to_be_answered(self):
        self.window.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        self.window.save()
        self.citizen_comment.window.closes_at = self.window.closes_at
        self.citizen_comment.window.save()
        self.assertIn(
            "1 forum member remark(s) have no response yet.",
            every_window_closed_and_answered(self.plan),
        )
        services.save_response(
            comment=self.remark_row,
            outcome=Outcome.ACCEPTED,
            reason_ar="تم",
            reason_en="",
            user=self.editor,
        )
        self.assertEqual(every_window_closed_and_answered(self.plan), [])

    def test_the_audience_of_a_window_with_remarks_cannot_change(self):
        data = services.WindowData(
            kind=self.window.kind, audience=Audience.PUBLIC, title_ar=self.window.title_ar
        )
        with self.assertRaisesMessage(ValidationError, "can no longer change"):
            services.update_window(
                window=self.window, data=data, commitments=[self.first], user=self.coordinator
            )
        self.window.refresh_from_db()
        self.assertEqual(self.window.audience, Audience.FORUM)


class NothingPublicTests(MemberRemarkCase):
    """A remark and its response never reach a public page, the open data, the sitemap or
    the public report, even once answered and with the commitment published."""

    def setUp(self):
        remark = self.remark(body=PRIVATE_REMARK)
        response = services.save_response(
            comment=remark,
            outcome=Outcome.ACCEPTED,
            reason_ar="رد",
            reason_en=PRIVATE_RESPONSE,
            user=self.editor,
        )
        services.publish_response(response=response, user=self.coordinator)
        self.remark_row = remark
        self.first.is_published = True
        self.first.save()
        cache.clear()

    def assert_private(self, response):
        for text in (PRIVATE_REMARK, PRIVATE_RESPONSE, REMARK):
            self.assertNotIn(text.encode(), response.content)

    def test_window_page_report_and_downloads_are_404(self):
        public = make_window(plan=self.plan)
        for name in ("detail", "comment", "report", "report_csv", "report_xlsx"):
            for language in ("ar", "en"):
                with self.subTest(name, language=language), translation.override(language):
                    url = reverse(f"consultations:{name}", args=[self.window.pk])
                    self.assertEqual(self.client.get(url).status_code, 404)
                    # The same page of a public window exists: the 404 is the audience's.
                    url = reverse(f"consultations:{name}", args=[public.pk])
                    self.assertEqual(self.client.get(url).status_code, 200)
        url = reverse("consultations:report_pdf", args=[self.window.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_receipt_of_a_remark_is_404(self):
        url = reverse("consultations:receipt", args=[self.remark_row.submission_token])
        self.assertEqual(self.client.get(url).status_code, 404)
        citizen = make_comment(window=make_window(plan=self.plan))
        url = reverse("consultations:receipt", args=[citizen.submission_token])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_open_data_leaves_remarks_out(self):
        for fmt in ("csv", "json"):
            response = self.client.get(f"/en/data/comments.{fmt}")
            self.assertEqual(response.status_code, 200)
            self.assert_private(response)

    def test_commitment_and_plan_pages_leave_remarks_out(self):
        url = reverse("commitments:detail", kwargs={"plan_number": self.plan.number, "number": 1})
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assert_private(response)
        self.assert_private(self.client.get(f"/en/plans/{self.plan.number}/"))

    def test_sitemap_and_search_leave_the_period_out(self):
        sitemap = self.client.get("/sitemap.xml").content.decode()
        self.assertNotIn(f"/consultations/{self.window.pk}/", sitemap)
        search = self.client.get("/en/search/", {"q": "Private"})
        self.assertEqual(search.status_code, 200)
        self.assert_private(search)

    def test_public_querysets_never_hold_a_remark(self):
        comments = Comment.objects.filter(pk=self.remark_row.pk)
        self.assertFalse(comments.published().exists())
        self.assertFalse(comments.visible().exists())
        self.assertFalse(comments.for_public_list().exists())
        self.assertIsNone(self.remark_row.public_response)


class ParallelRemarkTests(TransactionTestCase):
    def test_the_same_form_posted_in_parallel_stores_one_remark(self):
        plan = make_plan()
        commitment = make_commitment(plan=plan, is_published=False)
        window = make_window(plan=plan, audience=Audience.FORUM)
        window.commitments.add(commitment)
        member = make_user(role=FORUM_MEMBER)
        token = uuid.uuid4()
        count = 4

        def send():
            return services.submit_member_remark(
                window=window,
                data=services.CommentData(body=REMARK, commitment=commitment),
                token=token,
                user=member,
            )

        results, errors = in_threads(count, lambda _index: waiting_for_sqlite(send), timeout=60)
        self.assertEqual(errors, [])
        self.assertEqual(Comment.objects.count(), 1)
        self.assertEqual({remark.pk for remark, _created in results}, {Comment.objects.get().pk})
        self.assertEqual(sum(created for _remark, created in results), 1)
