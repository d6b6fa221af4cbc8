"""The IRM evidence package: one ZIP per public plan, built in the background, its contents
listed on its page; every CSV in it parses and its header is the columns the page lists."""

import csv
import datetime
import io
import zipfile

from django.test import TestCase
from django.utils import timezone

from consultations.models import ModerationState
from meetings.models import AttendanceStatus, BodyKind, MinutesState
from plans.models import Sector
from public.evidence import FILES
from tests.factories import (
    make_attendance,
    make_body,
    make_comment,
    make_commitment,
    make_meeting,
    make_organisation,
    make_plan,
    make_window,
)


class EvidencePackageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(number=5)
        make_commitment(plan=cls.plan, number=1, ogp_id="JO0064", title_en="Open contracting")
        meeting = make_meeting(
            plan=cls.plan,
            body=make_body(kind=BodyKind.FORUM),
            starts_at=timezone.now() - datetime.timedelta(days=30),
            minutes_state=MinutesState.PUBLISHED,
            minutes_published_at=timezone.now() - datetime.timedelta(days=20),
        )
        for sector in (Sector.GOVERNMENT, Sector.CIVIL_SOCIETY, Sector.CIVIL_SOCIETY):
            make_attendance(
                meeting=meeting,
                organisation=make_organisation(sector=sector),
                status=AttendanceStatus.PRESENT,
            )
        window = make_window(plan=cls.plan)
        make_comment(window=window, state=ModerationState.PUBLISHED, published_at=timezone.now())
        cls.meeting = meeting

    def test_the_page_lists_the_contents_and_the_zip_matches_them(self):
        page = self.client.get("/en/plans/5/irm-evidence/")
        self.assertEqual(page.status_code, 200)
        for package_file in FILES:
            self.assertContains(page, package_file.name)
        response = self.client.get("/en/plans/5/irm-evidence.zip")
        self.assertEqual(response["Content-Type"], "application/zip")
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        self.assertEqual(sorted(archive.namelist()), sorted(f.name for f in FILES))
        tables = {}
        for package_file in FILES:
            text = archive.read(package_file.name).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text)))
            self.assertEqual(rows[0], [column.name for column in package_file.columns])
            self.assertContains(page, package_file.columns[0].name)
            tables[package_file.name] = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        self.assertEqual(tables["commitments_ogp.csv"][0]["Title"], "Open contracting")
        meeting = tables["forum_meetings.csv"][0]
        self.assertEqual(
            (meeting["present_government"], meeting["present_civil_society"]), ("1", "2")
        )
        self.assertEqual(meeting["minutes_url"], self.meeting.get_absolute_url())
        self.assertEqual(len(tables["comments.csv"]), 1)
        statuses = {row["requirement"] for row in tables["minimum_requirements.csv"]}
        self.assertEqual(
            statuses, {"forum", "implementation", "timeline", "windows", "responses", "repository"}
        )

    def test_a_plan_not_public_has_no_package(self):
        make_plan(number=6, is_public=False)
        self.assertEqual(self.client.get("/en/plans/6/irm-evidence/").status_code, 404)
        self.assertEqual(self.client.get("/en/plans/6/irm-evidence.zip").status_code, 404)
