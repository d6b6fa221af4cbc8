"""PDF documents (meeting minutes, action plans) rendered by WeasyPrint from templates.

    from core.pdf import render_pdf
    pdf_bytes = render_pdf("meetings/minutes_pdf.html", {"meeting": meeting},
                           base_url=request.build_absolute_uri("/"))

The template extends `pdf/base.html`, which sets up the page (A4, a running header from
`{% block running_header %}`, "page X of Y" in the footer, right to left in Arabic) and
embeds the Noto Naskh Arabic and Noto Sans fonts served from our own static files (the
@fontsource WOFF2 files, which WeasyPrint reads through fontTools + brotli).

**Nothing outside our own static files is ever fetched.** `StaticOnlyFetcher` answers
`<base_url>/static/...` from the static files on disk (never over the network) and `data:`
URIs; everything else (file://, other http(s) hosts, /media/, redirects, ..-paths) is
refused and listed in `fetcher.refused`. So text that staff typed into a document cannot
make the server read a local file or call another machine, even if it got past cleaning.
`base_url` only decides which absolute URLs count as ours; it is never contacted.
"""

import logging
import mimetypes
import multiprocessing
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

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
        with open(found, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        if found.endswith(".woff2"):
            content_type = "font/woff2"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


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


def render_pdf(template: str, context: dict, *, base_url: str) -> bytes:
    """The PDF of `template` rendered with `context`. See the module docstring."""
    fetcher = StaticOnlyFetcher(base_url)
    html = render_to_string(template, {**context, "page_counter_css": page_counter_css()})
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    pdf = document.write_pdf()
    if fetcher.refused:
        logger.warning("PDF %s: refused to fetch %s", template, fetcher.refused)
    return pdf


# --- Rendering with a time limit (used by the plan document; any document may use it) ---

# The longest a render may take, in seconds (settings.PDF_RENDER_TIMEOUT overrides it). A
# 50-commitment plan renders in well under a minute; anything slower is runaway input.
RENDER_TIMEOUT_SECONDS = 120
# The largest HTML accepted, in characters: a bound on work before the clock even starts.
MAX_HTML_CHARS = 8_000_000


class RenderTimeout(RuntimeError):
    """The PDF took longer than its time limit; the render was stopped."""


class RenderFailed(RuntimeError):
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


def _write_in_child(sender, html: str, base_url: str) -> None:
    fetcher = RecordingFetcher(base_url)
    try:
        pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()
    except Exception as error:  # reported to the parent, which raises RenderFailed
        sender.send((None, repr(error), fetcher.requested, fetcher.refused))
    else:
        sender.send((pdf, "", fetcher.requested, fetcher.refused))
    finally:
        sender.close()


def write_pdf_limited(html: str, *, base_url: str, timeout: float | None = None) -> Rendered:
    """WeasyPrint on `html` in a forked child process that is killed after `timeout` seconds
    (a thread could not be stopped). The child only lays out HTML already rendered (it never
    touches the database) and fetches through `StaticOnlyFetcher`. Raises `RenderTimeout` or
    `RenderFailed`."""
    if len(html) > MAX_HTML_CHARS:
        raise RenderFailed(f"The document is too large to print ({len(html)} characters).")
    if timeout is None:
        timeout = getattr(settings, "PDF_RENDER_TIMEOUT", RENDER_TIMEOUT_SECONDS)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_write_in_child, args=(sender, html, base_url), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderTimeout(f"The PDF was not ready after {timeout} seconds.")
        try:
            pdf, error, requested, refused = receiver.recv()
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
        raise RenderFailed(error)
    return Rendered(pdf=pdf, requested=requested, refused=refused)


# The base URL for documents rendered outside a request (background tasks, downloads): it only
# decides which absolute URLs count as our static files and is never contacted.
PDF_BASE_URL = "https://ogp-portal.invalid/"
