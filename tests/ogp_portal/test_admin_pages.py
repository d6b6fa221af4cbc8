"""Every admin page of every registered model renders for a superuser, with data in it."""

from django.apps import apps
from django.contrib import admin
from django.test import TestCase
from import_export.admin import ExportMixin, ImportMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from tests.factories import make_milestone, make_superuser_with_everything
from tests.helpers import DOMAIN_APPS as OUR_APPS
from tests.helpers import admin_url, our_admins

HISTORIED = {
    "plans.ActionPlan",
    "plans.MethodologyStage",
    "commitments.Commitment",
    "commitments.Milestone",
    "meetings.Meeting",
}


class AdminPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_superuser_with_everything()

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
        empty = [model._meta.label for model in our_admins() if not model.objects.exists()]
        self.assertEqual(empty, [])

    def test_changelists_render_with_their_rows(self):
        for model in our_admins():
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "changelist"))
                self.assertEqual(response.status_code, 200)
                self.assertGreaterEqual(response.context["cl"].result_count, 1)
                first = model.objects.first()
                self.assertContains(response, admin_url(model, "change", first.pk))

    def test_changelist_search_works(self):
        """Every search_fields path exists (a typo only fails when someone searches)."""
        for model, model_admin in our_admins().items():
            if not model_admin.search_fields:
                continue
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "changelist"), {"q": "x"})
                self.assertEqual(response.status_code, 200)

    def test_export_pages_render_and_nothing_imports(self):
        """Spreadsheets are imported in the workspace, through the rules; the admin exports."""
        admins = our_admins()
        exporters = [model for model in admins if isinstance(admins[model], ExportMixin)]
        self.assertEqual(len(exporters), 11)
        for model, model_admin in our_admins().items():
            with self.subTest(model._meta.label):
                self.assertNotIsInstance(model_admin, ImportMixin)
        for model in exporters:
            with self.subTest(model._meta.label, view="export"):
                response = self.client.get(admin_url(model, "export"))
                self.assertEqual(response.status_code, 200)

    def test_add_pages_render(self):
        for model, model_admin in our_admins().items():
            with self.subTest(model._meta.label):
                response = self.client.get(admin_url(model, "add"))
                # A read-only record (the audit trail) has no add page, even for a superuser.
                expected = 200 if model_admin.has_add_permission(response.wsgi_request) else 403
                self.assertEqual(response.status_code, expected)

    def test_change_pages_render(self):
        for model in our_admins():
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
