"""Helpers shared by several test modules (test modules import no other test module)."""

import importlib.util
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import unicodedata
import uuid
import zipfile
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.db.models import UniqueConstraint
from django.forms import MultiWidget
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from consultations.forms import TOKEN_SALT
from core.pdf import Rendered
from tests.factories import make_commitment, make_milestone, make_plan, make_user, make_window

# Constraint checks ----------------------------------------------------------------------

# Every app whose models carry named constraints.
DOMAIN_APPS = ["plans", "commitments", "meetings", "consultations", "audit"]


def domain_models():
    """The concrete models of the four domain apps, without django-simple-history's copies."""
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if not any(field.name == "history_id" for field in model._meta.fields):
                yield model


def named_constraints() -> dict:
    """{constraint name: (model, constraint)} for every constraint of the domain models."""
    return {
        constraint.name: (model, constraint)
        for model in domain_models()
        for constraint in model._meta.constraints
    }


@contextmanager
def violates(name: str):
    """The write inside the block is refused by the database because of constraint `name`."""
    model, constraint = named_constraints()[name]
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    if connection.vendor == "sqlite" and isinstance(constraint, UniqueConstraint):
        # SQLite reports a unique index by its columns, not by its name.
        table = model._meta.db_table
        columns = [model._meta.get_field(field).column for field in constraint.fields]
        expected = "UNIQUE constraint failed: " + ", ".join(f"{table}.{c}" for c in columns)
        assert expected in message, message
    else:
        assert name in message, message


def check_choices(name: str, instance, field: str, values) -> None:
    """`field` of `instance` takes every value in `values` and nothing else."""
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    invalid = "zz"  # short enough for every column, so only the check constraint refuses it
    assert invalid not in values
    with violates(name):
        rows.update(**{field: invalid})
    for value in values:
        rows.update(**{field: value})
        assert rows.get().serializable_value(field) == value


def validation_errors(instance) -> dict[str, list[str]]:
    """The messages `full_clean()` gives staff (forms, the admin) for `instance`, in English."""
    with translation.override("en"):
        try:
            instance.full_clean()
        except ValidationError as error:
            return error.message_dict
    raise AssertionError(f"{instance!r} passed full_clean()")


# Pages ----------------------------------------------------------------------------------

# The opening tag of a page in each language.
ARABIC_PAGE = '<html lang="ar" dir="rtl">'
ENGLISH_PAGE = '<html lang="en" dir="ltr">'


def html_of(response, status: int = 200) -> str:
    """The page of `response`, once its status is `status`."""
    assert response.status_code == status
    return response.content.decode()


# The admin ------------------------------------------------------------------------------


def our_admins() -> dict:
    """{model: its ModelAdmin} for the domain apps (the admin also lists django-axes's
    sign-in records, read-only)."""
    return {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in DOMAIN_APPS
    }


def admin_url(model, view, *args) -> str:
    """The English admin URL of `view` ("changelist", "add", "change"...) for `model`."""
    opts = model._meta
    with translation.override("en"):
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_values(form) -> dict:
    """What a browser would send back for a bound or unbound form, unchanged."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        widget = field.field.widget
        if isinstance(widget, MultiWidget):
            # A date and a time (the admin's split date-time) are sent as two fields.
            for index, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{field.html_name}_{index}"] = str(part)
            continue
        if value is True:
            data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(item) for item in value]
        else:
            data[field.html_name] = str(value)
    return data


def change_form_data(response) -> dict:
    """The admin change page in `response` as its Save button would post it, inlines and
    their management forms included."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_values(form))
    return data


# Writes through the services ---------------------------------------------------------------


def edit_commitment(commitment, by, **data):
    """`data` saved on the commitment's latest version through the service, by `by`."""
    from commitments.services import update_commitment

    commitment.refresh_from_db()
    return update_commitment(
        commitment=commitment, data=data, expected_version=commitment.version, by=by
    )


