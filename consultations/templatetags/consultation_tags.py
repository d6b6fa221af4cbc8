"""The consultation block of the public commitment page: the open window's comment form and
the visible comments on that commitment.

Included by `commitments/commitment_detail.html` as `{% commitment_consultation commitment %}`
so that the commitments app needs no knowledge of consultations. A fixed number of queries
whatever the number of comments (tests/consultations/test_commitment_page.py).
"""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..forms import CommentForm
from ..models import Comment, CommentWindow

register = template.Library()

COMMENTS_SHOWN = 20


@register.inclusion_tag("consultations/_commitment_consultation.html", takes_context=True)
def commitment_consultation(context, commitment):
    now = timezone.now()
    window = (
        CommentWindow.objects.public()
        .open_at(now)
        .filter(commitments=commitment)
        .order_by("closes_at")
        .first()
    )
    visible = Comment.objects.filter(commitment=commitment).for_public_list()
    comments = list(visible[:COMMENTS_SHOWN])
    total = visible.count()
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "commitment": commitment,
        "window": window,
        "days_left": window.days_left(now) if window else None,
        "form": CommentForm(window=window, commitment=commitment) if window else None,
        "comments": comments,
        "total": total,
        "LANG": context.get("LANG"),
    }


# --- Sharing: Open Graph / X card tags and plain share links (no third-party script) -----

SHARE_IMAGE = "img/share-card.png"
SHARE_IMAGE_SIZE = (1200, 630)
OG_LOCALES = {"ar": "ar_JO", "en": "en_GB"}


def absolute_url(request, path: str) -> str:
    """`path` on the public site: SITE_URL when set (behind proxies the request's host may be
    an internal name), else the request's own scheme and host."""
    if path.startswith(("http://", "https://")):
        return path
    site = getattr(settings, "SITE_URL", "")
    if site:
        return site + path
    return request.build_absolute_uri(path) if request is not None else path


def share_context(context, *, title: str, description: str) -> dict:
    request = context.get("request")
    path = request.path if request is not None else "/"
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(200),
        "url": absolute_url(request, path),
        "image": absolute_url(request, static(SHARE_IMAGE)),
        "image_width": SHARE_IMAGE_SIZE[0],
        "image_height": SHARE_IMAGE_SIZE[1],
        "locale": OG_LOCALES.get(language[:2], "ar_JO"),
        "site_name": _("Open Government Partnership – Jordan"),
    }


def window_share(context, window) -> dict:
    description = window.description or _(
        "A public consultation on Jordan's national action plan: read the drafts and have"
        " your say until the end of %(last_day)s."
    ) % {"last_day": date_format(window.last_day)}
    return share_context(context, title=window.title, description=description)


def commitment_share(context, commitment) -> dict:
    title = _("Commitment %(number)s: %(title)s") % {
        "number": commitment.number,
        "title": commitment.title,
    }
    description = _(
        "A commitment of Jordan's national action plan in the Open Government Partnership:"
        " read it, follow its progress and comment while it is open for consultation."
    )
    return share_context(context, title=title, description=description)


@register.inclusion_tag("consultations/_share_meta.html", takes_context=True)
def window_share_meta(context, window):
    return window_share(context, window)


@register.inclusion_tag("consultations/_share_meta.html", takes_context=True)
def commitment_share_meta(context, commitment):
    return commitment_share(context, commitment)


def with_links(share: dict) -> dict:
    url, title = share["url"], share["title"]
    return share | {
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "x": "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{title} {url}"}),
    }


@register.inclusion_tag("consultations/_share_links.html", takes_context=True)
def window_share_links(context, window):
    return with_links(window_share(context, window))


@register.inclusion_tag("consultations/_share_links.html", takes_context=True)
def commitment_share_links(context, commitment):
    return with_links(commitment_share(context, commitment))
