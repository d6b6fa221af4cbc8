"""`manage.py load_demo`: the demo data of demo.loader, safe to run again and again."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone, translation

from core import roles
from core.roles import ROLE_LABELS
from demo import loader as demo

# Where `runserver` listens unless told otherwise; `make run HOST=...` passes its own.
SERVER = "http://127.0.0.1:8000"

# What each demo login can do, in a line: who to sign in as to try a journey.
CAN_DO = {
    roles.COORDINATOR: "runs the plan's stages, opens and closes comment windows, publishes",
    roles.EDITOR: "edits plans, commitments and meetings; moderates and answers comments",
    roles.FOCAL_POINT: "confirms its agency's commitment text; reports milestone progress",
    roles.FORUM_MEMBER: "reads drafts; sends remarks while a members-only period is open",
    roles.CIVIL_SOCIETY: "rates milestones as a civil-society monitor, beside the government",
    demo.SUPERUSER: "the Django admin only (raw data); staff work in the workspace",
}


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
            "--site",
            default=SERVER,
            help=f"The address the server answers on, for the links printed (default {SERVER}).",
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

    def handle(
        self, *args, password_file: Path, site: str = SERVER, force: bool = False, **options
    ):
        production = not settings.DEBUG
        if production and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production site, and the demo data would "
                "mix with real plans and add staff accounts. Nothing was loaded. "
                "On a demonstration server, run it again with --force."
            )
        server = site.rstrip("/")
        if "://" not in server:
            server = f"http://{server}"
        password, source = demo.demo_password(password_file)
        report = demo.load_demo(
            now=timezone.now(), password=password, superuser_password=not production
        )
        with translation.override("ar"):
            login_path = reverse("manage:login")
            feedback_path = reverse(
                "manage:member_feedback", kwargs={"pk": report.member_window.pk}
            )
        write = self.stdout.write
        window, feedback = report.open_window, report.member_window
        with translation.override("en"):
            write(f"Demo data ready: {report.created} rows created, {report.updated} updated.")
            write("")
            write(f"  Public site    {server}/ar/   (English: {server}/en/)")
            write(f"  Staff sign-in  {server}{login_path}")
            write(f"  Admin          {server}/ar/admin/   (superuser only)")
            write("")
            write(f"Demo logins (password from {source}):")
            for username, role in report.accounts:
                label = "Superuser" if username == demo.SUPERUSER else str(ROLE_LABELS[role])
                if production and username == demo.SUPERUSER:
                    shown = "(none: manage.py changepassword admin)"
                else:
                    shown = password
                write(f"  {username:<13}{shown}")
                write(f"  {'':<13}{label}: {CAN_DO.get(username, '')}")
            write("")
            write(
                f'Open for comment: "{window.title_en}" until the end of '
                f"{window.last_day.isoformat()} (Amman)."
            )
            write(
                f'Forum members only: "{feedback.title_en}" until the end of '
                f"{feedback.last_day.isoformat()} (Amman), one remark answered; "
                f"sign in as {roles.FORUM_MEMBER} at {server}{feedback_path}"
            )
            write("")
