"""Agenda discussion text: a small allowlist of HTML, cleaned by nh3 when saved and again
when shown, so a `<script>` or an `onerror` typed or pasted by anyone never reaches a page
or a PDF. Plain text (no tags) keeps its paragraphs.

Text is also bounded when saved (`clean_rich_text`): at most MAX_CHARS characters and
MAX_NESTING elements inside one another. Thousands of nested lists pass any allowlist, yet
no minutes need them, and they make the page and the PDF layout recurse without end."""

from html.parser import HTMLParser

import nh3
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaks_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Elements inside one another (a list in a list item in a list is 3): real minutes use 4 or 5.
MAX_NESTING = 20
# Characters of one discussion: about thirty pages of minutes.
MAX_CHARS = 50_000
VOID_TAGS = {"br"}


def clean_html(value: str) -> str:
    """The HTML of `value` reduced to the allowlist; links get rel=noopener noreferrer."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def render_rich_text(value: str) -> SafeString:
    """Safe HTML for a page: allowlisted HTML as is, plain text as escaped paragraphs."""
    if "<" not in (value or ""):
        return linebreaks_filter(value or "", autoescape=True)
    return mark_safe(clean_html(value))  # noqa: S308 - cleaned by nh3 just above


class NestingDepth(HTMLParser):
    """The deepest nesting of elements in a fragment (no recursion, whatever its depth)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_TAGS:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS:
            self.depth = max(self.depth - 1, 0)


def nesting_depth(html: str) -> int:
    parser = NestingDepth()
    parser.feed(html)
    parser.close()
    return parser.deepest


def clean_rich_text(value: str) -> str:
    """The text to save: plain text as typed, HTML reduced to the allowlist. Raises
    ValidationError (nothing is saved) when it is longer than MAX_CHARS or nested deeper
    than MAX_NESTING. Every form that writes rich text cleans it here."""
    value = value or ""
    if len(value) > MAX_CHARS:
        raise ValidationError(
            _(
                "This text is too long: %(count)s characters, at most %(max)s are accepted."
                " Split it over several agenda items or attach it as a document."
            ),
            code="too_long",
            params={"count": len(value), "max": MAX_CHARS},
        )
    if "<" not in value:
        return value
    cleaned = clean_html(value)
    if nesting_depth(cleaned) > MAX_NESTING:
        raise ValidationError(
            _(
                "This text has lists or formatting nested more than %(max)s levels deep."
                " Flatten it (fewer lists inside lists) and save again."
            ),
            code="too_deep",
            params={"max": MAX_NESTING},
        )
    return cleaned
