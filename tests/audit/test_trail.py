"""The audit trail (`manage:audit_log`): who signed in or failed to, was refused, published,
changed a stage, moderated a comment or imported a spreadsheet, and when; read by the
coordinator alone, filtered by user, action and date."""

import datetime

from axes.models import AccessFailureLog
from django.test import TestCase
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from commitments.services import set_commitment_published
from consultations.services import moderate_comments
from core.roles import COORDINATOR, EDITOR, FOCAL_POINT
from plans.services import ensure_stages, set_plan_public, start_stage
from tests.factories import make_comment, make_commitment, make_plan, make_user, make_xlsx
from tests.helpers import preview_url, upload

URL = "/en/manage/audit/"
PASSWORD = "a-long-enough-password-42"


class AuditAccessTests(TestCase):
    def test_anonymous_goes_to_sign_in(self):
        response = self.client.get(URL)
        assert response.status_code == 302
        assert "/manage/login/" in response["Location"]

    def test_only_the_coordinator_reads_it(self):
        for role in (EDITOR, FOCAL_POINT):
            self.client.force_login(make_user(role=role))
            assert self.client.get(URL).status_code == 403
        self.client.force_login(make_user(role=COORDINATOR))
        response = self.client.get(URL)
        assert response.status_code == 200
        self.assertContains(response, "Audit trail")

    def test_the_menu_shows_it_to_the_coordinator_only(self):
        self.client.force_login(make_user(role=EDITOR))
        self.assertNotContains(self.client.get("/en/manage/"), URL)
        self.client.force_login(make_user(role=COORDINATOR))
        self.assertContains(self.client.get("/en/manage/"), URL)


class RecordedEventTests(TestCase):
    def setUp(self):
        self.coordinator = make_user(role=COORDINATOR, username="coord")

    def rows(self, **filters):
        self.client.force_login(self.coordinator)
        response = self.client.get(URL, filters)
        assert response.status_code == 200
        return response.context["entries"]

    def test_sign_ins_and_failed_sign_ins(self):
        user = make_user(role=EDITOR, username="amal")
        user.set_password(PASSWORD)
        user.save()
        self.client.post("/en/manage/login/", {"username": "amal", "password": "wrong"})
        self.client.post("/en/manage/login/", {"username": "amal", "password": PASSWORD})
        self.client.logout()
        actions = [(e.action, e.username) for e in self.rows(user="amal")]
        assert ("sign_in", "amal") in actions
        assert ("sign_in_failed", "amal") in actions

    def test_a_refusal_is_recorded_with_user_and_address(self):
        editor = make_user(role=EDITOR, username="rami")
        self.client.force_login(editor)
        assert self.client.get(URL).status_code == 403
        event = AuditEvent.objects.get(action=AuditAction.REFUSED)
        assert (event.user, event.username, event.path) == (editor, "rami", URL)
        entry = self.rows(action=AuditAction.REFUSED)[0]
        assert (entry.username, entry.subject) == ("rami", URL)

    def test_an_anonymous_refusal_is_not_recorded(self):
        self.client.get(URL)
        assert not AuditEvent.objects.exists()

    def test_publishing_stage_changes_and_moderation_carry_who_and_what(self):
        plan = make_plan(number=7, is_public=False)
        set_plan_public(plan=plan, public=True, by=self.coordinator)
        commitment = make_commitment(plan=plan, number=3, title_en="Open budgets")
        stage = ensure_stages(plan)[0]
        start_stage(stage=stage, by=self.coordinator, today=datetime.date(2026, 1, 5))
        comment = make_comment(tracking_number="C-26-0001")
        moderate_comments(comments=[comment], action="publish", user=self.coordinator)
        entries = self.rows(user="coord")
        found = {(e.action, e.subject, e.detail) for e in entries}
        assert ("publish", "Action plan 7", "made public") in found
        assert ("stage", "Stage 1 of plan 7", "In progress") in found
        assert ("moderation", "Comment C-26-0001", "Published") in found
        # Only changes: saving the plan again without touching is_public adds no row.
        assert sum(e.action == "publish" for e in entries) == 1
        set_commitment_published(commitment=commitment, published=True, by=self.coordinator)
        subjects = [e.subject for e in self.rows(action="publish")]
        assert "Commitment 3 of plan 7" in subjects

    def test_an_import_is_recorded(self):
        editor = make_user(role=EDITOR, username="huda")
        self.client.force_login(editor)
        rows = [["name_ar", "name_en", "acronym", "sector"], ["هيئة", "A body", "AB", "government"]]
        url = preview_url(upload(self.client, "organisations", make_xlsx(rows), name="orgs.xlsx"))
        response = self.client.post(url, {"action": "confirm"})
        assert response.status_code == 302, response.content[:2000]
        entry = self.rows(action=AuditAction.IMPORT)[0]
        assert entry.username == "huda"
        assert entry.detail == "organisations: orgs.xlsx"


class FilterTests(TestCase):
    def setUp(self):
        self.coordinator = make_user(role=COORDINATOR)
        now = timezone.now()
        for name, days in (("alpha", 0), ("beta", 10)):
            row = AccessFailureLog.objects.create(username=name, ip_address="192.0.2.1")
            # attempt_time is set on creation: move it back afterwards.
            AccessFailureLog.objects.filter(pk=row.pk).update(
                attempt_time=now - datetime.timedelta(days)
            )
        self.today = timezone.localdate(now)
        self.client.force_login(self.coordinator)

    def names(self, **filters):
        return [e.username for e in self.client.get(URL, filters).context["entries"]]

    def test_by_user_action_and_date(self):
        assert self.names(user="alp") == ["alpha"]
        assert sorted(self.names(action="sign_in_failed")) == ["alpha", "beta"]
        assert "alpha" not in self.names(action="sign_in")
        since = self.today - datetime.timedelta(days=1)
        failed = {"action": "sign_in_failed"}
        assert self.names(date_from=since.isoformat(), **failed) == ["alpha"]
        assert self.names(date_to=since.isoformat()) == ["beta"]

    def test_a_reversed_range_is_refused_with_a_message(self):
        response = self.client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
        assert response.status_code == 400
        self.assertContains(response, "The end date is before the start date.", status_code=400)

    def test_an_unknown_action_is_refused(self):
        response = self.client.get(URL, {"action": "drop_tables"})
        assert response.status_code == 400


class AuditQueryCountTests(TestCase):
    def fill(self, count: int, coordinator):
        for index in range(count):
            plan = make_plan(is_public=False)
            set_plan_public(plan=plan, public=True, by=coordinator)
            stage = ensure_stages(plan)[0]
            start_stage(stage=stage, by=coordinator, today=datetime.date(2026, 1, 5))
            moderate_comments(
                comments=[make_comment(tracking_number=f"C-26-{count:02d}{index:02d}")],
                action="publish",
                user=coordinator,
            )
            AuditEvent.objects.create(action=AuditAction.REFUSED, username="x", path="/a/")
            AccessFailureLog.objects.create(username="x", ip_address="192.0.2.9")

    def test_query_count_does_not_grow_with_the_events(self):
        """Guards an N+1 over the events: one query per kind of event (the latest of each),
        never one per row (its user, plan or comment), at 2 and at 12 events of each kind:
        session, user, groups and permissions (5), then the 8 event queries."""
        coordinator = make_user(role=COORDINATOR)
        self.client.force_login(coordinator)
        counts = []
        for size in (2, 10):
            self.fill(size, coordinator)
            with self.assertNumQueries(13) as context:
                response = self.client.get(URL)
            assert response.status_code == 200
            counts.append(len(context.captured_queries))
        assert counts[0] == counts[1]
