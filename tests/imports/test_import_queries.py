"""The preview of every workspace spreadsheet runs the same number of SQL queries for a
5-row and a 50-row file: each sheet reads what it compares against once (lookup maps built
before the rows are read), never once per row.

Each file mixes rows that change an existing record with rows that create one, so the
checks a changed or new row runs (model validation, constraints, uniqueness) are counted
too. Every registered sheet must have its file maker here.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.models import Commitment, Milestone
from core.roles import COORDINATOR
from core.sheets import FIRST_ROWS, SHEETS
from tests.factories import (
    make_attendance,
    make_body,
    make_commitment,
    make_meeting,
    make_membership,
    make_milestone,
    make_organisation,
    make_person,
    make_plan,
    make_user,
    make_window,
    make_xlsx,
)

SMALL, LARGE = 5, 50
DAY = datetime.date(2022, 1, 1)


class PreviewQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user(role=COORDINATOR)
        cls.plan = make_plan(number=5)
        cls.agency = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth")
        # 50 commitments with two milestones each (weights 60 + 40).
        cls.commitments = []
        for number in range(1, LARGE + 1):
            commitment = make_commitment(
                plan=cls.plan,
                number=number,
                ogp_id=f"JO{number:04d}",
                lead_institution=cls.agency,
                starts_on=datetime.date(2021, 9, 1),
                ends_on=datetime.date(2025, 8, 31),
            )
            for position, weight in ((1, 60), (2, 40)):
                make_milestone(
                    commitment=commitment,
                    number=position,
                    weight=weight,
                    starts_on=DAY,
                    ends_on=DAY,
                )
            cls.commitments.append(commitment)
        cls.organisations = [
            make_organisation(name_ar=f"جهة {n}", name_en=f"Agency {n}") for n in range(LARGE)
        ]
        cls.body = make_body(name_ar="منتدى أصحاب المصلحة")
        cls.people = [make_person(name_ar=f"شخص رقم {n}") for n in range(LARGE)]
        for person in cls.people:
            make_membership(body=cls.body, person=person, organisation=cls.agency)
        cls.meeting = make_meeting(body=cls.body, plan=cls.plan)
        for person in cls.people:
            make_attendance(meeting=cls.meeting, person=person, organisation=cls.agency)
        opens = timezone.now() - datetime.timedelta(days=5)
        cls.window = make_window(
            plan=cls.plan, opens_at=opens, closes_at=opens + datetime.timedelta(days=30)
        )
        cls.window.commitments.add(*cls.commitments)

    def setUp(self):
        self.client.force_login(self.user)

    # One file maker per sheet: `n` rows, some changing a record, some creating one. -----

    def commitments_rows(self, n):
        rows = [["number", "ogp_id", "title_en", "ends_on", "lead_institution"]]
        for i in range(1, n + 1):
            if i % 5 == 0:  # a new commitment
                rows.append([100 + i, f"JO9{i:03d}", f"New {i}", "2025-06-30", "Ministry of Youth"])
            else:
                rows.append([i, f"JO{i:04d}", f"Changed {i}", "2025-06-30", "Ministry of Youth"])
        return rows

    def ogp_commitments_rows(self, n):
        return self.commitments_rows(n)  # the commitment sheet's headers are read there too

    def progress_rows(self, n):
        rows = [["commitment", "milestone", "status", "progress_percent", "narrative"]]
        for i in range(1, n + 1):
            rows.append([i, 1, "in_progress", 30, f"Workshop {i}"])
        return rows

    def milestones_rows(self, n):
        rows = [["commitment", "number", "title_ar", "title_en", "starts_on", "ends_on", "weight"]]
        for i in range(1, n + 1):
            if i % 5 == 0:  # a third milestone, with the weights moved to keep 100
                rows.append([i, 2, None, f"Changed {i}", None, "2022-03-31", 30])
                rows.append([i, 3, f"نشاط جديد {i}", f"New {i}", "2022-04-01", "2022-06-30", 10])
            else:
                rows.append([i, 1, None, f"Changed {i}", None, "2022-02-28", 60])
        return rows

    def organisations_rows(self, n):
        rows = [["name_ar", "name_en", "sector", "website"]]
        for i in range(n):
            if i % 5 == 0:
                rows.append([f"جهة جديدة {i}", f"New agency {i}", "civil_society", ""])
            else:
                rows.append([f"جهة {i}", f"Agency {i}", "government", f"https://a{i}.example.org"])
        return rows

    def members_rows(self, n):
        rows = [["body", "person", "organisation", "role", "starts_on"]]
        for i in range(n):
            name = f"شخص جديد {i}" if i % 5 == 0 else f"شخص رقم {i}"
            rows.append([self.body.name_ar, name, "وزارة الشباب", "member", "2021-09-01"])
        return rows

    def attendance_rows(self, n):
        rows = [["meeting", "person", "organisation", "role", "status"]]
        for i in range(n):
            name = f"شخص جديد {i}" if i % 5 == 0 else f"شخص رقم {i}"
            rows.append([self.meeting.pk, name, "وزارة الشباب", "member", "absent"])
        return rows

    def comments_rows(self, n):
        moment = timezone.localtime(timezone.now() - datetime.timedelta(days=1))
        rows = [["window", "commitment", "body", "channel", "received_at"]]
        for i in range(n):
            rows.append(
                [
                    self.window.pk,
                    (i % LARGE) + 1,
                    f"تعليق رقم {i}",
                    "facebook",
                    moment.strftime("%Y-%m-%d %H:%M"),
                ]
            )
        return rows

    # ------------------------------------------------------------------------------------

    def preview_queries(self, kind, rows) -> tuple[int, object]:
        data = {"file": SimpleUploadedFile("sheet.xlsx", make_xlsx(rows))}
        if SHEETS[kind].needs_plan:
            data["plan"] = self.plan.pk
        response = self.client.post(f"/en/manage/imports/{kind}/", data)
        self.assertEqual(response.status_code, 302, (kind, response.content[:2000]))
        with CaptureQueriesContext(connection) as queries:
            preview = self.client.get(response["Location"])
        self.assertEqual(preview.status_code, 200, kind)
        return len(queries), preview.context["preview"], queries

    def test_every_sheet_has_a_file_maker(self):
        for kind in SHEETS:
            self.assertTrue(hasattr(self, f"{kind}_rows"), f"no file maker for the {kind} sheet")

    def test_a_preview_runs_as_many_queries_for_50_rows_as_for_5(self):
        for kind in SHEETS:
            maker = getattr(self, f"{kind}_rows")
            with self.subTest(kind=kind):
                small, small_preview, _ = self.preview_queries(kind, maker(SMALL))
                large, large_preview, captured = self.preview_queries(kind, maker(LARGE))
                # The files are read: rows change or create records (not all errors).
                counts = large_preview.counts()
                self.assertGreater(
                    counts["update"] + counts["create"],
                    LARGE // 2,
                    (kind, large_preview.error_lines()[:5]),
                )
                self.assertEqual(
                    small,
                    large,
                    f"{kind}: {small} queries for {SMALL} rows, {large} for {LARGE}:\n"
                    + "\n".join(q["sql"][:200] for q in captured.captured_queries),
                )

    def test_a_long_file_previews_its_summary_every_error_and_the_first_rows(self):
        """A file longer than the page shows (FIRST_ROWS) lists the first rows and every row
        with an error, says how many it shows of how many, and counts every row; the
        error is also named above the table."""
        rows = self.organisations_rows(FIRST_ROWS + 150)
        rows[FIRST_ROWS + 120][2] = "no_such_sector"  # one bad row far down the file
        _count, preview, _ = self.preview_queries("organisations", rows)
        shown = preview.shown_rows
        self.assertEqual(len(preview.rows), FIRST_ROWS + 150)
        self.assertEqual(len(shown), FIRST_ROWS + 1)
        self.assertEqual(shown[-1].action, "error")
        self.assertEqual(sum(preview.counts().values()), FIRST_ROWS + 150)
        page = self.client.get(
            self.client.post(
                "/en/manage/imports/organisations/",
                {"file": SimpleUploadedFile("sheet.xlsx", make_xlsx(rows))},
            )["Location"]
        ).content.decode()
        self.assertIn(f"The table shows {FIRST_ROWS + 1} of the file", page)
        self.assertIn(f"Row {shown[-1].number}", page)
        self.assertLess(len(page), 400_000)

    def test_the_preview_of_the_milestones_sheet_names_no_error(self):
        _count, preview, _ = self.preview_queries("milestones", self.milestones_rows(LARGE))
        self.assertFalse(preview.has_errors, preview.error_lines()[:5])
        self.assertEqual(Milestone.objects.count(), 2 * LARGE)


class DryRunTests(TestCase):
    """`core.sheets.dry_run`: the database judges the file's rows in a transaction that is
    rolled back; what it refuses is put on the row and column, in our words."""

    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        cls.agency = make_organisation(name_ar="وزارة الشباب")
        cls.one = make_commitment(
            plan=cls.plan, number=1, ogp_id="JO0001", lead_institution=cls.agency
        )
        cls.two = make_commitment(plan=cls.plan, number=2, lead_institution=cls.agency)

    def judge(self, *candidates):
        """(result, instance, fields) per row → the errors of each row; nothing saved."""
        from django.utils import translation

        from commitments.resources import CommitmentResource
        from core.sheets import RowResult, Write, dry_run

        before = list(Commitment.objects.values().order_by("pk"))
        writes = [
            Write(RowResult(number=n), instance, fields)
            for n, (instance, fields) in enumerate(candidates, start=2)
        ]
        with translation.override(self.language):
            dry_run(
                writes,
                label_of=lambda name: name,
                constraint_fields=CommitmentResource.constraint_fields,
            )
        self.assertEqual(list(Commitment.objects.values().order_by("pk")), before)
        return [write.result.errors for write in writes]

    language = "en"

    def changed(self, **fields):
        commitment = Commitment.objects.get(pk=self.two.pk)
        for name, value in fields.items():
            setattr(commitment, name, value)
        return commitment, sorted(fields)

    def new(self, **fields):
        values = {"plan": self.plan, "lead_institution": self.agency, "title_ar": "ج", "number": 9}
        return Commitment(**{**values, **fields}), None

    def test_each_rule_of_the_database_is_reported_on_its_column(self):
        cases = [
            ({"ogp_id": "JO0001"}, [("ogp_id", "Another commitment already has this OGP id.")]),
            (
                {"number": 1},
                [("number", "Another record already has the same “plan”, “number”.")],
            ),
            (
                {"starts_on": DAY, "ends_on": DAY - datetime.timedelta(days=1)},
                [("ends_on", "The commitment must not end before it starts.")],
            ),
            ({"title_ar": "", "title_en": ""}, [("", "Give the commitment a title.")]),
            ({"title_en": "Fine"}, []),
        ]
        for fields, expected in cases:
            with self.subTest(fields=fields):
                (errors,) = self.judge(self.changed(**fields))
                self.assertEqual(errors, expected)

    def test_rows_of_one_file_clash_with_each_other(self):
        errors = self.judge(self.new(number=7), self.new(number=7), self.new(number=8))
        self.assertEqual(errors[0], [])
        self.assertEqual(len(errors[1]), 1)
        self.assertEqual(errors[2], [])

    def test_the_unique_message_reads_well_in_arabic(self):
        self.language = "ar"
        ((_column, message),) = self.judge(self.changed(number=1))[0]
        self.assertNotIn("بهذا", message)
        self.assertIn("الرقم", message)
