"""Organisations matched by Arabic name, English name or acronym after normalising."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from core.arabic import normalise
from core.roles import EDITOR
from plans.models import Organisation
from tests.factories import make_organisation, make_user, make_xlsx


def test_normalise_folds_arabic_letter_forms_case_and_spaces():
    assert normalise("  وزارةُ   الشّباب ") == normalise("وزاره الشباب")
    assert normalise("إدارة") == normalise("ادارة") == normalise("آدارة")
    assert normalise("مستشفى") == normalise("مستشفي")
    assert normalise("Ministry  of YOUTH") == "ministry of youth"
    assert normalise("٢٠٢٥") == "2025"


class OrganisationImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.youth = make_organisation(
            name_ar="وزارة الشباب", name_en="Ministry of Youth", acronym="MoY"
        )
        cls.editor = make_user(role=EDITOR)

    def setUp(self):
        self.client.force_login(self.editor)

    def run_import(self, rows):
        response = self.client.post(
            "/en/manage/imports/organisations/",
            {"file": SimpleUploadedFile("o.xlsx", make_xlsx(rows))},
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return response["Location"]

    def test_names_match_in_either_language_or_by_acronym(self):
        for key in ("وزاره الشّباب", "ministry of  youth", "moy"):
            url = (
                self.run_import([["name_ar", "website"], [key, "https://moy.gov.jo"]])
                if "ز" in key
                else self.run_import([["name_en", "website"], [key, "https://moy.gov.jo"]])
            )
            preview = self.client.get(url)
            self.assertEqual(preview.context["counts"]["update"], 1, key)
            self.assertEqual(preview.context["counts"]["create"], 0, key)

    def test_a_new_organisation_is_created_and_an_existing_one_updated(self):
        url = self.run_import(
            [
                ["الاسم (بالعربية)", "name_en", "sector", "website"],
                ["وزارة البيئة", "Ministry of Environment", "government", ""],
                ["وزارة الشباب", "", "", "https://moy.gov.jo"],
            ]
        )
        self.assertEqual(self.client.post(url, {"action": "confirm"}).status_code, 302)
        self.assertEqual(
            Organisation.objects.get(name_ar="وزارة البيئة").name_en, "Ministry of Environment"
        )
        self.youth.refresh_from_db()
        self.assertEqual(self.youth.website, "https://moy.gov.jo")
        self.assertEqual(self.youth.name_en, "Ministry of Youth")  # empty cell: no change

    def test_the_same_organisation_twice_in_a_file_saves_nothing(self):
        url = self.run_import(
            [
                ["name_ar", "name_en", "sector"],
                ["وزارة البيئة", "", "government"],
                ["وزاره البيئه", "", "government"],
            ]
        )
        response = self.client.post(url, {"action": "confirm"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Organisation.objects.filter(name_ar="وزارة البيئة").exists())
