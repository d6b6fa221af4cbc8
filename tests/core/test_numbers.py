"""Whole numbers in query strings: one parser (core.numbers.query_int) for every view, so
a superscript digit or a number too large for the database is ignored or a 404, never a
500."""

from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from core.numbers import MAX_INT, query_int
from core.roles import EDITOR, FORUM_MEMBER
from tests.factories import make_comment, make_commitment, make_user
from tests.helpers import make_open_window

SUPERSCRIPT_TWO = "%C2%B2"
HUGE = "99999999999999999999"


class QueryIntTests(SimpleTestCase):
    def test_ascii_digits_in_range(self):
        self.assertEqual(query_int("0"), 0)
        self.assertEqual(query_int("42"), 42)
        self.assertEqual(query_int("007"), 7)
        self.assertEqual(query_int(str(MAX_INT)), MAX_INT)

    def test_anything_else_is_none(self):
        for value in (None, "", " 4", "4 ", "-1", "+1", "1.5", "1e3", "²", "٣", "۴", "abc"):
            with self.subTest(value=value):
                self.assertIsNone(query_int(value))

    def test_out_of_range_is_none(self):
        self.assertIsNone(query_int(str(MAX_INT + 1)))
        self.assertIsNone(query_int(HUGE))
        self.assertIsNone(query_int("9" * 100_000))
        self.assertIsNone(query_int("0", minimum=1))
        self.assertIsNone(query_int("11", maximum=10))
        self.assertEqual(query_int("10", minimum=1, maximum=10), 10)


class CommentPageTests(TestCase):
    """The public comment page's `?commitment=` preselects a covered commitment."""

    @classmethod
    def setUpTestData(cls):
        cls.window, cls.commitment, _second = make_open_window()
        cls.url = reverse("consultations:comment", args=[cls.window.pk])

    def test_anonymous_with_a_good_number_preselects_it(self):
        response = self.client.get(f"{self.url}?commitment={self.commitment.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].fixed_commitment, self.commitment)

    def test_superscript_or_huge_number_is_ignored(self):
        for value in (SUPERSCRIPT_TWO, HUGE):
            with self.subTest(value=value):
                response = self.client.get(f"{self.url}?commitment={value}")
                self.assertEqual(response.status_code, 200)
                self.assertIsNone(response.context["form"].fixed_commitment)

    def test_commitment_outside_the_window_is_ignored(self):
        other = make_commitment()
        response = self.client.get(f"{self.url}?commitment={other.pk}")
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["form"].fixed_commitment)


class StaffCommentListTests(TestCase):
    """The moderation list's `?window=` filter."""

    @classmethod
    def setUpTestData(cls):
        cls.window, _first, _second = make_open_window()
        cls.other_window, _third, _fourth = make_open_window()
        cls.comment = make_comment(window=cls.window, body="في النافذة الأولى")
        cls.other = make_comment(window=cls.other_window, body="في النافذة الثانية")
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.url = reverse("manage:consultation_comments")

    def test_anonymous_goes_to_sign_in(self):
        response = self.client.get(f"{self.url}?window={SUPERSCRIPT_TWO}")
        self.assertEqual(response.status_code, 302)

    def test_wrong_role_gets_403(self):
        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.get(f"{self.url}?window={SUPERSCRIPT_TWO}").status_code, 403)

    def test_editor_filters_by_a_good_number(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"{self.url}?window={self.window.pk}&state=")
        self.assertContains(response, self.comment.tracking_number)
        self.assertNotContains(response, self.other.tracking_number)

    def test_superscript_or_huge_number_is_ignored(self):
        self.client.force_login(self.editor)
        for value in (SUPERSCRIPT_TWO, HUGE):
            with self.subTest(value=value):
                response = self.client.get(f"{self.url}?window={value}&state=")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, self.comment.tracking_number)
                self.assertContains(response, self.other.tracking_number)


class HistoryPageTests(TestCase):
    """A history page's `?from=` and `?to=` pick the versions to compare."""

    @classmethod
    def setUpTestData(cls):
        cls.commitment = make_commitment(title_en="Open budgets")
        cls.commitment.title_en = "Open budgets for all"
        cls.commitment.save()
        cls.editor = make_user(role=EDITOR)
        cls.outsider = make_user()
        cls.url = reverse("manage:history", kwargs={"kind": "commitment", "pk": cls.commitment.pk})

    def test_anonymous_goes_to_sign_in(self):
        self.assertEqual(self.client.get(f"{self.url}?from={SUPERSCRIPT_TWO}").status_code, 302)

    def test_account_without_a_staff_role_gets_403(self):
        self.client.force_login(self.outsider)
        self.assertEqual(self.client.get(f"{self.url}?from={SUPERSCRIPT_TWO}").status_code, 403)

    def test_superscript_or_huge_number_falls_back_to_the_last_two_versions(self):
        self.client.force_login(self.editor)
        default = self.client.get(self.url)
        self.assertEqual(default.status_code, 200)
        for key in ("from", "to"):
            for value in (SUPERSCRIPT_TWO, HUGE):
                with self.subTest(key=key, value=value):
                    response = self.client.get(f"{self.url}?{key}={value}")
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.context["old"], default.context["old"])
                    self.assertEqual(response.context["new"], default.context["new"])


class ExportPlanTests(TestCase):
    """The workspace export's `?plan=<number>`."""

    @classmethod
    def setUpTestData(cls):
        cls.window, _first, _second = make_open_window()
        cls.editor = make_user(role=EDITOR)
        cls.forum_member = make_user(role=FORUM_MEMBER)
        cls.url = reverse("manage:export", kwargs={"kind": "comments"})

    def test_anonymous_goes_to_sign_in(self):
        self.assertEqual(self.client.get(f"{self.url}?plan={HUGE}").status_code, 302)

    def test_wrong_role_gets_403(self):
        self.client.force_login(self.forum_member)
        self.assertEqual(self.client.get(f"{self.url}?plan={HUGE}").status_code, 403)

    def test_editor_downloads_a_plan_and_is_told_about_a_bad_number(self):
        self.client.force_login(self.editor)
        url = self.url.replace("/ar/", "/en/", 1)
        number = self.window.plan.number
        self.assertEqual(self.client.get(f"{url}?plan={number}&format=csv").status_code, 200)
        for value in (SUPERSCRIPT_TWO, HUGE, "-1"):
            with self.subTest(value=value):
                response = self.client.get(f"{url}?plan={value}&format=csv")
                self.assertContains(response, "There is no plan with this number.", status_code=400)
