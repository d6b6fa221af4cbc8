"""The database refuses rows that break a plan invariant, and accepts their valid neighbours.

Every named constraint `<name>` of the four domain apps has a test method `test_<name>`
in one of the `tests/<app>/test_constraints.py` modules; `ConstraintCoverageTests` below
fails when a new constraint arrives without one.
"""

import datetime
import importlib
import inspect

from django.db.models import CheckConstraint, Q
from django.test import SimpleTestCase, TestCase
from django.utils import timezone

from plans.models import (
    PUBLISHED_PLAN_STATUSES,
    DocumentKind,
    MethodologyStage,
    PlanStatus,
    Sector,
    StageStatus,
)
from tests.factories import (
    make_document,
    make_organisation,
    make_plan,
    make_stages,
)
from tests.helpers import (
    DOMAIN_APPS,
    check_choices,
    domain_models,
    named_constraints,
    violates,
)


class ConstraintCoverageTests(SimpleTestCase):
    def test_every_named_constraint_has_a_test(self):
        names = set(named_constraints())
        assert {"commitment_unique_number_per_plan", "window_closes_after_opens"} <= names
        tested = set()
        for label in DOMAIN_APPS:
            module = importlib.import_module(f"tests.{label}.test_constraints")
            for _name, case in inspect.getmembers(module, inspect.isclass):
                if issubclass(case, SimpleTestCase) and case.__module__ == module.__name__:
                    tested |= {
                        method.removeprefix("test_")
                        for method in dir(case)
                        if method.startswith("test_")
                    }
        missing = sorted(names - tested)
        assert not missing, f"constraints without a test_<name> method: {missing}"

    def test_every_choice_field_is_checked_by_the_database(self):
        """Rows that skip form validation (imports, `update()`) still hold valid choices."""
        unchecked = []
        for model in domain_models():
            checked = set()
            for constraint in model._meta.constraints:
                if isinstance(constraint, CheckConstraint):
                    checked |= fields_in(constraint.condition)
            for field in model._meta.concrete_fields:
                if field.choices and field.name not in checked:
                    unchecked.append(f"{model._meta.label}.{field.name}")
        assert not unchecked, f"choice fields without a CheckConstraint: {unchecked}"