# Edit conflicts: two browsers on the same edit page -------------------------------------


def browser_form_data(html: str | bytes, form_id: str = "edit-form") -> dict[str, list[str]]:
    """What a browser posts when the form `form_id` of `html` is submitted unchanged: its
    fields, and those outside it that name it (`form="..."`); ticked boxes only."""
    from html.parser import HTMLParser

    class Reader(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.data: dict[str, list[str]] = {}
            self.inside = False
            self.textarea = None
            self.select = None

        def counts(self, attrs: dict) -> bool:
            named = attrs.get("form")
            owned = named == form_id if named else self.inside
            return owned and attrs.get("name") and "disabled" not in attrs

        def add(self, name, value):
            self.data.setdefault(name, []).append(value)

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "form" and attrs.get("id") == form_id:
                self.inside = True
            elif tag == "input" and self.counts(attrs):
                kind = attrs.get("type", "text")
                if kind in ("submit", "button", "image", "reset", "file"):
                    return
                if kind in ("checkbox", "radio") and "checked" not in attrs:
                    return
                self.add(attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            elif tag == "textarea" and self.counts(attrs):
                self.textarea = [attrs["name"], ""]
            elif tag == "select" and self.counts(attrs):
                self.select = {"name": attrs["name"], "multiple": "multiple" in attrs}
                self.select |= {"chosen": [], "first": None}
            elif tag == "option" and self.select is not None:
                value = attrs.get("value", "")
                if self.select["first"] is None:
                    self.select["first"] = value
                if "selected" in attrs:
                    self.select["chosen"].append(value)

        def handle_data(self, data):
            if self.textarea is not None:
                self.textarea[1] += data

        def handle_endtag(self, tag):
            if tag == "form" and self.inside:
                self.inside = False
            elif tag == "textarea" and self.textarea is not None:
                name, value = self.textarea
                self.add(name, value.removeprefix("\r\n").removeprefix("\n"))
                self.textarea = None
            elif tag == "select" and self.select is not None:
                chosen = self.select["chosen"]
                if not chosen and not self.select["multiple"] and self.select["first"] is not None:
                    chosen = [self.select["first"]]
                for value in chosen if self.select["multiple"] else chosen[-1:]:
                    self.add(self.select["name"], value)
                self.select = None

    reader = Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    return reader.data


def opened_form(client, url: str) -> dict:
    """The edit form of the page `url`, which opens, as a browser would post it unchanged."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return browser_form_data(response.content)


def two_browsers(client_class, users: tuple, url: str):
    """A's and B's browsers (test clients), signed in as `users`, each with the page `url`
    open: (A's, B's, A's form, B's form)."""
    first, second = client_class(), client_class()
    first.force_login(users[0])
    second.force_login(users[1])
    return first, second, opened_form(first, url), opened_form(second, url)


def assert_posts_refused(test, pages: dict, roles) -> None:
    """Each POST of `pages` ({url: data}) sends an anonymous visitor to sign in and is
    refused (403) to each of `roles`; a subtest of the TestCase `test` each."""
    for url, data in pages.items():
        with test.subTest(url=url):
            response = test.client.post(url, data)
            test.assertEqual(response.status_code, 302)
            test.assertIn("/login/", response["Location"])
    for role in roles:
        test.client.force_login(make_user(role=role))
        for url, data in pages.items():
            with test.subTest(role=role, url=url):
                test.assertEqual(test.client.post(url, data).status_code, 403)


def two_browsers_edit(
    client_class,
    *,
    url: str,
    users: tuple,
    reload,
    theirs: tuple[str, str],
    yours: tuple[str, str],
    both: tuple[str, str, str],
    choice: str = "saved",
    value=lambda row, name: getattr(row, name),
):
    """A and B open the edit page at `url`; A changes the field `theirs` and the field
    `both` and saves; B changes `yours` and `both` differently and saves: 409, with the real
    differences. B saves again from the conflict page without choosing: refused, nothing
    saved, the choice asked for in the page's language; B chooses `choice` for `both` and
    saves: A's field kept, B's field saved, `both` as chosen. `reload()` reads the row;
    `value(row, name)` a field of it as posted."""
    # The pages' language must not outlive the scenario (LocaleMiddleware activates it in
    # the test's thread).
    with translation.override(translation.get_language()):
        return _two_browsers_edit(
            client_class, url, users, reload, theirs, yours, both, choice, value
        )


def two_browsers_edit_both_ways(test, *, theirs, yours, both):
    """`two_browsers_edit` of the TestCase `test`'s `url` by its users `a` and `b`, read back
    by its `reload()`, once for each choice (a subtest each); every text ends with the
    choice, so the second run changes every field again."""
    for choice in ("saved", "mine"):
        with test.subTest(choice=choice):
            two_browsers_edit(
                test.client_class,
                url=test.url,
                users=(test.a, test.b),
                reload=test.reload,
                theirs=(theirs[0], f"{theirs[1]} ({choice})"),
                yours=(yours[0], f"{yours[1]} ({choice})"),
                both=(both[0], f"{both[1]} ({choice})", f"{both[2]} ({choice})"),
                choice=choice,
            )


def _two_browsers_edit(client_class, url, users, reload, theirs, yours, both, choice, value):
    first, second = client_class(), client_class()
    first.force_login(users[0])
    second.force_login(users[1])
    opened_a = browser_form_data(first.get(url).content)
    opened_b = browser_form_data(second.get(url).content)
    shared, a_shared, b_shared = both

    saved = first.post(url, opened_a | {theirs[0]: theirs[1], shared: a_shared})
    assert saved.status_code == 302, saved.content.decode()[:3000]
    version = reload().version

    refused = second.post(url, opened_b | {yours[0]: yours[1], shared: b_shared})
    assert refused.status_code == 409, refused.content.decode()[:3000]
    rows = {row["key"]: row["status"] for row in refused.context["conflict"]["rows"]}
    assert rows == {theirs[0]: "theirs", yours[0]: "yours", shared: "choose"}
    row = reload()
    assert row.version == version
    assert str(value(row, yours[0])) != yours[1]

    merged = browser_form_data(refused.content)
    assert merged[theirs[0]] == [theirs[1]]  # A's text is in the form: B retypes nothing
    assert merged[yours[0]] == [yours[1]]
    assert merged[shared] == [b_shared]

    unchosen = second.post(url, merged)
    assert unchosen.status_code in (200, 400)  # the form again, with its message
    assert "اختر" in unchosen.content.decode()  # "choose", in the page's language
    assert reload().version == version
    again = browser_form_data(unchosen.content)
    assert again[theirs[0]] == [theirs[1]] and again[yours[0]] == [yours[1]]

    done = second.post(url, again | {f"keep-{shared}": choice})
    assert done.status_code == 302, done.content.decode()[:3000]
    row = reload()
    assert str(value(row, theirs[0])) == theirs[1]
    assert str(value(row, yours[0])) == yours[1]
    assert str(value(row, shared)) == (a_shared if choice == "saved" else b_shared)
    assert row.version == version + 1
    return row


# Crawling pages -------------------------------------------------------------------------


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def links_of(path: str, html: str) -> list[str]:
    """The paths of the site's own links on a page (no query strings, no other hosts)."""
    parser = LinkParser()
    parser.feed(html)
    found = []
    for href in parser.links:
        url = urlsplit(urljoin(path, href))
        if url.netloc not in ("", "testserver") or url.query:
            continue
        found.append(url.path)
    return found


def kind(path: str) -> str:
    """A page's kind: its path with the numbers replaced (/ar/meetings/N/)."""
    return re.sub(r"/\d+/", "/N/", re.sub(r"/\d+/", "/N/", path))


class Crawl:
    """A breadth-first walk over the site's links from `start`, within `scope`, down to
    `limit` clicks: `depth` of every link seen, `html` of every page read."""

    MAX_PAGES = 500
    # Not pages to walk through: signing out, creation forms, files, print views.
    NOT_FOLLOWED = re.compile(
        r"/(logout|login|two-factor|new)/|\.(pdf|csv|xlsx|ics|json|zip)$"
        r"|/(print|template|export|scan|evidence)/"
    )

    def __init__(self, client, start: str, scope: str, limit: int):
        self.depth, self.html = {start: 0}, {}
        queue = [start]
        while queue and len(self.html) < self.MAX_PAGES:
            path = queue.pop(0)
            if self.depth[path] >= limit:
                continue
            response = client.get(path)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            self.html[path] = html
            for link in links_of(path, html):
                if not link.startswith(scope) or self.NOT_FOLLOWED.search(link):
                    continue
                if link not in self.depth:
                    self.depth[link] = self.depth[path] + 1
                    queue.append(link)

    def kind_depths(self) -> dict[str, int]:
        depths = {}
        for path, depth in self.depth.items():
            depths[kind(path)] = min(depth, depths.get(kind(path), depth))
        return depths


# Consultations: an open window and the comment form's POST -------------------------------


def make_open_window(**fields):
    """A public window open now, covering two published commitments (one with a milestone)."""
    plan = fields.pop("plan", None) or make_plan()
    window = make_window(plan=plan, **fields)
    first = make_commitment(plan=plan)
    second = make_commitment(plan=plan)
    make_milestone(commitment=first, number=1)
    window.commitments.add(first, second)
    return window, first, second


def form_token(window, *, token: uuid.UUID | None = None, age: int = 60) -> str:
    """A signed form token as the page renders it, `age` seconds ago."""
    return signing.dumps(
        {"t": (token or uuid.uuid4()).hex, "w": window.pk, "i": int(time.time()) - age},
        salt=TOKEN_SALT,
    )


def comment_post(window, **overrides) -> dict:
    data = {
        "form_token": form_token(window),
        "website": "",
        "commitment": "",
        "part": "general",
        "milestone": "",
        "body": "أقترح نشر البيانات بصيغة مفتوحة",
        "author_name": "",
        "author_email": "",
        "sector": "",
        "region": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Writes from several threads at once ------------------------------------------------------

# At most this many connections at once: PostgreSQL's default limit is 100 clients for the
# whole server, which a CI machine shares with whatever else it runs.
MOST_THREADS = 20


def in_threads(count: int, work, *, timeout: float = 120):
    """Call `work(index)` for every index below `count` from up to MOST_THREADS threads
    released together, each thread doing its share one after another; (results, errors)."""
    workers = min(count, MOST_THREADS)
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def run(first):
        try:
            barrier.wait(timeout=10)
            for index in range(first, count, workers):
                results.append(work(index))
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(first,)) for first in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors


def waiting_for_sqlite(write):
    """`write()`; on SQLite, wait while another thread writes. The in-memory test database
    reports "table is locked" at once, where the file database of
    `settings.sqlite_database` waits up to 20 seconds (its busy timeout)."""
    for _attempt in range(200):
        try:
            return write()
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error):
                raise
            time.sleep(0.01)
    raise AssertionError("the database stayed locked")


# PDFs read back as a reader's tools would ---------------------------------------------------


def normalised(text: str) -> str:
    """Text as compared: presentation forms (lam-alef ligatures...) back to letters, no
    spaces or direction marks (extraction splits and joins runs its own way)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def pdf_text_of(pdf: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


# A stand-in for the PDF renderer: the plan's title after a fixed PDF-looking prefix.
FAKE_PDF = b"%PDF-1.7 stand-in " + b"x" * 2000


def fake_render(snapshot):
    marker = snapshot["plan"]["title"]["text"].encode()
    return Rendered(pdf=FAKE_PDF + marker, requested=[], refused=[])


# Settings, headers, uploads and files shared by the site tests ------------------------------

BASE_DIR = Path(importlib.util.find_spec("ogp_portal.settings").origin).resolve().parent.parent

BASE_ENV = {"DEBUG": "false", "SECRET_KEY": "settings-test-key", "STATIC_MANIFEST": "false"}

# A loopback port where nothing listens: Redis "down" without stopping anybody's Redis.
CLOSED_REDIS = {
    "default": {
        "BACKEND": "core.cache.TolerantRedisCache",
        "LOCATION": "redis://127.0.0.1:6390/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}


def child_environment(*layers: dict) -> dict[str, str]:
    """The environment of a process of the project's own, as at start-up: this one's PATH
    only (no bytecode written into the tree), then each of `layers` in turn."""
    environment = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"}
    for layer in layers:
        environment |= layer
    return environment


def settings_in_a_fresh_process(snippet: str, **env: str) -> dict:
    """The JSON that `snippet` prints last, run by a fresh Python process with BASE_ENV
    updated by `env` (None removes a variable), as at start-up."""
    environment = child_environment(BASE_ENV)
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    result = subprocess.run(
        [sys.executable, "-c", snippet],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def upload(client, kind, content, name="sheet.xlsx", plan=None, language="en"):
    data = {"file": SimpleUploadedFile(name, content)}
    if plan is not None:
        data["plan"] = plan.pk
    return client.post(
        f"/{language}" + reverse("manage:import_upload", kwargs={"kind": kind})[3:], data
    )


def preview_url(response) -> str:
    assert response.status_code == 302, getattr(response, "content", b"")[:3000]
    return response["Location"]


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (60 * 1024 * 1024))
    return out.getvalue()


def demo_site_database() -> Path:
    """An SQLite file migrated and filled with the demo data by `manage.py`, made once per
    test run and shared by the xdist workers (under a lock), for the scripts that serve a
    whole site from disk (the load benchmark's smoke run). Copy it before changing it."""
    import fcntl
    import tempfile

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid{os.getpid()}"
    folder = Path(tempfile.gettempdir()) / f"ogp-portal-tests-{run}"
    folder.mkdir(exist_ok=True)
    made = folder / "demo.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            building = folder / "building.sqlite3"
            building.unlink(missing_ok=True)
            env = {
                **os.environ,
                **BASE_ENV,
                "DATABASE_URL": f"sqlite:///{building}",
                "DJANGO_SETTINGS_MODULE": "ogp_portal.settings",
                "MEDIA_ROOT": str(folder / "media"),
                "PRIVATE_MEDIA_ROOT": str(folder / "private"),
            }
            for command in (["migrate", "--no-input"], ["load_demo", "--force"]):
                subprocess.run(
                    [sys.executable, "manage.py", *command],
                    cwd=BASE_DIR,
                    env=env,
                    check=True,
                    capture_output=True,
                    timeout=600,
                )
            os.replace(building, made)
    return made


# Signing in quickly: tests that sign in with a password need no slow hash.
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
FAST = override_settings(PASSWORD_HASHERS=FAST_HASHER)


# Browsers signed in to the workspace --------------------------------------------------------

PASSWORD = "correct-horse-battery"  # make_user's default


def sign_in_browser(page, base: str, username: str, password: str = PASSWORD):
    """`page` signed in through the workspace's sign-in form under `base` (".../ar/manage"),
    on the dashboard."""
    page.goto(f"{base}/login/")
    page.fill("[name=username]", username)
    page.fill("[name=password]", password)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{base}/")
    return page


def signed_in(browser, base: str, username: str):
    """A page of a browser context of its own, signed in as `username`."""
    return sign_in_browser(browser.new_context().new_page(), base, username)


def both_editors_open(browser, base: str, url: str):
    """The editors "first" and "second" (the `two_editors` fixture), each in a browser of
    their own, on the page `url`."""
    pages = signed_in(browser, base, "first"), signed_in(browser, base, "second")
    for page in pages:
        page.goto(url)
    return pages
