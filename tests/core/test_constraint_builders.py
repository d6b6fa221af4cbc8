"""`core.constraints` builds the CHECK rules many models share; each must build exactly the
constraint the models wrote out before (same name, condition and message), or the tables
would need a migration. `make test` checks the whole schema (`makemigrations --check`);
these pin each builder's shape."""

from django.db.models import CheckConstraint, F, Q
from django.test import SimpleTestCase

from core.constraints import language, not_before, not_empty, one_of, positive


class ConstraintBuilderTests(SimpleTestCase):
    def test_one_of_names_the_field_and_allows_blank_when_asked(self):
        self.assertEqual(
            one_of("meeting", "mode", ["a", "b"]),
            CheckConstraint(condition=Q(mode__in=["a", "b"]), name="meeting_mode_valid"),
        )
        self.assertEqual(
            one_of("", "completion", ["x"], blank=True, name="irm_completion_valid"),
            CheckConstraint(
                condition=Q(completion="") | Q(completion__in=["x"]), name="irm_completion_valid"
            ),
        )

    def test_language_is_one_of_the_site_languages(self):
        self.assertEqual(
            language("document"),
            CheckConstraint(condition=Q(language__in=["ar", "en"]), name="document_language_valid"),
        )

    def test_positive_and_not_empty(self):
        self.assertEqual(
            positive("outcome", "number", "Must be 1 or more."),
            CheckConstraint(
                condition=Q(number__gte=1),
                name="outcome_number_positive",
                violation_error_message="Must be 1 or more.",
            ),
        )
        self.assertEqual(
            not_empty("remark", "body"),
            CheckConstraint(condition=~Q(body=""), name="remark_body_not_empty"),
        )

    def test_not_before_with_optional_fields_and_strict_order(self):
        self.assertEqual(
            not_before("ends_on", "starts_on", name="n", optional=("ends_on", "starts_on")),
            CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="n",
            ),
        )
        self.assertEqual(
            not_before("closes_at", "opens_at", name="w", strict=True),
            CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="w"),
        )


class PercentDoneTests(SimpleTestCase):
    """A milestone's share done is refused outside 0–100 with one message, by the database
    (both tables), the progress form and a spreadsheet's cell alike."""

    def test_the_constraint_and_the_message(self):
        from django.utils import translation

        from core.constraints import PERCENT_DONE_MESSAGE, is_percent, percent_done

        self.assertEqual(
            percent_done("milestone"),
            CheckConstraint(
                condition=Q(progress_percent__lte=100),
                name="milestone_percent_at_most_100",
                violation_error_message=PERCENT_DONE_MESSAGE,
            ),
        )
        self.assertTrue(is_percent(0) and is_percent(100))
        self.assertFalse(is_percent(101) or is_percent(-1))
        with translation.override("ar"):
            self.assertNotEqual(
                str(PERCENT_DONE_MESSAGE), "The percent done must be between 0 and 100."
            )
