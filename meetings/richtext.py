"""Agenda discussion text: a small allowlist of HTML, cleaned by nh3 when saved and again
when shown, so a `<script>` or an `onerror` typed or pasted by anyone never reaches a page
or a PDF. Plain text (no tags) keeps its paragraphs."""

import nh3
from django.template.defaultfilters import linebreaks_filter
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}


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
