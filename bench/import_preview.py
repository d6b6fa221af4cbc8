"""How long the workspace takes to preview a 5,000-row spreadsheet, and how big the page is.

Builds a plan in a throwaway SQLite file, writes an XLSX file of `--rows` rows for each
sheet measured (commitments, organisations, milestone progress: each row changes a saved
record or makes a new one), then times, per file: the upload (reading the file, finding
its header, keeping the rows) and the preview (every row checked by the model and by the
database in a rolled-back dry run, the page rendered). Prints the seconds (wall clock, and
this process's CPU time: the machine is shared), the SQL queries of the preview and the
size of its HTML.

    .venv/bin/python bench/import_preview.py [--rows 5000]

The goal (issue 15): under 10 s for 5,000 rows, with a page that shows a summary, every
error and the first rows, not megabytes of HTML.
"""

import argparse
import datetime
import time

from throwaway import start  # noqa: E402

DB_FILE = start("bench-import-")

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from commitments.models import Commitment, Milestone  # noqa: E402
from core.roles import COORDINATOR  # noqa: E402
from plans.models import Organisation  # noqa: E402
from tests.factories import make_organisation, make_plan, make_user, make_xlsx  # noqa: E402

DAY = datetime.date(2022, 1, 1)
SAVED_COMMITMENTS = 500  # with 10 milestones each: the progress file's 5,000 rows


def build():
    plan = make_plan(number=5)
    agency = make_organisation(name_ar="وزارة الشباب", name_en="Ministry of Youth")
    Commitment.objects.bulk_create(
        Commitment(
            plan=plan,
            number=n,
            ogp_id=f"JO{n:04d}",
            title_ar=f"التزام {n}",
            title_en=f"Commitment {n}",
            lead_institution=agency,
            starts_on=DAY,
            ends_on=datetime.date(2025, 8, 31),
        )
        for n in range(1, SAVED_COMMITMENTS + 1)
    )
    Milestone.objects.bulk_create(
        Milestone(
            commitment=commitment,
            number=m,
            title_ar=f"نشاط {m}",
            starts_on=DAY,
            ends_on=DAY,
            weight=10,
        )
        for commitment in Commitment.objects.all()
        for m in range(1, 11)
    )
    Organisation.objects.bulk_create(
        Organisation(name_ar=f"جهة {n}", name_en=f"Agency {n}", sector="government")
        for n in range(1000)
    )
    return plan


def files(rows: int) -> dict:
    commitments = [["ogp_id", "number", "title_en", "ends_on", "lead_institution"]]
    for i in range(1, rows + 1):
        if i <= SAVED_COMMITMENTS:
            commitments.append([f"JO{i:04d}", i, f"Changed {i}", "2025-06-30", "Ministry of Youth"])
        else:
            commitments.append([None, 1000 + i, f"New {i}", "2025-06-30", "Ministry of Youth"])
    organisations = [["name_ar", "name_en", "sector", "website"]]
    for i in range(rows):
        if i < 1000:
            organisations.append([f"جهة {i}", f"Agency {i}", "government", f"https://a{i}.org"])
        else:
            organisations.append([f"جهة جديدة {i}", f"New agency {i}", "civil_society", ""])
    progress = [["commitment", "milestone", "status", "progress_percent", "narrative"]]
    for i in range(rows):
        progress.append([i // 10 % SAVED_COMMITMENTS + 1, i % 10 + 1, "in_progress", 30, "ورشة"])
    return {"commitments": commitments, "organisations": organisations, "progress": progress}


def measure(client, plan, kind, rows) -> dict:
    content = make_xlsx(rows)
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        f"/ar/manage/imports/{kind}/",
        {"file": SimpleUploadedFile(f"{kind}.xlsx", content), "plan": plan.pk},
    )
    uploaded = time.perf_counter()
    assert response.status_code == 302, response.content[:2000]
    cpu_uploaded = time.process_time()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(response["Location"])
    done, cpu_done = time.perf_counter(), time.process_time()
    assert page.status_code == 200
    counts = page.context["preview"].counts()
    return {
        "upload": uploaded - started,
        "preview": done - uploaded,
        "upload_cpu": cpu_uploaded - cpu,
        "preview_cpu": cpu_done - cpu_uploaded,
        "queries": len(queries),
        "html": len(page.content),
        "file": len(content),
        "counts": counts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    options = parser.parse_args()
    setup_test_environment()  # the responses keep their template context
    try:
        call_command("migrate", verbosity=0)
        plan = build()
        client = Client()
        client.force_login(make_user(role=COORDINATOR))
        print(f"{options.rows} rows per file, SQLite, in-process")
        print(
            "sheet | upload s (CPU) | preview s (CPU) | queries | HTML KB | new / changed / errors"
        )
        for kind, rows in files(options.rows).items():
            result = measure(client, plan, kind, rows)
            counts = result["counts"]
            print(
                f"{kind} | {result['upload']:.2f} ({result['upload_cpu']:.2f}) | "
                f"{result['preview']:.2f} ({result['preview_cpu']:.2f}) | "
                f"{result['queries']} | {result['html'] // 1024} | "
                f"{counts['create']} / {counts['update']} / {counts['error']}"
            )
    finally:
        connection.close()
        DB_FILE.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
