"""Open data: each dataset as CSV, JSON and XLSX parses, matches its data dictionary, and
never carries a private field (emails, phones, contacts, hidden or pending comments)."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone
from openpyxl import load_workbook

from consultations.models import ModerationState
from demo import loader as demo
from meetings.models import MinutesState
from public.opendata import DATASETS
from tests.factories import (
    make_attendance,
    make_civil_society_rating,
    make_comment,
    make_commitment,
    make_irm_assessment,
    make_irm_finding,
    make_irm_report,
    make_meeting,
    make_milestone,
    make_person,
    make_plan,
    make_response,
    make_window,
)

PRIVATE = {
    "contact": "Huda Private-Contact",
    "contact_email": "huda.contact@ministry.example",
    "contact_phone": "+962 7 9999 1234",
    "person_email": "nizar.person@example.org",
    "person_phone": "+962 7 8888 4321",
    "author_email": "citizen.author@example.org",
    "hidden_author": "Anonymous Wish-Not-Shown",
    "pending_text": "pending comment text never published",
    "hidden_text": "hidden comment text never published",
    "unpublished_response": "draft response never published",
}


class OpenDataTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_demo(now=timezone.now(), password="demo-password-long-enough")
        plan = make_plan(number=9, title_en="Open data plan")
        commitment = make_commitment(
            plan=plan,
            number=1,
            ogp_id="JO0901",
            title_en="Open contracting",
            contact_name=PRIVATE["contact"],
            contact_email=PRIVATE["contact_email"],
            contact_phone=PRIVATE["contact_phone"],
        )
        milestone = make_milestone(commitment=commitment, number=1, title_en="Publish contracts")
        report = make_irm_report(plan=plan)
        make_irm_finding(report=report)
        make_irm_assessment(commitment=commitment, design_report=report)
        make_civil_society_rating(milestone=milestone)
        make_commitment(plan=plan, number=2, title_en="Unpublished one", is_published=False)
        meeting = make_meeting(
            plan=plan,
            title_en="Forum meeting",
            minutes_state=MinutesState.PUBLISHED,
            minutes_published_at=timezone.now(),
        )
        person = make_person(
            name_en="Nizar Awad", email=PRIVATE["person_email"], phone=PRIVATE["person_phone"]
        )
        make_attendance(meeting=meeting, person=person)
        draft = make_meeting(plan=plan, title_en="Draft meeting")
        make_attendance(meeting=draft, person=make_person(name_en="Draft Attendee"))
        window = make_window(plan=plan)
        published = make_comment(
            window=window,
            body="A published comment",
            author_name=PRIVATE["hidden_author"],
            show_name=False,
            author_email=PRIVATE["author_email"],
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )
        make_response(comment=published, reason_en="Included", published_at=timezone.now())
        unanswered = make_comment(
            window=window,
            body="Published, response in draft",
            state=ModerationState.PUBLISHED,
            published_at=timezone.now(),
        )
        make_response(comment=unanswered, reason_en=PRIVATE["unpublished_response"])
        make_comment(window=window, body=PRIVATE["pending_text"])
        make_comment(
            window=window,
            body=PRIVATE["hidden_text"],
            state=ModerationState.HIDDEN,
            hidden_reason="spam",
        )

    def setUp(self):
        cache.clear()

    def download(self, slug: str, fmt: str) -> bytes:
        response = self.client.get(f"/en/data/{slug}.{fmt}")
        self.assertEqual(response.status_code, 200)
        return response.content

    def rows(self, slug: str, fmt: str) -> tuple[list[str], list[dict]]:
        content = self.download(slug, fmt)
        if fmt == "csv":
            reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
            return reader.fieldnames, list(reader)
        if fmt == "json":
            records = json.loads(content)
            return (list(records[0]) if records else []), records
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[0])
        return header, [dict(zip(header, row, strict=True)) for row in values[1:]]

    def test_every_file_parses_and_matches_its_dictionary(self):
        dictionary = json.loads(self.client.get("/en/data/dictionary.json").content)
        columns = {entry["dataset"]: [c["name"] for c in entry["columns"]] for entry in dictionary}
        self.assertEqual(set(columns), {dataset.slug for dataset in DATASETS})
        for entry in dictionary:
            for column in entry["columns"]:
                self.assertTrue(column["description"], column["name"])
        for slug, names in columns.items():
            for fmt in ("csv", "json", "xlsx"):
                with self.subTest(slug=slug, fmt=fmt):
                    header, rows = self.rows(slug, fmt)
                    self.assertEqual(header, names)
                    self.assertTrue(rows, "every dataset has rows in this fixture")

    def test_no_private_field_in_any_file(self):
        secrets = list(PRIVATE.values())
        # Every email and phone the demo data holds, and every commitment contact.
        from commitments.models import Commitment
        from consultations.models import Comment
        from meetings.models import Person

        for person in Person.objects.all():
            secrets += [value for value in (person.email, person.phone) if value]
        for commitment in Commitment.objects.all():
            secrets += [
                value
                for value in (
                    commitment.contact_name,
                    commitment.contact_email,
                    commitment.contact_phone,
                )
                if value
            ]
        secrets += [c.author_email for c in Comment.objects.exclude(author_email="")]
        secrets += [c.body for c in Comment.objects.exclude(state=ModerationState.PUBLISHED)]
        self.assertGreater(len(secrets), len(PRIVATE))
        for dataset in DATASETS:
            for fmt in ("csv", "json"):
                text = self.download(dataset.slug, fmt).decode("utf-8-sig")
                if fmt == "json":
                    text = json.dumps(json.loads(text), ensure_ascii=False)
                for secret in secrets:
                    self.assertNotIn(secret, text, f"{dataset.slug}.{fmt}")
            _header, rows = self.rows(dataset.slug, "xlsx")
            cells = " ".join(str(value) for row in rows for value in row.values())
            for secret in secrets:
                self.assertNotIn(secret, cells, f"{dataset.slug}.xlsx")
        for name in ("email", "phone", "contact", "address"):
            for dataset in DATASETS:
                for column in dataset.columns:
                    self.assertNotIn(name, column.name)

    def test_unpublished_rows_are_left_out_and_commitments_carry_ogp_ids(self):
        _header, commitments = self.rows("commitments", "json")
        titles = [row["title_en"] for row in commitments]
        self.assertIn("Open contracting", titles)
        self.assertNotIn("Unpublished one", titles)
        self.assertIn("JO0901", [row["ogp_id"] for row in commitments])
        _header, attendance = self.rows("attendance", "json")
        self.assertNotIn("Draft Attendee", [row["person_en"] for row in attendance])
        _header, comments = self.rows("comments", "json")
        by_text = {row["comment"]: row for row in comments}
        self.assertEqual(by_text["A published comment"]["response_reason_en"], "Included")
        self.assertEqual(by_text["A published comment"]["author"], "")
        self.assertEqual(by_text["Published, response in draft"]["response_outcome"], "")

    def test_index_lists_every_dataset_in_both_languages(self):
        for language in ("ar", "en"):
            page = self.client.get(f"/{language}/data/").content.decode()
            for dataset in DATASETS:
                for fmt in ("csv", "json", "xlsx"):
                    self.assertIn(f"/{language}/data/{dataset.slug}.{fmt}", page)

    def test_file_queries_do_not_grow_with_the_rows(self):
        """Guards the N+1 of the commitments file (milestones, lead institution, plan per
        row) and of the comments file (response and window per row)."""
        with self.assertNumQueries(2):
            self.download("commitments", "csv")
        plan = make_plan(number=10)
        for n in range(1, 8):
            make_milestone(commitment=make_commitment(plan=plan, number=n))
        window = make_window(plan=plan)
        for _n in range(5):
            comment = make_comment(
                window=window, state=ModerationState.PUBLISHED, published_at=timezone.now()
            )
            make_response(comment=comment, published_at=timezone.now())
        cache.clear()
        with self.assertNumQueries(2):
            self.download("commitments", "csv")
        with self.assertNumQueries(1):
            self.download("comments", "csv")


@pytest.mark.django_db
def test_unknown_dataset_or_format_is_404(client):
    assert client.get("/ar/data/contacts.csv").status_code == 404
    assert client.get("/en/data/commitments.pdf").status_code == 404
