"""Stored drafts follow the content: after a write that changes what a plan's PDF prints,
once per transaction and after commit, each draft of that plan someone already downloaded
is rendered again in the background (plans.tasks.printed_row_changed, wired in
core.apps next to the page cache). Plans nobody downloaded render nothing;
unchanged content is not rendered again; published final versions never change."""

from unittest import mock

from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from commitments.models import Commitment, Milestone
from meetings.models import Attendance, Outcome
from plans import services, tasks
from plans.models import PdfAudience, PlanPdf, PlanPublication
from tests.factories import build_plan, make_commitment, make_organisation, make_plan, make_user
from tests.helpers import edit_commitment, fake_render, normalised, pdf_text_of

NEW_TITLE = "نشر تقارير الموازنة الشهرية"


class RefreshTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = build_plan()
        cls.commitment = Commitment.objects.get(plan=cls.plan, number=1)
        cls.editor = make_user(role="editor")
        cls.coordinator = make_user(role="coordinator")

    def setUp(self):
        # TestCase never commits the test data: run its after-commit step now, as the
        # commit would have (no PDF is stored yet, so nothing is enqueued).
        assert tasks.refresh_stored_drafts() == 0

    def download(self, language: str):
        response = self.client.get(f"/en/plans/{self.plan.number}/draft/{language}.pdf")
        assert response.status_code == 200
        return b"".join(response.streaming_content)

    def stored(self, language: str) -> list[PlanPdf]:
        return list(PlanPdf.objects.filter(plan=self.plan, language=language))


class RealRenderTests(RefreshTestCase):
    def test_a_commitment_edit_renders_the_downloaded_arabic_draft_again_after_commit(self):
        self.download("ar")
        [before] = self.stored("ar")
        assert normalised(NEW_TITLE) not in normalised(pdf_text_of(before.file.read()))

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            edit_commitment(self.commitment, self.editor, title_ar=NEW_TITLE)
            # Nothing before commit: the transaction could still be rolled back.
            assert self.stored("ar") == [before]
        assert callbacks

        [after] = self.stored("ar")  # no download request since the edit
        assert after.content_key != before.content_key
        assert normalised(NEW_TITLE) in normalised(pdf_text_of(after.file.read()))
        assert not self.stored("en")  # nobody downloaded the English draft: not rendered


class FakeRenderTests(RefreshTestCase):
    def setUp(self):
        super().setUp()
        patcher = mock.patch("plans.tasks.render_snapshot", side_effect=fake_render)
        self.render = patcher.start()
        self.addCleanup(patcher.stop)
        # Count the enqueued renders (a task is frozen: its stand-in forwards to it).
        task = mock.Mock(enqueue=mock.Mock(side_effect=tasks.render_draft_pdf.enqueue))
        patcher = mock.patch("plans.tasks.render_draft_pdf", task)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.enqueue = task.enqueue

    def test_a_save_that_changes_nothing_printed_is_not_rendered_again(self):
        self.download("ar")
        assert self.render.call_count == 1
        self.enqueue.reset_mock()
        with self.captureOnCommitCallbacks(execute=True):
            edit_commitment(self.commitment, self.editor, title_ar=self.commitment.title_ar)
        self.enqueue.assert_called_once_with(self.plan.pk, "ar", PdfAudience.PUBLIC)
        assert self.render.call_count == 1  # same content key: the stored PDF stays
        with self.captureOnCommitCallbacks(execute=True):
            edit_commitment(self.commitment, self.editor, title_ar=NEW_TITLE)
        assert self.render.call_count == 2

    def test_a_plan_nobody_downloaded_renders_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            other = make_plan()
            make_commitment(plan=other)
        self.client.get(f"/en/plans/{other.number}/draft/en.pdf")  # another plan's draft
        self.render.reset_mock()
        self.enqueue.reset_mock()
        with self.captureOnCommitCallbacks(execute=True):
            edit_commitment(self.commitment, self.editor, title_ar=NEW_TITLE)
        assert self.enqueue.call_count == 0
        assert self.render.call_count == 0
        assert not PlanPdf.objects.filter(plan=self.plan).exists()

    def test_one_transaction_enqueues_each_stored_draft_once(self):
        self.download("ar")
        self.download("en")
        self.enqueue.reset_mock()
        milestone = Milestone.objects.filter(commitment=self.commitment).first()
        attendance = Attendance.objects.filter(meeting__plan=self.plan, status="present").get()
        with self.captureOnCommitCallbacks(execute=True), transaction.atomic():
            edit_commitment(self.commitment, self.editor, title_en="Open budget reports")
            milestone.title_en = "A changed milestone"
            milestone.save()
            attendance.position_en = "Chair"
            attendance.save()
        assert sorted(call.args for call in self.enqueue.call_args_list) == [
            (self.plan.pk, "ar", PdfAudience.PUBLIC),
            (self.plan.pk, "en", PdfAudience.PUBLIC),
        ]

    def test_a_rolled_back_edit_renders_nothing(self):
        self.download("en")
        self.enqueue.reset_mock()
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    edit_commitment(self.commitment, self.editor, title_en="Never saved")
                    raise RuntimeError("the request failed")
            except RuntimeError:
                pass
        assert self.enqueue.call_count == 0
        assert self.render.call_count == 1

    def test_rows_of_meetings_consultations_and_institutions_reach_their_plan(self):
        self.download("en")
        outcome = Outcome.objects.get(meeting__plan=self.plan)
        response = self.plan.comment_windows.get().comments.get().response
        lead = self.commitment.lead_institution
        unrelated = make_organisation()
        for row, change in [
            (outcome, {"decision_en": "Adopt the revised draft"}),
            (response, {"reason_en": "A quarterly milestone was added"}),
            (lead, {"name_en": "Ministry of Planning and Cooperation"}),
            (self.plan, {"summary_en": "A new summary"}),
        ]:
            self.enqueue.reset_mock()
            for name, value in change.items():
                setattr(row, name, value)
            with self.subTest(row._meta.label), self.captureOnCommitCallbacks(execute=True):
                row.save()
            self.enqueue.assert_called_once_with(self.plan.pk, "en", PdfAudience.PUBLIC)
        assert self.render.call_count == 5  # each change showed in the draft
        # A new institution no plan prints: checked (every plan may print one), not rendered.
        with self.captureOnCommitCallbacks(execute=True):
            unrelated.name_en = "Nobody prints this"
            unrelated.save()
        assert self.render.call_count == 5

    def test_a_published_final_version_is_unchanged_by_a_later_edit(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.publish_final_plan(plan=self.plan, by=self.coordinator, now=timezone.now())
        final = PlanPublication.objects.get(plan=self.plan, language="ar")
        original, key = final.file.read(), final.content_key
        final.file.close()
        self.download("ar")
        renders = self.render.call_count

        with self.captureOnCommitCallbacks(execute=True):
            edit_commitment(self.commitment, self.editor, title_ar=NEW_TITLE)
        assert self.render.call_count == renders + 1  # the draft, not the final version
        final.refresh_from_db()
        assert final.file.read() == original
        assert final.content_key == key
        assert NEW_TITLE not in str(final.snapshot)
