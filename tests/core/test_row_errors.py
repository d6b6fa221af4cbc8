"""A service's refusal of one imported row: every sheet's `apply` says it through
`core.sheets.row_error`, each message with the row's number, in the page's language."""

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.utils import translation

from core.sheets import row_error


class RowErrorTests(SimpleTestCase):
    def test_each_message_names_the_row(self):
        with translation.override("en"):
            error = row_error(7, ValidationError(["The end is before the start.", "Too long."]))
        self.assertEqual(
            error.messages, ["Row 7: The end is before the start.", "Row 7: Too long."]
        )

    def test_field_errors_are_kept_as_messages(self):
        with translation.override("en"):
            error = row_error(3, ValidationError({"ends_on": ["The end is before the start."]}))
        self.assertEqual(error.messages, ["Row 3: The end is before the start."])

    def test_arabic_page_reads_the_row_in_arabic(self):
        with translation.override("ar"):
            error = row_error(2, ValidationError("x"))
        self.assertEqual(error.messages, ["السطر 2: x"])
