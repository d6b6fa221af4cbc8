"""Campaign grouping: copies of one text with small edits are grouped within a window, in
Arabic and English; other wordings of the same subject are not; nothing is hidden; staff
split and merge; refused operations change nothing and say why in the page's language."""

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from consultations import services
from consultations.grouping import match_key, similar
from consultations.models import Comment, CommentGroup
from tests.factories import make_comment, make_user, make_window

CAMPAIGN_AR = (
    "نطالب بنشر بيانات الموازنة العامة بصيغة مفتوحة وقابلة للقراءة الآلية على البوابة"
    " الوطنية خلال ثلاثة أشهر من إقرارها"
)
CAMPAIGN_EN = (
    "We call on the government to pass a whistleblower protection law within the plan"
    " period and to publish an annual report on the complaints received."
)
OTHER_AR = "يجب أن تكون الموازنة متاحة للمواطنين بلغة بسيطة مع رسوم بيانية توضح أين تذهب الضرائب"
OTHER_EN = (
    "A law is not enough; whistleblowers need a confidential hotline run by an independent body."
)


class MatchKeyTests(TestCase):
    def test_small_edits_fold_to_the_same_or_a_similar_text(self):
        base = match_key(CAMPAIGN_AR)
        variants = [
            "السلام عليكم، " + CAMPAIGN_AR,  # greeting
            CAMPAIGN_AR + ". مع الشكر، أحمد من إربد",  # sign-off and signature
            CAMPAIGN_AR.replace("الموازنة", "المُوازَنَة"),  # diacritics
            CAMPAIGN_AR.replace("نطالب", "نطـــالب"),  # tatweel
            CAMPAIGN_AR.replace("إقرارها", "اقرارها").replace("العامة", "العامه"),  # letters
            CAMPAIGN_AR.replace("ثلاثة", "٣"),  # a number written in digits
            CAMPAIGN_AR + "!!",  # punctuation
            CAMPAIGN_AR.replace("بيانات", "جميع بيانات"),  # a word added
            CAMPAIGN_AR.replace(" الوطنية", ""),  # a word removed
        ]
        for variant in variants:
            with self.subTest(variant=variant):
                assert similar(base, match_key(variant))
        assert match_key("مرحبا، " + CAMPAIGN_AR + "\nمع التحية") == base
        assert match_key(CAMPAIGN_EN) == match_key(
            "Dear Sir or Madam, " + CAMPAIGN_EN + " Kind regards, Rana Haddad"
        )
        assert similar(match_key(CAMPAIGN_EN), match_key(CAMPAIGN_EN.replace("an annual", "a")))
        assert match_key("٣ أشهر") == match_key("3 اشهر")

    def test_the_same_subject_in_other_words_is_not_a_copy(self):
        assert not similar(match_key(CAMPAIGN_AR), match_key(OTHER_AR))
        assert not similar(match_key(CAMPAIGN_EN), match_key(OTHER_EN))
        # Short texts group only when identical.
        assert similar(match_key("موافق"), match_key("مُوافِق."))
        assert not similar(match_key("I agree"), match_key("I disagree"))


class GroupingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window = make_window()
        cls.other_window = make_window()
        cls.editor = make_user(role="editor")

    def comment(self, body, window=None, **fields):
        return make_comment(window=window or self.window, body=body, **fields)

    def test_comments_are_grouped_as_they_arrive_and_none_is_hidden(self):
        from consultations.services import CommentData, submit_comment

        window = make_window()
        made = []
        for number, body in enumerate(
            [
                CAMPAIGN_AR,
                OTHER_AR,
                "السلام عليكم " + CAMPAIGN_AR.replace("الموازنة", "المُوازنة"),
                CAMPAIGN_AR + "\n- سلمى، الزرقاء",
            ]
        ):
            with self.captureOnCommitCallbacks(execute=True):
                comment, _created = submit_comment(
                    window=window,
                    data=CommentData(body=body, region="irbid", sector="youth"),
                    token=f"00000000-0000-0000-0000-00000000000{number}",
                )
            made.append(comment)
        for comment in made:
            comment.refresh_from_db()
        first, other, second, third = made
        assert first.group_id is not None
        assert first.group_id == second.group_id == third.group_id
        assert other.group_id is None
        # Every comment is still there, with its own number, region and sector.
        assert Comment.objects.filter(window=window).count() == 4
        assert len({comment.tracking_number for comment in made}) == 4
        assert {comment.region for comment in made} == {"irbid"}

    def test_groups_stay_within_one_window(self):
        here = self.comment(CAMPAIGN_EN)
        there = self.comment(CAMPAIGN_EN, window=self.other_window)
        services.regroup_window(window=self.window)
        services.regroup_window(window=self.other_window)
        here.refresh_from_db()
        there.refresh_from_db()
        assert here.group_id is None and there.group_id is None

    def test_regrouping_gives_the_same_groups_and_keeps_staff_decisions(self):
        comments = [self.comment(CAMPAIGN_AR + suffix) for suffix in ("", ".", " شكرا", "؟")]
        others = [self.comment(OTHER_AR), self.comment(CAMPAIGN_EN)]
        services.regroup_window(window=self.window)
        groups = {c.pk: c.group_id for c in Comment.objects.filter(window=self.window)}
        assert len({groups[c.pk] for c in comments}) == 1
        assert all(groups[c.pk] is None for c in others)
        assert services.regroup_window(window=self.window) == 0  # stable
        # Staff take one out: grouping leaves it out.
        services.ungroup_comments(comments=[comments[3]], user=self.editor)
        services.regroup_window(window=self.window)
        comments[3].refresh_from_db()
        assert comments[3].group_id is None and comments[3].group_locked
        # A new copy joins the group even though staff placed its members.
        group = CommentGroup.objects.get(pk=groups[comments[0].pk])
        services.merge_groups(
            groups=[group, services.group_comments(comments=others, user=self.editor)],
            user=self.editor,
        )
        late = self.comment(CAMPAIGN_AR + " وشكرا")
        assert services.place_comment(comment=late).pk == group.pk

    def test_split_and_merge(self):
        comments = [self.comment(CAMPAIGN_AR + suffix) for suffix in ("", ".", "!", "؟")]
        services.regroup_window(window=self.window)
        group = Comment.objects.get(pk=comments[0].pk).group
        [new_group] = services.split_group(
            group=group, parts=[set(), {comments[2].pk, comments[3].pk}], user=self.editor
        )
        by_pk = {c.pk: c.group_id for c in Comment.objects.filter(window=self.window)}
        assert by_pk[comments[0].pk] == by_pk[comments[1].pk] == group.pk
        assert by_pk[comments[2].pk] == by_pk[comments[3].pk] == new_group.pk
        merged = services.merge_groups(groups=[new_group, group], user=self.editor)
        assert merged.pk == group.pk
        assert set(group.comments.values_list("pk", flat=True)) == {c.pk for c in comments}
        assert not CommentGroup.objects.filter(pk=new_group.pk).exists()

    def test_bad_group_operations_are_refused_in_the_page_language_and_change_nothing(self):
        comments = [self.comment(CAMPAIGN_AR + suffix) for suffix in ("", ".", "!")]
        stranger = self.comment(CAMPAIGN_AR, window=self.other_window)
        services.regroup_window(window=self.window)
        group = Comment.objects.get(pk=comments[0].pk).group
        before = list(Comment.objects.order_by("pk").values_list("pk", "group_id", "group_locked"))
        with translation.override("ar"):
            with self.assertRaises(ValidationError) as two_windows:
                services.group_comments(comments=[comments[0], stranger], user=self.editor)
            with self.assertRaises(ValidationError) as two_parts:
                services.split_group(
                    group=group,
                    parts=[{comments[0].pk}, {comments[0].pk, comments[1].pk}],
                    user=self.editor,
                )
        assert "لم يتغير شيء" in two_windows.exception.messages[0]
        assert "لم يتغير شيء" in two_parts.exception.messages[0]
        other_group = services.group_comments(
            comments=[stranger, self.comment(OTHER_AR, window=self.other_window)],
            user=self.editor,
        )
        with self.assertRaises(ValidationError):
            services.merge_groups(groups=[group, other_group], user=self.editor)
        after = list(
            Comment.objects.filter(pk__in=[pk for pk, *_ in before])
            .order_by("pk")
            .values_list("pk", "group_id", "group_locked")
        )
        assert after[: len(comments)] == before[: len(comments)]


class GroupScreensTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window = make_window()
        cls.other_window = make_window()
        cls.editor = make_user(role="editor")
        cls.focal_point = make_user(role="focal_point")
        cls.comments = [
            make_comment(window=cls.window, body=CAMPAIGN_AR + suffix, channel=channel)
            for suffix, channel in (("", "site"), (".", "workshop"), ("!", "letter"))
        ]
        services.regroup_window(window=cls.window)
        cls.group = Comment.objects.get(pk=cls.comments[0].pk).group

    def test_roles(self):
        urls = [
            reverse("manage:consultation_groups", args=[self.window.pk]),
            reverse("manage:consultation_group", args=[self.group.pk]),
        ]
        for url in urls:
            assert self.client.get(url).status_code == 302
            self.client.force_login(self.focal_point)
            assert self.client.get(url).status_code == 403
            self.client.force_login(self.editor)
            assert self.client.get(url).status_code == 200
            self.client.logout()

    def test_the_moderation_screens_show_groups_with_count_channels_and_arrivals(self):
        self.client.force_login(self.editor)
        page = self.client.get(
            "/en" + reverse("manage:consultation_groups", args=[self.window.pk])[3:]
        ).content.decode()
        assert f"Group {self.group.pk}" in page
        assert "<bdi>3</bdi>" in page
        assert "Letter · This website · Workshop" in page
        listing = self.client.get(
            "/en" + reverse("manage:consultation_comments")[3:], {"window": self.window.pk}
        ).content.decode()
        assert f"Group {self.group.pk}" in listing
        assert "<bdi>3</bdi> comments" in listing

    def test_split_from_the_group_page_and_a_comment_in_two_parts_is_refused(self):
        self.client.force_login(self.editor)
        url = reverse("manage:consultation_group", args=[self.group.pk])
        first, second, third = self.comments
        response = self.client.post(
            "/ar" + url[3:],
            {"step": "split", f"part-{third.pk}": ["1", "2"], f"part-{second.pk}": "2"},
        )
        assert response.status_code == 400
        assert "لم يتغير شيء" in response.content.decode()
        assert set(self.group.comments.values_list("pk", flat=True)) == {
            c.pk for c in self.comments
        }
        response = self.client.post(url, {"step": "split", f"part-{third.pk}": "2"})
        assert response.status_code == 302
        third.refresh_from_db()
        assert third.group_id is None and third.group_locked

    def test_merge_from_the_groups_page(self):
        self.client.force_login(self.editor)
        other = services.group_comments(
            comments=[
                make_comment(window=self.window, body=OTHER_AR),
                make_comment(window=self.window, body=OTHER_AR + "!"),
            ],
            user=self.editor,
        )
        url = reverse("manage:consultation_groups", args=[self.window.pk])
        response = self.client.post(url, {"step": "merge", "groups": [self.group.pk, other.pk]})
        assert response.status_code == 302
        assert self.group.comments.count() == 5


# Queries of the groups page and the comment list, whatever the number of groups.
GROUPS_PAGE_QUERIES = 10
COMMENT_LIST_QUERIES = 12


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 8])
def test_group_pages_run_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    """Guards the N+1 of the groups page (each group's size, channels and first text) and
    of the comment list (each comment's group size and themes)."""
    window = make_window()
    editor = make_user(role="editor")
    theme = services.create_theme(window=window, name_ar="الموازنة", user=editor)
    for number in range(size):
        pair = [
            make_comment(window=window, body=f"{OTHER_AR} {number}", channel="x"),
            make_comment(window=window, body=f"{OTHER_AR} {number}!"),
        ]
        services.group_comments(comments=pair, user=editor)
        services.assign_theme(theme=theme, comments=pair, user=editor)
    client.force_login(editor)
    groups_url = reverse("manage:consultation_groups", args=[window.pk])
    list_url = reverse("manage:consultation_comments")
    client.get(groups_url)  # the session and permissions cached, as on any later page
    with django_assert_num_queries(GROUPS_PAGE_QUERIES):
        assert client.get(groups_url).status_code == 200
    with django_assert_num_queries(COMMENT_LIST_QUERIES):
        assert client.get(list_url, {"window": window.pk, "state": "all"}).status_code == 200
