"""PDF documents (meeting minutes, action plans) rendered by WeasyPrint from templates.

    from core.pdf import render_pdf
    pdf_bytes = render_pdf("meetings/minutes_pdf.html", {"meeting": meeting},
                           base_url=request.build_absolute_uri("/"))

The template extends `pdf/base.html`, which sets up the page (A4, a running header from
`{% block running_header %}`, "page X of Y" in the footer, right to left in Arabic) and
embeds the Amiri font served from our own static files (the @fontsource WOFF2 files,
decoded once to TrueType by `decoded_font`, not by WeasyPrint on every render).

**Nothing outside our own static files is ever fetched.** `StaticOnlyFetcher` answers
`<base_url>/static/...` from the static files on disk (never over the network) and `data:`
URIs; everything else (file://, other http(s) hosts, /media/, redirects, ..-paths) is
refused and listed in `fetcher.refused`. So text that staff typed into a document cannot
make the server read a local file or call another machine, even if it got past cleaning.
`base_url` only decides which absolute URLs count as ours; it is never contacted.

**Every PDF is rendered under a time and memory limit** (`write_pdf_limited`): WeasyPrint
runs in a forked child process that is killed after its time limit and whose address space
is capped, so no document, however it was typed, can hold a web worker or the machine for
long. A document that cannot be made raises `PdfUnavailable` with a reason code
(`failure_text` gives the sentence staff read); the caller shows "not available"
(`unavailable_response`), never an error page.
"""

import hashlib
import io
import logging
import mimetypes
import multiprocessing
import os
import posixpath
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fontTools.ttLib import TTFont, woff2
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import pdf_text

# Exact text for Arabic (WeasyPrint issue #2841): see core/pdf_text.py.
pdf_text.install()

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A PDF asked for something that is not one of our static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files and `data:` URIs; refuses every other URL."""

    def __init__(self, base_url: str):
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)
        parts = urlsplit(base_url)
        self.origin = (parts.scheme, parts.netloc)
        self.static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        self.refused: list[str] = []

    def static_path(self, url: str) -> str | None:
        """The static file path of `url` when it is one of ours, else None."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != self.origin or parts.query:
            return None
        path = unquote(parts.path)
        if not path.startswith(self.static_prefix) or ".." in path.split("/"):
            return None
        relative = posixpath.normpath(path.removeprefix(self.static_prefix))
        if relative.startswith((".", "/")):
            return None
        return relative

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        relative = self.static_path(url)
        found = finders.find(relative) if relative else None
        if not found:
            self.refused.append(url)
            raise RefusedURL(f"Only our own static files may be used in a PDF, not {url}")
        if found.endswith((".woff2", ".woff")):
            return URLFetcherResponse(url, decoded_font(found), {"Content-Type": "font/ttf"})
        with open(found, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


# The decoded fonts, in a folder of this system user's own (others may share /tmp).
FONT_CACHE_DIR = Path(tempfile.gettempdir()) / f"ogp-portal-fonts-{os.getuid()}"


def private_folder(folder: Path) -> bool:
    """Whether `folder` exists (made if need be) as this user's own, unreadable and
    unwritable by anyone else: a font kept there is one this process wrote."""
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )


def decoded_font(path: str) -> bytes:
    """The TrueType bytes of a WOFF or WOFF2 static file, decoded once per machine.

    WeasyPrint decodes a web font on every render (fontTools, in Python): for our fifteen
    font faces that was about half the time of printing a plan. Decoded here once, kept in
    a private folder under a name made of the font's own hash (so a new font version is a
    new file, and a file is never read half-written: it is written aside, then renamed),
    and served to WeasyPrint as TrueType, which it reads as it is."""
    with open(path, "rb") as handle:
        font = handle.read()
    usable = private_folder(FONT_CACHE_DIR)
    cached = FONT_CACHE_DIR / f"{hashlib.sha256(font).hexdigest()[:40]}.ttf"
    if usable:
        try:
            return cached.read_bytes()
        except OSError:
            pass
    out = io.BytesIO()
    if font[:4] == b"wOF2":
        woff2.decompress(io.BytesIO(font), out)
    else:
        ttfont = TTFont(io.BytesIO(font))
        ttfont.flavor = ttfont.flavorData = None
        ttfont.save(out)
    decoded = out.getvalue()
    if not usable:  # no private folder: decoded again next time, nothing trusted from /tmp
        logger.warning("PDF: no private folder to keep decoded fonts in (%s)", FONT_CACHE_DIR)
        return decoded
    try:
        aside = cached.with_suffix(f".{os.getpid()}.part")
        aside.write_bytes(decoded)
        os.replace(aside, cached)
    except OSError as error:
        logger.warning("PDF: could not keep the decoded font %s: %s", cached, error)
    return decoded


