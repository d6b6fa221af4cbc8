"""Every admin page of every registered model renders for a superuser, with data in it."""

from django.apps import apps
from django.contrib import admin
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from import_export.admin import ExportMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from tests.factories import (
    make_agenda_item,
    make_announcement,
    make_approval_letter,
    make_attachment,
    make_attendance,
    make_audit_event,
    make_body,
    make_comment,
    make_commitment,
    make_document,
    make_irm_assessment,
    make_meeting,
    make_membership,
    make_milestone,
    make_organisation,
    make_outcome,
    make_person,
    make_plan,
    make_plan_pdf,
    make_plan_publication,
    make_policy_area,
    make_progress_report,
    make_remark,
    make_response,
    make_stages,
    make_subscription,
    make_user,
    make_window,
)

OUR_APPS = ["plans", "commitments", "meetings", "consultations", "audit"]
HISTORIED = {
    "plans.ActionPlan",
    "plans.MethodologyStage",
    "commitments.Commitment",
    "commitments.Milestone",
    "meetings.Meeting",
}


def make_one_of_everything(user):
    """One row of every model of the four apps, wired together as in real data."""
    plan = make_plan()
    stages = make_stages(plan)
    make_document(plan=plan, stage=stages[0])
    organisation = make_organisation()
    area = make_policy_area()
    commitment = make_commitment(plan=plan, lead_institution=organisation)
    commitment.policy_areas.add(area)
    commitment.supporting_institutions.add(make_organisation())
    make_progress_report(milestone=make_milestone(commitment=commitment), reported_by=user)
    make_approval_letter(commitment=commitment)
    make_irm_assessment(commitment=commitment)
    body = make_body(plan=plan)
    person = make_person(user=user)
    make_membership(body=body, person=person, organisation=organisation)
    meeting = make_meeting(body=body, plan=plan)
    make_attendance(meeting=meeting, person=person, organisation=organisation)
    item = make_agenda_item(meeting=meeting, presenter=person)
    make_attachment(agenda_item=item)
    outcome = make_outcome(meeting=meeting, owner=organisation)
    outcome.commitments.add(commitment)
    window = make_window(plan=plan, opens_at=timezone.now().replace(microsecond=0))
    window.commitments.add(commitment)
    make_announcement(window=window, url="https://example.org/post")
    comment = make_comment(window=window, commitment=commitment)
    make_response(comment=comment, responded_by=user)
    make_subscription()
    make_audit_event(user=user, username=user.username)
    make_plan_publication(plan=plan, published_by=user)
    make_plan_pdf(plan=plan)
    make_remark(meeting=meeting, author=user)


def our_registry() -> dict:
    """The model admins of the four domain apps (the admin also lists django-axes's
    sign-in records, read-only; see test_the_sign_in_records_are_listed)."""
    return {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
    }