def fields_in(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= fields_in(child)
        else:
            names.add(child[0].split("__")[0])
    return names


class OrganisationConstraintTests(TestCase):
    def test_organisation_unique_name_ar(self):
        make_organisation(name_ar="وزارة التخطيط")
        with violates("organisation_unique_name_ar"):
            make_organisation(name_ar="وزارة التخطيط")
        make_organisation(name_ar="وزارة التخطيط والتعاون الدولي")

    def test_organisation_sector_valid(self):
        check_choices("organisation_sector_valid", make_organisation(), "sector", Sector.values)

    def test_organisation_name_ar_not_empty(self):
        with violates("organisation_name_ar_not_empty"):
            make_organisation(name_ar="")
        make_organisation(name_ar="أ")


class ActionPlanConstraintTests(TestCase):
    def test_actionplan_unique_number_per_country(self):
        make_plan(number=5, country_code="JO")
        with violates("actionplan_unique_number_per_country"):
            make_plan(number=5, country_code="JO")
        make_plan(number=5, country_code="TN")
        make_plan(number=6, country_code="JO")

    def test_actionplan_number_positive(self):
        with violates("actionplan_number_positive"):
            make_plan(number=0)
        make_plan(number=1)

    def test_actionplan_period_in_order(self):
        day = datetime.date(2021, 1, 1)
        with violates("actionplan_period_in_order"):
            make_plan(starts_on=day, ends_on=day)
        with violates("actionplan_period_in_order"):
            make_plan(starts_on=day, ends_on=day - datetime.timedelta(days=1))
        make_plan(starts_on=day, ends_on=day + datetime.timedelta(days=1))

    def test_actionplan_status_valid(self):
        plan = make_plan(published_on=datetime.date(2021, 12, 30))
        check_choices("actionplan_status_valid", plan, "status", PlanStatus.values)

    def test_actionplan_published_has_date(self):
        for status in PUBLISHED_PLAN_STATUSES:
            with self.subTest(status=status), violates("actionplan_published_has_date"):
                make_plan(status=status, published_on=None)
        make_plan(status=PlanStatus.PUBLISHED, published_on=datetime.date(2021, 12, 30))
        make_plan(status=PlanStatus.CONSULTATION, published_on=None)


class MethodologyStageConstraintTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()

    def make_stage(self, number, **fields):
        return MethodologyStage.objects.create(plan=self.plan, number=number, **fields)

    def test_stage_unique_number_per_plan(self):
        make_stages(self.plan)
        with violates("stage_unique_number_per_plan"):
            self.make_stage(3)
        MethodologyStage.objects.create(plan=make_plan(), number=3)

    def test_stage_number_1_to_7(self):
        for number in (0, 8):
            with self.subTest(number=number), violates("stage_number_1_to_7"):
                self.make_stage(number)
        self.make_stage(1)
        self.make_stage(7)

    def test_stage_status_valid(self):
        stage = self.make_stage(1, actual_end=datetime.date(2021, 3, 1))
        check_choices("stage_status_valid", stage, "status", StageStatus.values)

    def test_stage_planned_dates_in_order(self):
        day = datetime.date(2021, 3, 1)
        with violates("stage_planned_dates_in_order"):
            self.make_stage(1, planned_start=day, planned_end=day - datetime.timedelta(days=1))
        self.make_stage(1, planned_start=day, planned_end=day)
        self.make_stage(2, planned_start=day)

    def test_stage_actual_dates_in_order(self):
        day = datetime.date(2021, 3, 1)
        with violates("stage_actual_dates_in_order"):
            self.make_stage(1, actual_start=day, actual_end=day - datetime.timedelta(days=1))
        self.make_stage(1, actual_start=day, actual_end=day)
        self.make_stage(2, actual_end=day)

    def test_stage_completed_has_end_date(self):
        with violates("stage_completed_has_end_date"):
            self.make_stage(1, status=StageStatus.COMPLETED, actual_end=None)
        self.make_stage(
            1,
            status=StageStatus.COMPLETED,
            actual_end=datetime.date(2021, 3, 1),
        )
        self.make_stage(2, status=StageStatus.IN_PROGRESS)


class DocumentConstraintTests(TestCase):
    def test_document_kind_valid(self):
        check_choices("document_kind_valid", make_document(), "kind", DocumentKind.values)

    def test_document_has_file_or_link(self):
        with violates("document_has_file_or_link"):
            make_document(file="", url="")
        make_document(file="documents/2021/minutes.pdf", url="")
        make_document(file="", url="https://example.org/minutes.pdf")

    def test_document_public_has_timestamp(self):
        with violates("document_public_has_timestamp"):
            make_document(is_public=True, published_at=None)
        make_document(is_public=True, published_at=timezone.now())
        make_document(is_public=False, published_at=None)

    def test_document_language_valid(self):
        check_choices("document_language_valid", make_document(), "language", ["ar", "en"])


class PlanDocumentConstraintTests(TestCase):
    """The plan document's published versions and cached draft PDFs."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan()

    def publication(self, **fields):
        from plans.models import PlanPublication

        fields = {
            "plan": self.plan,
            "number": 1,
            "language": "ar",
            "published_at": timezone.now(),
            "snapshot": {},
            "content_key": "k",
            **fields,
        }
        return PlanPublication.objects.create(**fields)

    def draft(self, **fields):
        from plans.models import PlanPdf

        fields = {
            "plan": self.plan,
            "language": "ar",
            "audience": "staff",
            "content_key": "k",
            "file": "x.pdf",
            **fields,
        }
        return PlanPdf.objects.create(**fields)

    def test_planpublication_unique_version(self):
        self.publication()
        with violates("planpublication_unique_version"):
            self.publication()
        self.publication(language="en")
        self.publication(number=2)

    def test_planpublication_number_positive(self):
        with violates("planpublication_number_positive"):
            self.publication(number=0)

    def test_planpublication_language_valid(self):
        check_choices(
            "planpublication_language_valid", self.publication(), "language", ["ar", "en"]
        )

    def test_planpdf_unique_content(self):
        self.draft()
        with violates("planpdf_unique_content"):
            self.draft()
        self.draft(content_key="other")
        self.draft(audience="public")

    def test_planpdf_audience_valid(self):
        check_choices("planpdf_audience_valid", self.draft(), "audience", ["public", "staff"])

    def test_planpdf_language_valid(self):
        check_choices("planpdf_language_valid", self.draft(), "language", ["ar", "en"])

    def test_planpdf_file_or_failure(self):
        with violates("planpdf_file_or_failure"):
            self.draft(file="", content_key="neither")
        with violates("planpdf_file_or_failure"):
            self.draft(failure="timeout", content_key="both")
        self.draft(file="", failure="timeout", content_key="failed")


class OrganisationNameConstraintTests(TestCase):
    def test_organisationname_unique_key(self):
        from plans.models import OrganisationName

        organisation = make_organisation()
        OrganisationName.objects.create(organisation=organisation, name="MoY", key="moy")
        with violates("organisationname_unique_key"):
            OrganisationName.objects.create(organisation=organisation, name="MOY", key="moy")
        OrganisationName.objects.create(organisation=organisation, name="Youth", key="youth")

    def test_organisationname_key_not_empty(self):
        from plans.models import OrganisationName

        organisation = make_organisation()
        with violates("organisationname_key_not_empty"):
            OrganisationName.objects.create(organisation=organisation, name="x", key="")
        OrganisationName.objects.create(organisation=organisation, name="x", key="x")
