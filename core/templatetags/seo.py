"""Search-engine and sharing links for the <head> of public pages.

    {% load seo %}{% seo_links %}

gives the canonical address of this page (the query string dropped: filters and pages are
views of one page) and an `hreflang` alternate for each language, plus `x-default` (the
Arabic page, the site's first language).
"""

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join

from core.context_processors import page_in_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def seo_links(context):
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    paths = page_in_languages(request)
    alternates = [
        (code, request.build_absolute_uri(paths[code])) for code, _label in settings.LANGUAGES
    ]
    canonical = format_html('<link rel="canonical" href="{}">', request.build_absolute_uri(path))
    links = format_html_join("\n  ", '<link rel="alternate" hreflang="{}" href="{}">', alternates)
    default = format_html('<link rel="alternate" hreflang="x-default" href="{}">', alternates[0][1])
    return format_html("{}\n  {}\n  {}", canonical, links, default)