def page_counter_css() -> str:
    """The CSS `content` value of the "Page X of Y" footer, from one translated sentence."""
    sentence = _("Page %(page)s of %(pages)s")
    marker_page, marker_pages = "\x00PAGE\x00", "\x00PAGES\x00"
    text = sentence % {"page": marker_page, "pages": marker_pages}
    text = text.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace(marker_page, '" counter(page) "').replace(
        marker_pages, '" counter(pages) "'
    )
    return f'"{text}"'


# Every document is a tagged PDF/UA-1 (WeasyPrint's variant: PDF 1.7, a structure tree of
# the HTML's headings, paragraphs, lists, tables and figures, /Lang from <html lang>, the
# <title> shown as the window title), so screen readers can read it in order.
PDF_VARIANT = "pdf/ua-1"

# --- Rendering under a time and memory limit (every document) ---

# The longest a background render may take, in seconds (settings.PDF_RENDER_TIMEOUT
# overrides it). A 50-commitment plan renders in well under a minute; anything slower is
# runaway input.
RENDER_TIMEOUT_SECONDS = 120
# The longest a render inside a request may take (settings.PDF_REQUEST_RENDER_TIMEOUT): the
# minutes, a consultation report and a letter take a second or two; the limit stays well
# under the web server's own worker timeout, so the visitor gets our answer, not a dropped
# connection.
REQUEST_RENDER_TIMEOUT_SECONDS = 20
# The memory a render may add to the process it forks from, in MB
# (settings.PDF_RENDER_MEMORY_MB): ample for the largest plan document, and a stop for
# runaway input before it takes the machine's memory from the other workers.
RENDER_MEMORY_MB = 1024
# The largest HTML accepted, in characters: a bound on work before the clock even starts.
MAX_HTML_CHARS = 8_000_000

# The deepest nesting of lists, quotes and tables printed: ours go a few levels deep; the
# layout of thousands fails with a RecursionError only after a long time (longer with the
# PDF/UA tags), so such a document is refused before it starts.
MAX_NESTING = 100
NESTING_TAG = re.compile(r"<(/?)(ul|ol|blockquote|table)\b", re.IGNORECASE)


def nesting_depth(html: str) -> int:
    """The deepest nesting of <ul>, <ol>, <blockquote> and <table> in `html` (elements
    whose end tag HTML requires, so counting tags is exact)."""
    depth = deepest = 0
    for match in NESTING_TAG.finditer(html):
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


# Why a PDF could not be made: the code is stored (PlanPdf.failure) and the sentence shown
# to staff in their language.
FAILURE_TEXTS = {
    "timeout": gettext_lazy("Making the PDF took longer than allowed, so it was stopped."),
    "too_large": gettext_lazy("The document is too large to print."),
    "too_deep": gettext_lazy(
        "Some text is nested too deeply to print (for example, lists inside lists inside"
        " lists). Simplify that text and save it again."
    ),
    "memory": gettext_lazy("Making the PDF needed more memory than allowed."),
    "error": gettext_lazy("The PDF renderer stopped with an error."),
}


def failure_text(code: str):
    """The sentence staff read for a failure `code` (lazy; an unknown code reads as an
    error)."""
    return FAILURE_TEXTS.get(code, FAILURE_TEXTS["error"])


class PdfUnavailable(RuntimeError):
    """The PDF could not be made within its limits; `code` is a key of FAILURE_TEXTS."""

    code = "error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def reason(self):
        return failure_text(self.code)


