"""The workspace role matrix: every URL of the `manage` namespace × every role and anonymous,
with GET and with POST.

A refused request answers 403 (wrong role), 404 (a row the user may not see: another
agency's commitment for a focal point) or a redirect to sign-in (anonymous), and a refused
POST changes nothing in the database. Every workspace URL must have its row in `MATRIX`, so
a new screen cannot ship without saying who may use it.
"""

import datetime
from contextlib import contextmanager

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import (
    make_agenda_item,
    make_approval_letter,
    make_attachment,
    make_body,
    make_commitment,
    make_meeting,
    make_membership,
    make_milestone,
    make_organisation,
    make_plan,
    make_progress_report,
    make_stages,
    make_user,
)

ANONYMOUS = "anonymous"
COORDINATOR, EDITOR, FOCAL, FORUM = "coordinator", "editor", "focal_point", "forum_member"
ROLES = [COORDINATOR, EDITOR, FOCAL, FORUM]
STAFF = {COORDINATOR, EDITOR}
EVERYONE = set(ROLES)
NOBODY: set[str] = set()
DOMAIN_APPS = ["plans", "commitments", "meetings", "consultations"]


def manage_url_names() -> set[str]:
    """The names of every URL pattern in the `manage` namespace."""
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "manage" and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


# A refusal is written to the audit trail (audit.trail): the one row a refused POST adds.
AUDIT_MODELS = {"audit.AuditEvent"}


def domain_tables() -> tuple[str, ...]:
    """The tables of the domain apps (history tables included), upper-cased and quoted as
    both SQLite and PostgreSQL write them in a statement."""
    return tuple(
        f'"{model._meta.db_table}"'.upper()
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in AUDIT_MODELS
    )


@contextmanager
def nothing_written(label: str):
    """Assert that the block writes no row of the domain apps: no INSERT, UPDATE or DELETE
    statement reaches one of their tables (stricter than comparing every row before and
    after, and a hundred times cheaper: the matrix makes about a thousand requests)."""
    tables = domain_tables()
    with CaptureQueriesContext(connection) as queries:
        yield
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and any(table in query["sql"].upper() for table in tables)
    ]
    assert not writes, f"{label} wrote: {writes[:3]}"


class World:
    """One of each thing a workspace URL points at. `focal` is the focal point of `own_org`;
    `other_*` rows belong to an agency that is not theirs."""

    def __init__(self):
        self.users = {role: make_user(role=role) for role in ROLES}
        self.own_org = make_organisation()
        self.own_org.focal_points.add(self.users[FOCAL])
        self.other_org = make_organisation()
        self.plan = make_plan(number=5)
        self.stages = make_stages(self.plan)
        self.stages[0].status = "in_progress"
        self.stages[0].actual_start = datetime.date(2021, 2, 1)
        self.stages[0].save()
        self.own = make_commitment(plan=self.plan, number=1, lead_institution=self.own_org)
        self.other = make_commitment(plan=self.plan, number=2, lead_institution=self.other_org)
        self.own_milestone = make_milestone(commitment=self.own, number=1, weight=100)
        self.other_milestone = make_milestone(commitment=self.other, number=1, weight=100)
        self.own_letter = make_approval_letter(commitment=self.own)
        self.other_letter = make_approval_letter(commitment=self.other, scan=pdf("scan.pdf"))
        self.other_report = make_progress_report(
            milestone=self.other_milestone, evidence_file=pdf("evidence.pdf")
        )
        self.now = timezone.now()
        # meetings
        self.body = make_body()
        self.membership = make_membership(body=self.body)
        self.meeting = make_meeting(body=self.body, plan=self.plan)
        self.attachment = make_attachment(
            agenda_item=make_agenda_item(meeting=self.meeting), file=pdf("slides.pdf")
        )


