"""Helpers shared by several test modules (test modules import no other test module)."""

import importlib.util
import io
import re
import subprocess
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
from django.db import IntegrityError, connection, transaction
from django.db.models import UniqueConstraint
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import translation

from consultations.forms import TOKEN_SALT
from core.pdf import Rendered
from tests.factories import make_commitment, make_milestone, make_plan, make_window

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
    import os
    import sys
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