def admin_url(model, view, *args):
    opts = model._meta
    with translation.override("en"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


class AdminPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_user(is_staff=True, is_superuser=True)
        make_one_of_everything(cls.superuser)

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_every_model_of_the_four_apps_is_registered(self):
        """Historical tables are not registered: they are read through the history pages."""
        models = [
            model
            for label in OUR_APPS
            for model in apps.get_app_config(label).get_models()
            if not issubclass(model, HistoricalChanges)
        ]
        self.assertIn(apps.get_model("commitments.Commitment"), models)
        missing = [model._meta.label for model in models if not admin.site.is_registered(model)]
        self.assertEqual(missing, [])

    def test_the_sign_in_records_are_listed(self):
        """django-axes's attempts, failures and sign-ins: the superuser's audit trail."""
        for label in ["axes.AccessAttempt", "axes.AccessFailureLog", "axes.AccessLog"]:
            with self.subTest(label):
                response = self.client.get(admin_url(apps.get_model(label), "changelist"))
                self.assertEqual(response.status_code, 200)

    def test_historied_models_use_simple_history_admin(self):
        for label in HISTORIED:
            with self.subTest(label):
                model_admin = admin.site._registry[apps.get_model(label)]
                self.assertIsInstance(model_admin, SimpleHistoryAdmin)

    def test_every_registered_model_has_a_row(self):
        """The page tests below prove a row renders only if there is one."""
        empty = [model._meta.label for model in our_registry() if not model.objects.exists()]
        self.assertEqual(empty, [])

    def test_changelists_render_with_their_rows(self):
        for model in our_registry():
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(response.context["cl"].result_count, 1)
                first = model.objects.first()
                self.assertContains(response, admin_url(model, "change", first.pk))

    def test_changelist_search_works(self):
        """Every search_fields path exists (a typo only fails when someone searches)."""
        for model, model_admin in our_registry().items():
            if not model_admin.search_fields:
                continue
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "changelist"), {"q": "x"})
                self.assertEqual(response.status_code, 200)

    def test_import_and_export_pages_render(self):
        for model, model_admin in our_registry().items():
            views = [
                view
                for view, mixin in (("import", ImportMixin), ("export", ExportMixin))
                if isinstance(model_admin, mixin)
            ]
            for view in views:
                with self.subTest(model._meta.label, view=view):
                    response = self.client.get(admin_url(model, view))
                    self.assertEqual(response.status_code, 200)

    def test_add_pages_render(self):
        for model, model_admin in our_registry().items():
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "add"))
                # A read-only record (the audit trail) has no add page, even for a superuser.
                expected = 200 if model_admin.has_add_permission(response.wsgi_request) else 403
                self.assertEqual(response.status_code, expected)

    def test_change_pages_render(self):
        for model in our_registry():
            with self.subTest(model._meta.label):
                obj = model.objects.first()
                response = self.client.get(admin_url(model, "change", obj.pk))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["original"], obj)

    def test_history_pages_render(self):
        for label in HISTORIED:
            model = apps.get_model(label)
            obj = model.objects.first()
            with self.subTest(label):
                response = self.client.get(admin_url(model, "history", obj.pk))
                self.assertEqual(response.status_code, 200)
                record = obj.history.latest()
                self.assertContains(response, admin_url(model, "simple_history", obj.pk, record.pk))
                response = self.client.get(admin_url(model, "simple_history", obj.pk, record.pk))
                self.assertEqual(response.status_code, 200)

    def test_inlines_on_change_pages(self):
        """Stages in plan; milestones and letters in commitment; the meeting's parts; etc."""
        expected = {
            "plans.ActionPlan": ["stages"],
            "commitments.Commitment": ["milestones", "approval_letters"],
            "meetings.Meeting": ["attendances", "agenda_items", "outcomes"],
            "consultations.CommentWindow": ["announcements"],
            "consultations.Comment": ["response"],
        }
        for label, prefixes in expected.items():
            model = apps.get_model(label)
            response = self.client.get(admin_url(model, "change", model.objects.first().pk))
            inlines = response.context["inline_admin_formsets"]
            formsets = [inline.formset.prefix for inline in inlines]
            with self.subTest(label):
                self.assertEqual(formsets, prefixes)

    def test_commitment_list_shows_progress(self):
        commitment = apps.get_model("commitments.Commitment").objects.first()
        milestone = commitment.milestones.get()
        make_milestone(commitment=commitment, status="completed")
        self.assertEqual(milestone.status, "not_started")
        response = self.client.get(admin_url(type(commitment), "changelist"))
        self.assertContains(response, "50.0")

    def test_approval_letter_goes_stale_when_the_text_changes(self):
        letter = apps.get_model("commitments.ApprovalLetter").objects.get()
        url = admin_url(type(letter), "changelist")
        response = self.client.get(url)
        self.assertContains(response, 'alt="True"')
        commitment = letter.commitment
        commitment.title_ar = "نص جديد"
        commitment.save()
        response = self.client.get(url)
        self.assertContains(response, 'alt="False"')
