"""Bilingual fields: `commitment.title` reads the active language and falls back to the other."""

from django.test import SimpleTestCase
from django.utils import translation

from commitments.models import Commitment

ARABIC = "الحق في الحصول على المعلومات"
ENGLISH = "Access to information"


class TranslatedFieldTests(SimpleTestCase):
    def test_each_language_reads_its_own_column(self):
        commitment = Commitment(title_ar=ARABIC, title_en=ENGLISH)
        with translation.override("en"):
            assert commitment.title == ENGLISH
        with translation.override("ar"):
            assert commitment.title == ARABIC

    def test_empty_english_falls_back_to_arabic(self):
        commitment = Commitment(title_ar=ARABIC, title_en="")
        with translation.override("en"):
            assert commitment.title == ARABIC
            assert Commitment.title.value_with_language(commitment) == (ARABIC, "ar")

    def test_empty_arabic_falls_back_to_english(self):
        commitment = Commitment(title_ar="", title_en=ENGLISH)
        with translation.override("ar"):
            assert commitment.title == ENGLISH
            assert Commitment.title.value_with_language(commitment) == (ENGLISH, "en")

    def test_value_with_language_reports_the_active_language_when_present(self):
        commitment = Commitment(title_ar=ARABIC, title_en=ENGLISH)
        with translation.override("en"):
            assert Commitment.title.value_with_language(commitment) == (ENGLISH, "en")
        with translation.override("ar"):
            assert Commitment.title.value_with_language(commitment) == (ARABIC, "ar")

    def test_both_empty_is_empty_in_the_active_language(self):
        commitment = Commitment(description_ar="", description_en="")
        with translation.override("en"):
            assert commitment.description == ""
            assert Commitment.description.value_with_language(commitment) == ("", "en")

    def test_regional_variant_uses_its_language(self):
        commitment = Commitment(title_ar=ARABIC, title_en=ENGLISH)
        with translation.override("en-gb"):
            assert commitment.title == ENGLISH
        with translation.override("ar-jo"):
            assert commitment.title == ARABIC

    def test_unsupported_language_reads_arabic_first(self):
        commitment = Commitment(title_ar=ARABIC, title_en=ENGLISH)
        with translation.override("fr"):
            assert commitment.title == ARABIC

    def test_every_translated_field_reads_its_own_columns(self):
        commitment = Commitment(problem_ar="مشكلة", problem_en="Problem", causes_en="Causes")
        with translation.override("en"):
            assert commitment.problem == "Problem"
            assert commitment.causes == "Causes"
        with translation.override("ar"):
            assert commitment.problem == "مشكلة"
            assert commitment.causes == "Causes"


class StatusLabelTests(SimpleTestCase):
    """The models' own get_status_display (choice_label) says what Django's would."""

    def test_the_same_label_as_django_in_each_language(self):
        from django.db.models import Model

        from commitments.models import CommitmentStatus, Milestone, MilestoneStatus
        from plans.models import ActionPlan, MethodologyStage, PlanStatus, StageStatus

        cases = [
            (Commitment(status=CommitmentStatus.IN_IMPLEMENTATION), "status"),
            (Milestone(status=MilestoneStatus.DELAYED), "status"),
            (ActionPlan(status=PlanStatus.CONSULTATION), "status"),
            (MethodologyStage(status=StageStatus.IN_PROGRESS), "status"),
        ]
        for language in ("ar", "en"):
            for row, field in cases:
                with self.subTest(row=type(row).__name__, language=language):
                    with translation.override(language):
                        django_label = Model._get_FIELD_display(row, row._meta.get_field(field))
                        ours = row.get_status_display()
                    assert type(ours) is str
                    assert ours == django_label

    def test_an_unknown_value_shows_as_itself(self):
        assert Commitment(status="archived").get_status_display() == "archived"
