"""A disposition for every input: a whole group answered once (each member shows it), the
same disposition for ticked comments, themes assigned in bulk, the per-window count on the
dashboard and the stage 7 gate; refused operations change nothing and say why in the
page's language."""

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from consultations import services
from consultations.gates import every_window_closed_and_answered
from consultations.models import Comment, Response, Theme
from tests.factories import make_published_comment, make_user, make_window

CAMPAIGN = "نطالب بنشر بيانات الموازنة العامة بصيغة مفتوحة وقابلة للقراءة الآلية على البوابة"


class DispositionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.window = make_window()
        cls.other_window = make_window(plan=cls.window.plan)
        cls.editor = make_user(role="editor")
        cls.coordinator = make_user(role="coordinator")
        cls.focal_point = make_user(role="focal_point")
        cls.copies = [
            make_published_comment(window=cls.window, body=CAMPAIGN + end) for end in ("", ".", "!")
        ]
        cls.group = services.group_comments(comments=cls.copies, user=cls.editor)
        cls.list_url = reverse("manage:consultation_comments")

    def test_a_group_answered_once_shows_on_every_member_and_on_late_arrivals(self):
        self.client.force_login(self.editor)
        url = reverse("manage:consultation_group", args=[self.group.pk])
        response = self.client.post(
            url, {"step": "answer", "outcome": "partly_accepted", "reason_ar": "أضيف معلم"}
        )
        assert response.status_code == 302
        responses = Response.objects.filter(comment__in=self.copies)
        assert responses.count() == 3
        assert {(r.outcome, r.reason_ar) for r in responses} == {("partly_accepted", "أضيف معلم")}
        late = make_published_comment(window=self.window, body=CAMPAIGN + "؟")
        assert services.place_comment(comment=late).pk == self.group.pk
        assert Response.objects.get(comment=late).outcome == "partly_accepted"
        self.client.force_login(self.coordinator)
        self.client.post(url, {"step": "publish"})
        assert not Response.objects.filter(comment__group=self.group, published_at=None).exists()
        page = self.client.get(
            "/en" + reverse("manage:consultation_comment", args=[late.pk])[3:]
        ).content.decode()
        assert "Partly accepted" in page

    def test_a_disposition_without_a_reason_is_refused_in_arabic_and_changes_nothing(self):
        self.client.force_login(self.editor)
        url = "/ar" + reverse("manage:consultation_group", args=[self.group.pk])[3:]
        response = self.client.post(url, {"step": "answer", "outcome": "accepted"})
        assert response.status_code == 400
        assert "اكتب السبب المعلن لهذا القرار" in response.content.decode()
        response = self.client.post(
            "/ar" + self.list_url[3:],
            {"action": "answer", "outcome": "accepted", "comments": [self.copies[0].pk]},
        )
        assert response.status_code == 400
        assert "اكتب السبب المعلن لهذا القرار" in response.content.decode()
        assert not Response.objects.exists()

    def test_bulk_operations_on_two_windows_are_refused_and_change_nothing(self):
        stranger = make_published_comment(window=self.other_window, body="تعليق آخر")
        self.client.force_login(self.editor)
        for action in ("answer", "group", "ungroup"):
            response = self.client.post(
                "/en" + self.list_url[3:],
                {
                    "action": action,
                    "outcome": "accepted",
                    "reason_en": "Added.",
                    "comments": [self.copies[0].pk, stranger.pk],
                },
            )
            assert response.status_code == 400, action
            assert "belong to different consultations" in response.content.decode()
        assert not Response.objects.exists()
        assert Comment.objects.get(pk=self.copies[0].pk).group_id == self.group.pk
        assert Comment.objects.get(pk=stranger.pk).group_id is None

    def test_themes_defined_per_window_and_assigned_in_bulk(self):
        self.client.force_login(self.editor)
        themes_url = reverse("manage:consultation_themes", args=[self.window.pk])
        assert (
            self.client.post(themes_url, {"name_ar": "الموازنة", "name_en": "Budget"}).status_code
            == 302
        )
        assert self.client.post(themes_url, {"name_ar": "الموازنة"}).status_code == 400
        theme = Theme.objects.get(window=self.window)
        response = self.client.post(
            self.list_url + f"?window={self.window.pk}",
            {"action": "theme", "theme": theme.pk, "comments": [c.pk for c in self.copies]},
        )
        assert response.status_code == 302
        assert theme.comments.count() == 3
        stranger = make_published_comment(window=self.other_window, body="تعليق آخر")
        with self.assertRaises(ValidationError):
            services.assign_theme(theme=theme, comments=[stranger], user=self.editor)
        assert theme.comments.count() == 3

    def test_the_dashboard_and_the_stage_7_gate_count_inputs_without_a_disposition(self):
        make_published_comment(window=self.other_window, body="تعليق آخر")
        self.client.force_login(self.editor)
        response = self.client.get(
            "/en" + reverse("manage:dashboard")[3:], {"plan": self.window.plan.number}
        )
        windows = {window.pk: window.missing for window in response.context["dispositions"]}
        assert windows == {self.window.pk: 3, self.other_window.pk: 1}
        assert "Inputs without a disposition, per window" in response.content.decode()
        problems = every_window_closed_and_answered(self.window.plan)
        assert "4 published comment(s) have no response yet." in problems
        services.answer_comments(
            comments=self.copies, outcome="already_covered", reason_en="In 3.2.", user=self.editor
        )
        response = self.client.get(reverse("manage:dashboard"), {"plan": self.window.plan.number})
        assert {w.pk: w.missing for w in response.context["dispositions"]} == {
            self.other_window.pk: 1
        }
        assert "1 published comment(s) have no response yet." in every_window_closed_and_answered(
            self.window.plan
        )

    def test_wrong_roles_cannot_answer_or_tag(self):
        self.client.force_login(self.focal_point)
        url = reverse("manage:consultation_group", args=[self.group.pk])
        response = self.client.post(
            url, {"step": "answer", "outcome": "accepted", "reason_ar": "x"}
        )
        assert response.status_code == 403
        assert not Response.objects.exists()