def comment_group(w):
    """A campaign group in the world's window (made on first use)."""
    from consultations.models import CommentGroup, CommentWindow

    found = CommentGroup.objects.filter(window__plan=w.plan).first()
    if found is None:
        found = CommentGroup.objects.create(window=CommentWindow.objects.get(**window(w)))
    return {"pk": found.pk}


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def plan(w):
    return {"number": w.plan.number}


def stage(w):
    return {"number": w.plan.number, "stage": 1}


def other_commitment(w):
    return {"pk": w.other.pk}


def other_letter(w):
    return {"pk": w.other_letter.pk}


def meeting(w):
    return {"pk": w.meeting.pk}


def window(w):
    """The world's comment window (made on first use: rows do not outlive a test)."""
    from consultations.models import CommentWindow
    from tests.factories import make_window

    found = CommentWindow.objects.filter(plan=w.plan, audience="public").first() or make_window(
        plan=w.plan
    )
    return {"pk": found.pk}


def forum_window(w):
    """The world's members-only feedback period, open now, on its commitments."""
    from consultations.models import CommentWindow
    from tests.factories import make_window

    found = CommentWindow.objects.filter(plan=w.plan, audience="forum").first()
    if found is None:
        found = make_window(plan=w.plan, audience="forum")
        found.commitments.add(w.own, w.other)
    return {"pk": found.pk}


def comment(w):
    from consultations.models import Comment
    from tests.factories import make_comment

    window_pk = window(w)["pk"]
    found = Comment.objects.filter(window_id=window_pk).first() or make_comment(window_id=window_pk)
    return {"pk": found.pk}


def irm_report(w):
    """An IRM report on the world's plan (made on first use)."""
    from commitments.models import IRMReport
    from tests.factories import make_irm_report

    found = IRMReport.objects.filter(plan=w.plan).first() or make_irm_report(plan=w.plan)
    return {"number": w.plan.number, "pk": found.pk}


