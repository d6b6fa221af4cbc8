"""Staff find their work in two clicks, citizens every kind of page in three.

A breadth-first crawl over the demo data, in Arabic: from the staff dashboard as each role
(every list the role may open is at most two clicks away; every page inside a list links
back up to it), and from the public home page (every kind of public page, each window's
report included, at most three clicks away; a closed consultation and its report are
linked from its plan, its commitments and the meetings of its plan)."""

import re

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone, translation

from commitments.models import Commitment
from consultations.models import CommentWindow
from core import roles
from demo import loader as demo
from meetings.models import Meeting
from plans.models import ActionPlan
from tests.helpers import FAST, Crawl, kind, links_of

PASSWORD = "demo-password-long-enough"


@FAST
class NavigationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        demo.load_demo(now=timezone.now(), password=PASSWORD)
        cls.plan = ActionPlan.objects.get(number=5)
        commitment = Commitment.objects.filter(plan=cls.plan).order_by("number").first()
        # The lists each role works in, by an example URL of each.
        cls.lists = {
            "plans": "/ar/manage/plans/",
            "commitments": f"/ar/manage/plans/{cls.plan.number}/commitments/",
            "milestones": f"/ar/manage/commitments/{commitment.pk}/",
            "my milestones": "/ar/manage/commitments/mine/",
            "letters": f"/ar/manage/commitments/{commitment.pk}/letters/",
            "meetings": "/ar/manage/meetings/",
            "windows": "/ar/manage/consultations/windows/",
            "comments": "/ar/manage/consultations/comments/",
            "feedback": "/ar/manage/consultations/feedback/",
            "imports": "/ar/manage/imports/",
            "bodies": "/ar/manage/bodies/",
            "audit": "/ar/manage/audit/",
        }

    def setUp(self):
        cache.clear()

    def test_every_list_of_a_role_is_two_clicks_from_the_dashboard(self):
        for role in roles.ROLE_LABELS:
            with self.subTest(role=role):
                self.client.force_login(User.objects.get(username=role))
                crawl = Crawl(self.client, "/ar/manage/", "/ar/manage/", limit=2)
                depths = crawl.kind_depths()
                for name, url in self.lists.items():
                    if self.client.get(url).status_code != 200:
                        continue  # not a list this role works in
                    self.assertLessEqual(
                        depths.get(kind(url), 99), 2, f"{role}: the {name} list ({url})"
                    )
                self.client.logout()

    def test_every_workspace_page_links_back_to_its_list(self):
        self.client.force_login(User.objects.get(username=roles.COORDINATOR))
        crawl = Crawl(self.client, "/ar/manage/", "/ar/manage/", limit=4)
        checked = 0
        for path, html in crawl.html.items():
            parts = path.strip("/").split("/")
            if len(parts) <= 3 or path in self.lists.values():
                continue  # the dashboard and the top-level lists: the menu is the way back
            checked += 1
            links = set(links_of(path, html))
            ups = {link for link in links if path.startswith(link) and link != path}
            ups.discard("/ar/manage/")
            ups.discard("/ar/")
            self.assertTrue(ups or self.has_list_link(path, links), f"{path}: no way back")
        self.assertGreater(checked, 10)

    def has_list_link(self, path: str, links: set[str]) -> bool:
        """Pages outside their list's URL (a commitment, a letter) link to it by name."""
        parents = {
            r"^/ar/manage/commitments/\d+/$": r"^/ar/manage/plans/\d+/commitments/$",
            r"^/ar/manage/letters/\d+/": r"^/ar/manage/commitments/\d+/letters/$",
            r"^/ar/manage/milestones/\d+/": r"^/ar/manage/commitments/(mine|\d+)/$",
            r"^/ar/manage/members/\d+/": r"^/ar/manage/bodies/\d+/$",
            r"^/ar/manage/history/\w+/\d+/": r"^/ar/manage/(?!history)",
            r"^/ar/manage/imports/": r"^/ar/manage/imports/$",
        }
        for page, parent in parents.items():
            if re.search(page, path):
                return any(re.search(parent, link) for link in links)
        return False

    def test_every_public_page_kind_is_three_clicks_from_home(self):
        crawl = Crawl(self.client, "/ar/", "/ar/", limit=5)
        depths = crawl.kind_depths()
        reachable = {k for k in depths if not k.startswith(("/ar/manage/", "/ar/admin/"))}
        for page_kind in sorted(reachable):
            if Crawl.NOT_FOLLOWED.search(page_kind):
                continue
            self.assertLessEqual(depths.get(page_kind, 99), 3, page_kind)
        windows = CommentWindow.objects.filter(plan__is_public=True, audience="public")
        for window in windows.filter(closes_at__lte=timezone.now()):
            report = f"/ar/consultations/{window.pk}/report/"
            self.assertLessEqual(crawl.depth.get(report, 99), 3, report)

    def test_closed_consultations_are_linked_from_their_plan_commitments_and_meetings(self):
        now = timezone.now()
        closed = [
            window
            for window in CommentWindow.objects.filter(plan=self.plan, audience="public")
            if window.closes_at <= now
        ]
        self.assertTrue(closed)
        pages = [f"/ar/plans/{self.plan.number}/"]
        for window in closed:
            for commitment in window.commitments.filter(is_published=True)[:2]:
                with translation.override("ar"):
                    pages.append(commitment.get_absolute_url())
        for meeting in Meeting.objects.filter(plan=self.plan, minutes_state="published")[:2]:
            pages.append(f"/ar/meetings/{meeting.pk}/")
        for page in pages:
            html = self.client.get(page).content.decode()
            links = set(links_of(page, html))
            with self.subTest(page=page):
                self.assertTrue(
                    any(f"/ar/consultations/{w.pk}/report/" in links for w in closed), page
                )
