"""The plan document's cost, measured in one run.

1. Rendering: the demo plan and a 50-commitment plan, each through our pipeline (read the
   database into a snapshot, render the template, WeasyPrint in a child process with the
   static-only fetcher and the time limit, tagged PDF/UA-1, with the exact-text patch of
   core/pdf_text.py) against raw WeasyPrint rendering the same HTML, saved to a file,
   straight from that file (its static URLs pointed at the files on disk), tagged PDF/UA-1
   too but with WeasyPrint's own text drawing. Ratio ours / direct: our overhead, tagging
   and the patch included (goal <= 1.2). The untagged direct render is shown for
   information: what tagging itself costs. Raw WeasyPrint decodes the web fonts (WOFF2,
   in Python) on every render; ours serves them decoded once (`core.pdf.decoded_font`),
   so ours can be the faster of the two.
2. Serving: downloading a published (cached) final PDF against `/healthz`, in-process.
   Ratio healthz time / PDF time (goal >= 0.5: a stored PDF costs at most twice a health
   check). The cached draft (whose content key is computed from the database on each
   download) is shown too, for information.

    .venv/bin/python bench/plan_pdf.py [--rounds 3] [--serve-rounds 200]

It uses its own SQLite file and media folder under var/bench/, never the development data.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DIR = BASE_DIR / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
DB_FILE = Path(tempfile.mkstemp(prefix="bench-pdf-", suffix=".sqlite3", dir=BENCH_DIR)[1])
MEDIA_DIR = Path(tempfile.mkdtemp(prefix="bench-pdf-media-", dir=BENCH_DIR))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "ogp_portal.settings",
        "DATABASE_URL": f"sqlite:///{DB_FILE}",
        "MEDIA_ROOT": str(MEDIA_DIR),
        "DEBUG": "false",
        "SECRET_KEY": "bench-only",
        "STATIC_MANIFEST": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "testserver",
    }
)

import logging  # noqa: E402

import django  # noqa: E402

django.setup()
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("weasyprint.progress").setLevel(logging.ERROR)

import datetime  # noqa: E402
import shutil  # noqa: E402

from django.contrib.staticfiles import finders  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from weasyprint import HTML  # noqa: E402

from core import pdf_text  # noqa: E402
from core.pdf import PDF_VARIANT  # noqa: E402
from demo.loader import load_demo  # noqa: E402
from plans import services  # noqa: E402
from plans.models import ActionPlan, PdfAudience, PlanStatus  # noqa: E402
from plans.pdf import PDF_BASE_URL, plan_snapshots, render_snapshot, render_snapshot_html  # noqa: E402
from tests.factories import (  # noqa: E402
    make_commitment,
    make_milestone,
    make_organisation,
    make_plan,
    make_stages,
    make_user,
)

PARAGRAPH_AR = (
    "تهدف هذه المبادرة إلى تعزيز الشفافية والمساءلة في إدارة المال العام من خلال نشر "
    "البيانات بصيغة مفتوحة وإشراك المواطنين ومؤسسات المجتمع المدني في المتابعة. "
) * 3
PARAGRAPH_EN = (
    "This commitment strengthens transparency and accountability in public finance by "
    "publishing open data and involving citizens and civil society in monitoring. "
) * 3


def build_large_plan(number: int, commitments: int = 50, milestones: int = 5) -> ActionPlan:
    """A complete plan (every required text in both languages) of `commitments`
    commitments with `milestones` milestones each."""
    sections = {
        f"{name}_{code}": (PARAGRAPH_AR if code == "ar" else PARAGRAPH_EN) * 2
        for name in ("introduction", "context", "co_creation", "forum", "monitoring")
        for code in ("ar", "en")
    }
    plan = make_plan(number=number, status=PlanStatus.FINAL, **sections)
    make_stages(plan, planned_start=datetime.date(2021, 1, 1))
    lead = make_organisation()
    for position in range(1, commitments + 1):
        text = {
            f"{name}_{code}": PARAGRAPH_AR if code == "ar" else PARAGRAPH_EN
            for name in (
                "description",
                "problem",
                "causes",
                "solution",
                "how_it_solves",
                "status_quo",
                "results",
                "relevance",
            )
            for code in ("ar", "en")
        }
        commitment = make_commitment(
            plan=plan,
            number=position,
            lead_institution=lead,
            starts_on=datetime.date(2022, 1, 1),
            ends_on=datetime.date(2024, 12, 31),
            transparency=True,
            **text,
        )
        for milestone in range(1, milestones + 1):
            make_milestone(
                commitment=commitment,
                number=milestone,
                title_en=f"Milestone {milestone}",
                weight=100 // milestones,
            )
    return plan


# `{% static %}` gives root-relative URLs, resolved against PDF_BASE_URL by our fetcher.
STATIC_URL = re.compile(r"(?:" + re.escape(PDF_BASE_URL.rstrip("/")) + r")?/static/([^\"')\s]+)")


def saved_html(snapshot: dict, folder: Path) -> Path:
    """The HTML our pipeline renders, saved to a file whose static URLs (and the font
    files the stylesheets name) point at the files on disk."""
    html = render_snapshot_html(snapshot)
    static_root = folder / "static"

    def local(match):
        relative = match.group(1)
        found = Path(finders.find(relative))
        target = static_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            shutil.copy(found, target)
            if found.suffix == ".css":  # the font files next to a font stylesheet
                for font in re.findall(r"url\(\./([^)]+\.woff2)\)", found.read_text()):
                    (target.parent / font).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(found.parent / font, target.parent / font)
        return target.as_uri()

    path = folder / f"plan-{snapshot['language']}.html"
    path.write_text(STATIC_URL.sub(local, html), encoding="utf-8")
    return path


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def raw_weasyprint(path: Path, **options) -> bytes:
    """WeasyPrint as installed, with its own text drawing (not core/pdf_text.py's)."""
    weasyprint_text = pdf_text.weasyprint_text
    ours = weasyprint_text.draw_first_line
    weasyprint_text.draw_first_line = pdf_text.UPSTREAM_DRAW_FIRST_LINE
    try:
        return HTML(filename=str(path)).write_pdf(**options)
    finally:
        weasyprint_text.draw_first_line = ours


def render_figures(plan: ActionPlan, label: str, rounds: int, folder: Path) -> None:
    snapshot = plan_snapshots(plan, audience=PdfAudience.STAFF, languages=["ar"])["ar"]
    path = saved_html(snapshot, folder)
    direct_pdf = raw_weasyprint(path, pdf_variant=PDF_VARIANT)
    ours_pdf = render_snapshot(snapshot).pdf
    ours, direct, untagged = [], [], []
    for _round in range(rounds):
        ours.append(
            timed(
                lambda: render_snapshot(
                    plan_snapshots(plan, audience=PdfAudience.STAFF, languages=["ar"])["ar"]
                )
            )
        )
        direct.append(timed(lambda: raw_weasyprint(path, pdf_variant=PDF_VARIANT)))
        untagged.append(timed(lambda: raw_weasyprint(path)))
    ours_ms, direct_ms = statistics.median(ours), statistics.median(direct)
    print(
        f"{label:<24}{ours_ms:>10.0f}{direct_ms:>12.0f}{ours_ms / direct_ms:>10.2f}"
        f"{statistics.median(untagged):>12.0f}"
        f"{len(ours_pdf) / 1024:>10.0f}{len(direct_pdf) / 1024:>12.0f}"
    )


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def serve_figures(plan: ActionPlan, rounds: int) -> None:
    client = Client()
    final_url = f"/ar/plans/{plan.number}/final/1/ar.pdf"
    draft_url = f"/ar/plans/{plan.number}/draft/ar.pdf"
    urls = {
        "healthz": "/healthz",
        "plan page (page cache)": f"/ar/plans/{plan.number}/",
        "final PDF": final_url,
        "draft PDF (cached)": draft_url,
    }
    for url in urls.values():  # warm up; the draft is rendered and stored here
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body(response)
    timings = {name: [] for name in urls}

    def fetch(url):
        body(client.get(url))

    for _round in range(rounds):
        for name, url in urls.items():
            timings[name].append(timed(lambda url=url: fetch(url)))
    health = statistics.median(timings["healthz"])
    for name in urls:
        median = statistics.median(timings[name])
        print(f"{name:<24}{median:>10.2f}{health / median:>16.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve-rounds", type=int, default=200)
    parser.add_argument("--serve-only", action="store_true", help="skip the render figures")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_demo(now=timezone.now(), password="bench-only-password")
    demo = ActionPlan.objects.get(number=5)
    large = build_large_plan(number=50)
    coordinator = make_user(role="coordinator")
    services.publish_final_plan(plan=large, by=coordinator, now=timezone.now())

    folder = Path(tempfile.mkdtemp(prefix="bench-pdf-html-", dir=BENCH_DIR))
    if not args.serve_only:
        print_render_figures(demo, large, args.rounds, folder)
    print(f"Serving, in-process, median of {args.serve_rounds} (ms)")
    print(f"{'request':<24}{'median ms':>10}{'healthz / this':>16}")
    serve_figures(large, args.serve_rounds)

    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_FILE}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(MEDIA_DIR, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)


def print_render_figures(demo, large, rounds: int, folder: Path) -> None:
    print(
        f"Rendering, Arabic, median of {rounds} (ms); ours = snapshot + template + child,"
        " tagged, exact text; direct = raw WeasyPrint, tagged"
    )
    print(
        f"{'plan':<24}{'ours':>10}{'direct':>12}{'ratio':>10}{'untagged':>12}"
        f"{'ours KB':>10}{'direct KB':>12}"
    )
    render_figures(demo, "demo (6 commitments)", rounds, folder)
    render_figures(large, "50 commitments", rounds, folder)
    print()


if __name__ == "__main__":
    main()
