"""Open data files and their dictionary: cells a spreadsheet would run as a formula are
made inert (the same writer as the staff exports), and every column description is in
the language of the page."""

import csv
import io
import re

from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from consultations.models import ModerationState
from core.spreadsheets import FORMULA_GUARD
from public.opendata import DATASETS
from tests.factories import make_comment, make_plan, make_window

ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
FORMULA = "=1+1"
DESCRIPTION_CELL = re.compile(r"<tr><td><code dir=\"ltr\">[^<]*</code></td><td>([^<]*)</td></tr>")


class FormulaGuardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        window = make_window(plan=make_plan())
        make_comment(
            window=window,
            body=FORMULA,
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )
        make_comment(window=window, body="=2+2 pending, never public")

    def test_csv_cell_is_inert(self):
        response = self.client.get("/en/data/comments.csv")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith("\ufeff".encode()), "byte-order mark")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual([row["comment"] for row in rows], [FORMULA_GUARD + FORMULA])

    def test_xlsx_cell_is_inert_text(self):
        for language, right_to_left in (("en", False), ("ar", True)):
            with self.subTest(language=language):
                response = self.client.get(f"/{language}/data/comments.xlsx")
                self.assertEqual(response.status_code, 200)
                sheet = load_workbook(io.BytesIO(response.content)).active
                header = [cell.value for cell in sheet[1]]
                cell = sheet.cell(row=2, column=header.index("comment") + 1)
                self.assertEqual(cell.value, FORMULA_GUARD + FORMULA)
                self.assertEqual(cell.data_type, "s")
                self.assertEqual(sheet.max_row, 2, "the pending comment is left out")
                self.assertEqual(bool(sheet.sheet_view.rightToLeft), right_to_left)

    def test_json_keeps_the_text_as_written(self):
        records = self.client.get("/en/data/comments.json").json()
        self.assertEqual([record["comment"] for record in records], [FORMULA])


class DictionaryLanguageTests(TestCase):
    def descriptions(self, language: str) -> list[str]:
        response = self.client.get(f"/{language}/data/")
        self.assertEqual(response.status_code, 200)
        cells = DESCRIPTION_CELL.findall(response.content.decode())
        self.assertEqual(len(cells), sum(len(dataset.columns) for dataset in DATASETS))
        return cells

    def test_english_page_describes_every_column_in_english(self):
        arabic = [cell for cell in self.descriptions("en") if ARABIC_LETTER.search(cell)]
        self.assertEqual(arabic, [])

    def test_arabic_page_describes_every_column_in_arabic(self):
        english = [cell for cell in self.descriptions("ar") if not ARABIC_LETTER.search(cell)]
        self.assertEqual(english, [])

    def test_json_dictionary_follows_the_language(self):
        for language, wanted in (("en", False), ("ar", True)):
            with self.subTest(language=language):
                entries = self.client.get(f"/{language}/data/dictionary.json").json()
                descriptions = [
                    column["description"] for entry in entries for column in entry["columns"]
                ]
                self.assertTrue(descriptions)
                for description in descriptions:
                    self.assertEqual(bool(ARABIC_LETTER.search(description)), wanted, description)