class RenderTimeout(PdfUnavailable):
    """The PDF took longer than its time limit; the render was stopped."""

    code = "timeout"


class RenderFailed(PdfUnavailable):
    """WeasyPrint failed (or the input was too large); the message says why."""


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    requested: list[str]  # every URL the document asked for, in order
    refused: list[str]  # those the fetcher refused (never contacted)


class RecordingFetcher(StaticOnlyFetcher):
    """`StaticOnlyFetcher` that also lists every URL asked for (tests and logs use it)."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        return super().fetch(url, headers)


def limit_memory(extra_bytes: int) -> None:
    """Cap this process's address space at what it uses now plus `extra_bytes` (Linux; a
    forked child starts with its parent's whole address space, so a fixed cap would be
    either too tight for a large worker or too loose for a small one)."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError):
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + extra_bytes
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _write_in_child(sender, html: str, base_url: str, memory_bytes: int) -> None:
    fetcher = RecordingFetcher(base_url)
    try:
        limit_memory(memory_bytes)
        pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            pdf_variant=PDF_VARIANT
        )
    # Reported to the parent, which raises RenderFailed with the code.
    except RecursionError as error:
        sender.send((None, "too_deep", repr(error)[:500], fetcher.requested, fetcher.refused))
    except MemoryError:
        sender.send((None, "memory", "MemoryError", fetcher.requested, fetcher.refused))
    except Exception as error:
        sender.send((None, "error", repr(error)[:500], fetcher.requested, fetcher.refused))
    else:
        sender.send((pdf, "", "", fetcher.requested, fetcher.refused))
    finally:
        sender.close()


def write_pdf_limited(
    html: str, *, base_url: str, timeout: float | None = None, memory_mb: int | None = None
) -> Rendered:
    """WeasyPrint on `html` in a forked child process that is killed after `timeout` seconds
    (a thread could not be stopped) and may use `memory_mb` more memory than its parent.
    The child only lays out HTML already rendered (it never touches the database) and
    fetches through `StaticOnlyFetcher`. Raises `RenderTimeout` or `RenderFailed`."""
    if len(html) > MAX_HTML_CHARS:
        raise RenderFailed(
            f"The document is too large to print ({len(html)} characters).", "too_large"
        )
    if (depth := nesting_depth(html)) > MAX_NESTING:
        raise RenderFailed(f"Blocks nested {depth} deep in the document.", "too_deep")
    if timeout is None:
        timeout = background_timeout()
    if memory_mb is None:
        memory_mb = getattr(settings, "PDF_RENDER_MEMORY_MB", RENDER_MEMORY_MB)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_write_in_child,
        args=(sender, html, base_url, memory_mb * 1024 * 1024),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderTimeout(f"The PDF was not ready after {timeout} seconds.")
        try:
            pdf, code, error, requested, refused = receiver.recv()
        except EOFError as exc:
            raise RenderFailed("The PDF renderer stopped without an answer.") from exc
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if refused:
        logger.warning("PDF: refused to fetch %s", refused)
    if pdf is None:
        raise RenderFailed(error, code)
    return Rendered(pdf=pdf, requested=requested, refused=refused)


class RenderBusy(PdfUnavailable):
    """The same document is being rendered by another request right now."""

    code = "busy"


def request_timeout() -> float:
    return getattr(settings, "PDF_REQUEST_RENDER_TIMEOUT", REQUEST_RENDER_TIMEOUT_SECONDS)


def background_timeout() -> float:
    return getattr(settings, "PDF_RENDER_TIMEOUT", RENDER_TIMEOUT_SECONDS)


def render_pdf_html(template: str, context: dict) -> str:
    """The HTML a document template prints (rendered here, where the database may be read;
    only its layout runs in the child process)."""
    return render_to_string(template, {**context, "page_counter_css": page_counter_css()})


