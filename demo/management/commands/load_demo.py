"""`manage.py load_demo`: the demo data of demo.loader, safe to run again and again."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone, translation

from core import roles
from core.roles import ROLE_LABELS
from demo import loader as demo

SERVER = "http://127.0.0.1:8000"
SITE_URL = f"{SERVER}/ar/"
ADMIN_URL = f"{SERVER}/ar/admin/"


class Command(BaseCommand):
    help = (
        "Load the demo data: Jordan's 4th and 5th OGP plans, the forum meeting of 2021-11-25, "
        "comment windows (one open today, one for forum members only) and one staff account "
        "per role. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Load the demo even with DEBUG off (a demonstration server). The superuser "
                "then gets no usable password: set one with `manage.py changepassword admin`."
            ),
        )
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.BASE_DIR / "var" / "demo-password.txt",
            help=(
                f"Where the generated password is kept when {demo.PASSWORD_ENV} is not set "
                "(default: var/demo-password.txt)."
            ),
        )

    def handle(self, *args, password_file: Path, force: bool = False, **options):
        production = not settings.DEBUG
        if production and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production site, and the demo data would "
                "mix with real plans and add staff accounts. Nothing was loaded. "
                "On a demonstration server, run it again with --force."
            )
        password, source = demo.demo_password(password_file)
        report = demo.load_demo(
            now=timezone.now(), password=password, superuser_password=not production
        )
        window = report.open_window
        with translation.override("en"):
            self.stdout.write(
                f"Demo data loaded: {report.created} rows created, {report.updated} updated."
            )
            self.stdout.write(
                f'Open for comment: "{window.title_en}" until the end of '
                f"{window.last_day.isoformat()} (Amman)."
            )
            feedback = report.member_window
            with translation.override("ar"):
                feedback_path = reverse("manage:member_feedback", kwargs={"pk": feedback.pk})
            self.stdout.write(
                f'Forum members only: "{feedback.title_en}" until the end of '
                f"{feedback.last_day.isoformat()} (Amman), one remark answered; "
                f"sign in as {roles.FORUM_MEMBER} at {SERVER}{feedback_path}"
            )
            self.stdout.write(f"\nStaff logins (password from {source}):")
            self.stdout.write(f"  {'username':<14}{'role':<22}password")
            for username, role in report.accounts:
                label = str(ROLE_LABELS.get(role, role))
                if production and username == demo.SUPERUSER:
                    shown = "(none: manage.py changepassword admin)"
                else:
                    shown = password
                self.stdout.write(f"  {username:<14}{label:<22}{shown}")
        self.stdout.write(f"\nSite:  {SITE_URL}\nAdmin: {ADMIN_URL}")
