from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language_bidi, get_language_info, override

from .i18n import active_language
from .page_cache import page_query


def page_in_languages(request) -> dict[str, str]:
    """This page's path in each language (no query string), worked out once per request.

    What `translate_url(request.path, code)` gives, from the request's own URL match rather
    than resolving the path again: `language_links` and `{% seo_links %}` both need it, and
    three resolve-and-reverse rounds cost a tenth of a millisecond each on every page."""
    paths = getattr(request, "_page_in_languages", None)
    if paths is None:
        paths = {code: path_in_language(request, code) for code, _name in settings.LANGUAGES}
        request._page_in_languages = paths
    return paths


def path_in_language(request, code: str) -> str:
    path = escape_uri_path(request.path)
    match = getattr(request, "resolver_match", None)
    if match is None:  # an error page rendered before or without URL resolution
        return translate_url(path, code)
    if not match.url_name:
        return path
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path


def language_links(request):
    """`lang`/`dir` for <html>, and a link to this same page in each other language."""
    current = active_language()
    paths = page_in_languages(request)
    query_string = page_query(request)
    query = f"?{query_string}" if query_string else ""
    others = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": paths[code] + query,
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]
    return {
        "LANG": current,
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "other_languages": others,
    }