def render_pdf(
    template: str, context: dict, *, base_url: str, timeout: float | None = None
) -> bytes:
    """The PDF of `template` rendered with `context`, under the limits of
    `write_pdf_limited` (the request's time limit unless `timeout` is given). Raises
    `PdfUnavailable`."""
    html = render_pdf_html(template, context)
    try:
        return write_pdf_limited(html, base_url=base_url, timeout=timeout or request_timeout()).pdf
    except PdfUnavailable as error:
        logger.warning("PDF %s not made (%s): %s", template, error.code, error)
        raise


# --- Stored documents: each content rendered once ---

# A failed render of a content is not tried again for this long (a timeout under load may
# pass; a document nested too deeply will not, and then costs one render an hour).
FAILURE_RETRY_SECONDS = 3600


def stored_pdf(
    template: str,
    context: dict,
    *,
    folder: str,
    base_url: str = "",
    timeout: float | None = None,
) -> str:
    """The storage name of the PDF of `template` with `context`, rendered only when no PDF
    of exactly this HTML is stored in `folder` (one folder per document and language: a
    new content replaces the older file). A public download then renders each content
    once, whoever asks and however often.

    A failure is stored beside it (`<key>.failed`, holding the reason code), so the next
    requests answer "not available" at once instead of trying again for as long as
    FAILURE_RETRY_SECONDS; a new content (an edit) has a new key and is tried at once.
    While one request renders a content, the others get `RenderBusy` instead of rendering
    it too. Raises `PdfUnavailable`."""
    timeout = timeout or request_timeout()
    html = render_pdf_html(template, context)
    key = hashlib.sha256(html.encode()).hexdigest()
    name, failed = f"{folder}/{key}.pdf", f"{folder}/{key}.failed"
    if default_storage.exists(name):
        return name
    if default_storage.exists(failed) and recent(failed):
        with default_storage.open(failed, "rb") as marker:
            code = marker.read().decode() or "error"
        raise RenderFailed(f"An earlier render of {name} failed.", code)
    lock = f"pdf-rendering:{key}"
    if not cache.add(lock, True, timeout + 5):
        raise RenderBusy(f"{name} is being rendered by another request.")
    try:
        try:
            rendered = write_pdf_limited(html, base_url=base_url or PDF_BASE_URL, timeout=timeout)
        except PdfUnavailable as error:
            logger.warning("PDF %s not made (%s): %s", name, error.code, error)
            default_storage.delete(failed)
            default_storage.save(failed, ContentFile(error.code.encode()))
            raise
        saved = default_storage.save(name, ContentFile(rendered.pdf))
    finally:
        cache.delete(lock)
    if saved != name:  # the same content stored meanwhile (another worker, no shared cache)
        default_storage.delete(saved)
    for other in default_storage.listdir(folder)[1]:
        if other != posixpath.basename(name):  # older contents, and this one's failure
            default_storage.delete(f"{folder}/{other}")
    return name


def recent(name: str) -> bool:
    try:
        modified = default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return True
    return (timezone.now() - modified).total_seconds() < FAILURE_RETRY_SECONDS


# Seconds a visitor is asked to wait when the PDF is being made for someone else.
BUSY_RETRY_AFTER = 15


def unavailable_response(
    request,
    *,
    back_url: str,
    back_label: str,
    error: PdfUnavailable | None = None,
    reason="",
    failed_at=None,
    hint="",
):
    """The page shown instead of a PDF that could not be made: "not available" in the
    visitor's language (a 404: the document exists as a page, its PDF does not) with a link
    back to that page, and for staff (`reason` given) why, with `hint` on what makes it try
    again. When `error` is `RenderBusy` (the same PDF being made for another visitor), a
    503 that asks to come back in a few seconds, without reloading by itself."""
    busy = isinstance(error, RenderBusy)
    context = {
        "back_url": back_url,
        "back_label": back_label,
        "busy": busy,
        "reason": reason,
        "failed_at": failed_at,
        "hint": hint,
    }
    response = render(request, "pdf_unavailable.html", context, status=503 if busy else 404)
    if busy:
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
    return response


# The base URL for documents rendered outside a request (background tasks, downloads): it only
# decides which absolute URLs count as our static files and is never contacted.
PDF_BASE_URL = "https://ogp-portal.invalid/"