# url name: (kwargs from the world, roles allowed to GET, roles allowed to POST).
# A POST-only URL lists GET as NOBODY (405 for everyone signed in).
# Rows of another agency are used, so the focal point's 404 is part of the matrix.
MATRIX = {
    "dashboard": (lambda w: {}, EVERYONE, NOBODY),
    # plans and stages
    "plan_list": (lambda w: {}, EVERYONE, NOBODY),
    "plan_create": (lambda w: {}, STAFF, STAFF),
    "plan_detail": (plan, EVERYONE, NOBODY),
    "plan_edit": (plan, STAFF, STAFF),
    "plan_status": (plan, NOBODY, {COORDINATOR}),
    "plan_public": (plan, NOBODY, {COORDINATOR}),
    "stage_edit": (stage, STAFF, STAFF),
    "stage_start": (stage, NOBODY, {COORDINATOR}),
    "stage_complete": (stage, NOBODY, {COORDINATOR}),
    # the plan document and its PDFs (the staff draft holds every commitment: not for a
    # focal point; a published version that does not exist is 404 for everyone)
    "plan_document": (plan, EVERYONE, NOBODY),
    "plan_narrative": (plan, STAFF, STAFF),
    "plan_pdf": (lambda w: {"number": w.plan.number, "language": "ar"}, STAFF | {FORUM}, NOBODY),
    "plan_publication_pdf": (
        lambda w: {"number": w.plan.number, "version": 1, "language": "ar"},
        NOBODY,
        NOBODY,
    ),
    "plan_publish": (plan, NOBODY, {COORDINATOR}),
    "plan_pdf_regenerate": (plan, NOBODY, STAFF),
    # commitments
    "commitment_list": (plan, EVERYONE, NOBODY),
    "commitment_create": (plan, STAFF, STAFF),
    "commitment_detail": (other_commitment, STAFF | {FORUM}, NOBODY),
    "commitment_edit": (other_commitment, STAFF, STAFF),
    "commitment_publish": (other_commitment, NOBODY, {COORDINATOR}),
    "organisation_create_inline": (lambda w: {}, NOBODY, STAFF),
    # approval letters
    "letter_list": (other_commitment, STAFF, NOBODY),
    "letter_create": (other_commitment, STAFF, STAFF),
    "letter_detail": (other_letter, STAFF, NOBODY),
    "letter_print": (other_letter, STAFF, NOBODY),
    "letter_pdf": (other_letter, STAFF, NOBODY),
    "letter_reply": (other_letter, STAFF, STAFF),
    "letter_changes": (other_letter, STAFF, NOBODY),
    "letter_scan": (other_letter, STAFF, NOBODY),
    # progress
    "my_commitments": (lambda w: {}, STAFF | {FOCAL}, NOBODY),
    "milestone_progress": (lambda w: {"pk": w.other_milestone.pk}, STAFF, STAFF),
    "progress_evidence": (lambda w: {"pk": w.other_report.pk}, STAFF, NOBODY),
    # consultations
    "consultation_comments": (lambda w: {}, STAFF, STAFF),
    "consultation_comment": (comment, STAFF, STAFF),
    "consultation_windows": (lambda w: {}, STAFF, NOBODY),
    "consultation_window_create": (lambda w: {}, {COORDINATOR}, {COORDINATOR}),
    "consultation_window": (window, STAFF, STAFF),
    "consultation_window_edit": (window, STAFF, STAFF),
    "consultation_window_schedule": (window, {COORDINATOR}, {COORDINATOR}),
    "consultation_comment_log": (window, STAFF, STAFF),
    "consultation_groups": (window, STAFF, STAFF),
    "consultation_themes": (window, STAFF, STAFF),
    "consultation_group": (comment_group, STAFF, STAFF),
    # members' remarks on draft commitments: staff read the pages, only members send
    "member_feedback_list": (lambda w: {}, STAFF | {FORUM}, NOBODY),
    "member_feedback": (forum_window, STAFF | {FORUM}, {FORUM}),
    # history
    "history": (lambda w: {"kind": "commitment", "pk": w.other.pk}, STAFF | {FORUM}, NOBODY),
    # meetings, bodies and members
    "meeting_list": (lambda w: {}, STAFF | {FORUM}, NOBODY),
    "meeting_create": (lambda w: {}, STAFF, STAFF),
    "meeting_detail": (meeting, STAFF | {FORUM}, NOBODY),
    "meeting_edit": (meeting, STAFF, STAFF),
    "meeting_minutes_step": (meeting, NOBODY, STAFF),
    "meeting_attendance": (meeting, STAFF, STAFF),
    "meeting_paste_attendees": (meeting, STAFF, STAFF),
    "meeting_guest_add": (meeting, NOBODY, STAFF),
    "meeting_agenda": (meeting, STAFF, STAFF),
    "meeting_outcomes": (meeting, STAFF, STAFF),
    "meeting_remarks": (meeting, STAFF | {FORUM}, STAFF | {FORUM}),
    "meeting_attachment_add": (meeting, NOBODY, STAFF),
    "meeting_agenda_publish": (meeting, NOBODY, STAFF),
    # the IRM's reports and assessments: staff record them
    "irm_reports": (plan, STAFF, NOBODY),
    "irm_report_create": (plan, STAFF, STAFF),
    "irm_report_edit": (irm_report, STAFF, STAFF),
    "irm_assessment": (other_commitment, STAFF, STAFF),
    # civil society's ratings: only its own role (tests/commitments/test_civil_society.py)
    "cs_ratings": (lambda w: {}, NOBODY, NOBODY),
    "cs_rate": (lambda w: {"pk": w.other_milestone.pk}, NOBODY, NOBODY),
    "meeting_attachment": (lambda w: {"pk": w.attachment.pk}, STAFF | {FORUM}, NOBODY),
    # spreadsheet import and export (a focal point exports their agencies' rows only)
    "import_list": (lambda w: {}, EVERYONE, NOBODY),  # each sees the sheets of their perms
    "import_upload": (lambda w: {"kind": "commitments"}, STAFF, STAFF),
    "import_template": (lambda w: {"kind": "commitments"}, STAFF, NOBODY),
    "export": (lambda w: {"kind": "commitments"}, STAFF | {FOCAL}, NOBODY),
    # a preview belongs to the user who uploaded it: anyone else's token is 404
    "import_preview": (lambda w: {"token": "not-yours"}, NOBODY, NOBODY),
    "body_list": (lambda w: {}, STAFF, NOBODY),
    "body_create": (lambda w: {}, STAFF, STAFF),
    "body_manage": (lambda w: {"pk": w.body.pk}, STAFF, NOBODY),
    "body_edit": (lambda w: {"pk": w.body.pk}, STAFF, STAFF),
    "membership_create": (lambda w: {"pk": w.body.pk}, STAFF, STAFF),
    "membership_edit": (lambda w: {"pk": w.membership.pk}, STAFF, STAFF),
    "membership_end": (lambda w: {"pk": w.membership.pk}, NOBODY, STAFF),
    # the audit trail (GET only: a POST is 405 for those who may read it)
    "audit_log": (lambda w: {}, {COORDINATOR}, NOBODY),
    # the second factor: each member's own authenticator app
    "two_factor_verify": (lambda w: {}, EVERYONE, EVERYONE),
    "two_factor_setup": (lambda w: {}, EVERYONE, EVERYONE),
}
# URLs open to anonymous visitors (sign-in) are checked separately.
PUBLIC_NAMES = {"login", "logout"}


