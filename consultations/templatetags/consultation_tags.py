"""The consultation block of the public commitment page: the open window's comment form,
the visible comments on that commitment and the reports of its closed windows.

Included by `commitments/commitment_detail.html` as `{% commitment_consultation commitment %}`
so that the commitments app needs no knowledge of consultations. A fixed number of queries
whatever the number of comments (tests/consultations/test_commitment_page.py).
"""

import re
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.templatetags.static import static
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.queries import first_with_total

from ..forms import ChoiceRows, blank_form_html, html_attributes
from ..models import CommentWindow

register = template.Library()

COMMENTS_SHOWN = 20


@register.inclusion_tag("consultations/_commitment_consultation.html", takes_context=True)
def commitment_consultation(context, commitment):
    """The open window's form (without its tokens: the page is cached) or, after a refused
    post, the form as it was sent (`comment_form` in the page's context); the visible
    comments; and the closed windows with their reports. The windows in one query."""
    now = timezone.now()
    windows = list(
        CommentWindow.objects.public()
        .filter(commitments=commitment, opens_at__lte=now)
        .order_by("closes_at")
        .for_links()
    )
    form = context.get("comment_form")
    form_html = ""
    if form is not None:
        window = form.window
    else:
        window = next((w for w in windows if w.is_open(now)), None)
        if window is not None:
            # The page has read the commitment's milestones already.
            choices = ChoiceRows.read([commitment], commitment.milestones.all())
            form_html = blank_form_html(window=window, choices=choices, commitment=commitment)
    # Through the commitment's own manager: each comment's `commitment` is this one, with
    # no join.
    comments, total = first_with_total(commitment.comments.for_public_list(), COMMENTS_SHOWN)
    return {
        "request": context.get("request"),
        "commitment": commitment,
        "window": window,
        "days_left": window.days_left(now) if window else None,
        "form": form,
        "form_html": form_html,
        "form_error": context.get("form_error", ""),
        "notice": context.get("notice", ""),
        "comments": comments,
        "total": total,
        "closed_windows": [w for w in reversed(windows) if w.state_at(now) == "closed"],
        "LANG": context.get("LANG"),
    }


@register.inclusion_tag("consultations/_consultation_reports.html")
def consultation_reports(plan):
    """The closed public consultations of a plan, each with its "you said, we did" report:
    shown on the meeting page (the commitment page has them from `commitment_consultation`,
    the plan pages from `public.home.window_lists`). One query."""
    if plan is None:  # a meeting of no plan
        return {"closed_windows": []}
    windows = CommentWindow.objects.public().filter(plan=plan, closes_at__lte=timezone.now())
    return {"closed_windows": list(windows.order_by("-closes_at").for_links())}


# A widget's attributes as HTML (the comment form's honeypot; its other fields get theirs
# from `CommentForm.shown_fields`).
register.filter("html_attributes", html_attributes)


# A run of digits broken by spaces, dashes or dots, or led by "+" (a phone number, a
# reference): inside Arabic text the bidirectional algorithm would reverse its groups
# ("+962 6 4644466" read as "4644466 6 962+"), so it is isolated left to right.
NUMBER_RUN = re.compile(r"(?:\+\d[\d .\-/]*\d|\d+(?:[ .\-/]\d+)+)")


@register.filter(is_safe=True, needs_autoescape=False)
def isolated_text(value) -> str:
    """A citizen's plain text as paragraphs, escaped, with its number runs isolated."""
    html = NUMBER_RUN.sub(
        lambda match: f'<bdi dir="ltr">{match.group(0)}</bdi>', escape(value or "")
    )
    return mark_safe(linebreaks_filter(mark_safe(html), autoescape=False))  # noqa: S308


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


def page_url(context) -> str:
    """The address of the page being rendered, as a shared post links to it."""
    request = context.get("request")
    return absolute_url(request, request.path if request is not None else "/")


def share_context(context, *, title: str, description: str) -> dict:
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "title": title,
        "description": Truncator(" ".join(description.split())).chars(200),
        "url": page_url(context),
        "image": absolute_url(context.get("request"), static(SHARE_IMAGE)),
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


def commitment_title(commitment) -> str:
    return _("Commitment %(number)s: %(title)s") % {
        "number": commitment.number,
        "title": commitment.title,
    }


def commitment_share(context, commitment) -> dict:
    description = _(
        "A commitment of Jordan's national action plan in the Open Government Partnership:"
        " read it, follow its progress and comment while it is open for consultation."
    )
    return share_context(context, title=commitment_title(commitment), description=description)


@register.inclusion_tag("consultations/_share_meta.html", takes_context=True)
def window_share_meta(context, window):
    return window_share(context, window)


@register.inclusion_tag("consultations/_share_meta.html", takes_context=True)
def commitment_share_meta(context, commitment):
    return commitment_share(context, commitment)


def share_links(url: str, title: str) -> dict:
    """Each network's share page for `url`, with `title` where it takes a text: all that the
    share links show (the card's description and image are the meta tags')."""
    return {
        "url": url,
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "x": "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": title}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{title} {url}"}),
    }


@register.inclusion_tag("consultations/_share_links.html", takes_context=True)
def window_share_links(context, window):
    return share_links(page_url(context), window.title)


@register.inclusion_tag("consultations/_share_links.html", takes_context=True)
def commitment_share_links(context, commitment):
    return share_links(page_url(context), commitment_title(commitment))
