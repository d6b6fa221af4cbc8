"""Two staff members edit the same comment window at once: the second save is refused with
409 and the real differences, and saving from the conflict page merges (the other's field
kept, one's own saved, a field both changed as chosen)."""

from django.test import TestCase

from consultations.models import CommentWindow
from core.roles import COORDINATOR, EDITOR
from tests.factories import make_commitment, make_plan, make_user, make_window
from tests.helpers import two_browsers_edit


class WindowEditConflictTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a, cls.b = make_user(role=EDITOR), make_user(role=COORDINATOR)
        plan = make_plan(number=5)
        cls.window = make_window(plan=plan, title_en="Draft commitments")
        cls.window.commitments.set([make_commitment(plan=plan), make_commitment(plan=plan)])

    def test_window_form(self):
        row = two_browsers_edit(
            self.client_class,
            url=f"/ar/manage/consultations/windows/{self.window.pk}/edit/",
            users=(self.a, self.b),
            reload=lambda: CommentWindow.objects.get(pk=self.window.pk),
            theirs=("description_en", "Comment on the draft commitments."),
            yours=("description_ar", "علّقوا على مسودة الالتزامات."),
            both=("title_en", "Draft commitments of the 5th plan", "Fifth plan: drafts"),
            choice="mine",
        )
        self.assertEqual(row.commitments.count(), 2)