class MatrixCoverageTests(TestCase):
    def test_every_workspace_url_has_its_row(self):
        missing = manage_url_names() - set(MATRIX) - PUBLIC_NAMES
        assert not missing, f"workspace URLs without a row in MATRIX: {sorted(missing)}"


class RoleMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.world = World()

    def url(self, name):
        kwargs_of, _get, _post = MATRIX[name]
        return reverse(f"manage:{name}", kwargs=kwargs_of(self.world))

    def sign_in(self, role):
        self.client.logout()
        if role != ANONYMOUS:
            self.client.force_login(self.world.users[role])

    def test_anonymous_is_sent_to_sign_in_for_get_and_post(self):
        for name in MATRIX:
            url = self.url(name)
            for method in ("get", "post"):
                with self.subTest(url=name, method=method), nothing_written(f"{name} {method}"):
                    response = getattr(self.client, method)(url)
                    assert response.status_code in (302, 405), response.status_code
                    if response.status_code == 302:
                        assert "/manage/login/" in response["Location"]

    def each_url_as(self, role):
        """Every workspace URL with GET and POST as `role`. One test per role: each starts
        from the same rows (an allowed POST may change them) and the four share the
        machine's workers."""
        for name, (_kwargs, get_roles, post_roles) in MATRIX.items():
            url = self.url(name)
            self.sign_in(role)  # an allowed POST may have signed the user out
            with self.subTest(url=name, role=role, method="get"):
                status = self.client.get(url).status_code
                if role in get_roles:
                    assert status in (200, 302), f"{name} GET as {role}: {status}"
                else:
                    assert status in (403, 404, 405), f"{name} GET as {role}: {status}"
            with self.subTest(url=name, role=role, method="post"):
                if role in post_roles:
                    self.client.post(url, {"version": 1})
                    continue
                with nothing_written(f"{name} POST as {role}"):
                    status = self.client.post(url, {"version": 1}).status_code
                assert status in (403, 404, 405), f"{name} POST as {role}: {status}"

    def test_the_coordinator_gets_only_what_it_may(self):
        self.each_url_as(COORDINATOR)

    def test_an_editor_gets_only_what_it_may(self):
        self.each_url_as(EDITOR)

    def test_a_focal_point_gets_only_what_it_may(self):
        self.each_url_as(FOCAL)

    def test_a_forum_member_gets_only_what_it_may(self):
        self.each_url_as(FORUM)
