"""Background work of consultations, through the Django tasks API (django-tasks).

Enqueued by services only after their transaction commits; the immediate backend runs it
in the request (development, tests), the database backend in `manage.py db_worker`.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from .models import Response


@task()
def notify_commenter(response_pk: int) -> bool:
    """Email the commenter the published response (plain text, Arabic then English).

    Returns False, sending nothing, when there is nobody to tell or the response is no
    longer public (withdrawn, or its comment hidden) by the time the task runs.
    """
    response = (
        Response.objects.select_related("comment", "comment__window", "comment__commitment")
        .filter(pk=response_pk)
        .first()
    )
    if response is None or not response.comment.author_email:
        return False
    if response.comment.public_response is None:
        return False
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            parts.append(
                render_to_string(
                    "consultations/email/response_published.txt",
                    {"response": response, "site_url": getattr(settings, "SITE_URL", "")},
                )
            )
    with translation.override("ar"):
        subject = render_to_string(
            "consultations/email/response_published_subject.txt", {"response": response}
        )
    EmailMessage(
        subject=" ".join(subject.split()),
        body="\n\n-----\n\n".join(parts),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[response.comment.author_email],
    ).send()
    return True


@task()
def notify_member(response_pk: int) -> bool:
    """Email a forum member that the unit answered their remark, with the link to their
    feedback page in the workspace (the answer itself stays there, behind the sign-in).

    Returns False, sending nothing, when the member's account has no email or is gone, or
    the response was taken back to draft by the time the task runs.
    """
    response = (
        Response.objects.select_related("comment__window", "comment__author")
        .filter(pk=response_pk)
        .first()
    )
    if response is None or response.comment.member_response is None:
        return False
    author = response.comment.author
    if author is None or not author.is_active or not author.email:
        return False
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            page_url = site_base() + reverse(
                "manage:member_feedback", kwargs={"pk": response.comment.window_id}
            )
            parts.append(
                render_to_string(
                    "consultations/email/member_response.txt",
                    {"comment": response.comment, "page_url": page_url},
                )
            )
    with translation.override("ar"):
        subject = render_to_string(
            "consultations/email/member_response_subject.txt", {"comment": response.comment}
        )
    EmailMessage(
        subject=" ".join(subject.split()),
        body="\n\n-----\n\n".join(parts),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[author.email],
    ).send()
    return True


# --- Subscriptions -------------------------------------------------------------------------


def site_base(base_url: str = "") -> str:
    """The public site's address for links in emails: SITE_URL, else the one the request
    that enqueued the task was made to."""
    return (getattr(settings, "SITE_URL", "") or base_url).rstrip("/")


def subscriber_email(subscription, *, template: str, context: dict, base_url: str):
    """One email to one subscriber, in their language, with its one-click unsubscribe link
    in the text and in the List-Unsubscribe headers (RFC 2369 / RFC 8058)."""
    from .services import UNSUBSCRIBE_SALT, subscription_token

    base = site_base(base_url)
    token = subscription_token(subscription, salt=UNSUBSCRIBE_SALT)
    with translation.override(subscription.language):
        unsubscribe_url = base + reverse("consultations:unsubscribe", kwargs={"token": token})
        context = {**context, "site_url": base, "unsubscribe_url": unsubscribe_url}
        subject = render_to_string(f"consultations/email/{template}_subject.txt", context)
        body = render_to_string(f"consultations/email/{template}.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@task()
def send_subscription_confirmation(subscription_pk: int, base_url: str = "") -> bool:
    """The double opt-in email: a signed link that confirms the sign-up."""
    from .models import Subscription
    from .services import CONFIRM_SALT, subscription_token

    subscription = Subscription.objects.filter(pk=subscription_pk).first()
    if subscription is None or subscription.is_active:
        return False
    token = subscription_token(subscription, salt=CONFIRM_SALT)
    with translation.override(subscription.language):
        confirm_path = reverse("consultations:subscription_confirm", kwargs={"token": token})
    subscriber_email(
        subscription,
        template="subscription_confirm",
        context={"subscription": subscription, "confirm_url": site_base(base_url) + confirm_path},
        base_url=base_url,
    ).send()
    return True


@task()
def notify_subscribers(kind: str, window_pk: int, base_url: str = "") -> int:
    """Tell every confirmed subscriber that a window opens ("window") or that its report is
    published ("report"). Returns how many emails were sent."""
    from .models import Audience, CommentWindow, Subscription

    window = (
        CommentWindow.objects.select_related("plan")
        .filter(pk=window_pk, audience=Audience.PUBLIC)
        .first()
    )
    if window is None or kind not in ("window", "report"):
        return 0
    subscribers = Subscription.objects.active().filter(
        **({"windows": True} if kind == "window" else {"reports": True})
    )
    template = "window_opening" if kind == "window" else "report_published"
    sent = 0
    for subscription in subscribers.iterator():
        with translation.override(subscription.language):
            path = (
                window.get_absolute_url()
                if kind == "window"
                else reverse("consultations:report", kwargs={"pk": window.pk})
            )
        subscriber_email(
            subscription,
            template=template,
            context={"window": window, "page_url": site_base(base_url) + path},
            base_url=base_url,
        ).send()
        sent += 1
    return sent


# --- Campaign grouping ----------------------------------------------------------------------


@task()
def place_comment_in_group(comment_pk: int) -> int | None:
    """Put a newly arrived comment in its campaign group (`services.place_comment`).
    Returns the group's primary key, or None when the comment matches no other."""
    from .models import Comment
    from .services import place_comment

    comment = Comment.objects.select_related("window").filter(pk=comment_pk).first()
    if comment is None:
        return None
    group = place_comment(comment=comment)
    return group.pk if group else None


@task()
def regroup_window(window_pk: int) -> int:
    """Group a whole window's comments anew (`services.regroup_window`): staff's "group
    again" button and `load_scale_data`. Returns how many comments changed group."""
    from .models import CommentWindow
    from .services import regroup_window as regroup

    window = CommentWindow.objects.filter(pk=window_pk).first()
    return regroup(window=window) if window else 0
