"""`manage.py load_demo`: the demo data of ogp_portal.demo, safe to run again and again."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from ogp_portal import demo
from plans.roles import ROLE_LABELS

SITE_URL = "http://127.0.0.1:8000/ar/"
ADMIN_URL = "http://127.0.0.1:8000/ar/admin/"


class Command(BaseCommand):
    help = (
        "Load the demo data: Jordan's 4th and 5th OGP plans, the forum meeting of 2021-11-25, "
        "comment windows (one open today) and one staff account per role. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.BASE_DIR / "var" / "demo-password.txt",
            help=(
                f"Where the generated password is kept when {demo.PASSWORD_ENV} is not set "
                "(default: var/demo-password.txt)."
            ),
        )

    def handle(self, *args, password_file: Path, **options):
        password, source = demo.demo_password(password_file)
        report = demo.load_demo(now=timezone.now(), password=password)
        window = report.open_window
        with translation.override("en"):
            self.stdout.write(
                f"Demo data loaded: {report.created} rows created, {report.updated} updated."
            )
            self.stdout.write(
                f'Open for comment: "{window.title_en}" until the end of '
                f"{window.last_day.isoformat()} (Amman)."
            )
            self.stdout.write(f"\nStaff logins (password from {source}):")
            self.stdout.write(f"  {'username':<14}{'role':<22}password")
            for username, role in report.accounts:
                label = str(ROLE_LABELS.get(role, role))
                self.stdout.write(f"  {username:<14}{label:<22}{password}")
        self.stdout.write(f"\nSite:  {SITE_URL}\nAdmin: {ADMIN_URL}")
