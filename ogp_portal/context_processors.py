from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_bidi, get_language_info

from .i18n import active_language


def language_links(request):
    """`lang`/`dir` for <html>, and a link to this same page in each other language."""
    current = active_language()
    others = [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(request.get_full_path(), code),
        }
        for code, _name in settings.LANGUAGES
        if code != current
    ]
    return {
        "LANG": current,
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "other_languages": others,
    }
