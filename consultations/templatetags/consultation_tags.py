"""The consultation block of the public commitment page: the open window's comment form and
the visible comments on that commitment.

Included by `commitments/commitment_detail.html` as `{% commitment_consultation commitment %}`
so that the commitments app needs no knowledge of consultations. A fixed number of queries
whatever the number of comments (tests/consultations/test_commitment_page.py).
"""

from django import template
from django.utils import timezone

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
