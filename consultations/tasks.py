"""Background work of consultations, through the Django tasks API (django-tasks).

Enqueued by services only after their transaction commits; the immediate backend runs it
in the request (development, tests), the database backend in `manage.py db_worker`.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
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
