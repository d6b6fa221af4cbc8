"""Background work for meetings: emails to members, the minutes PDF. Enqueued by
`meetings.services` after commit (immediate in development and tests)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from .models import Meeting


def member_addresses(meeting: Meeting) -> list[str]:
    """One address per current member of the meeting's body who has one (the person's own
    email, else their account's)."""
    today = timezone.localdate()
    addresses = []
    memberships = meeting.body.memberships.select_related("person__user").order_by("pk")
    for membership in memberships:
        if membership.ends_on and membership.ends_on < today:
            continue
        person = membership.person
        address = person.email or (person.user.email if person.user else "")
        if address and address.lower() not in {a.lower() for a in addresses}:
            addresses.append(address)
    return addresses


@task()
def send_circulated_minutes(meeting_pk: int) -> int:
    """Email the draft minutes notice to each member, one message each (no address sees
    another). Returns how many were sent."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_pk)
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            parts.append(
                render_to_string("meetings/email/minutes_circulated.txt", {"meeting": meeting})
            )
    with translation.override("ar"):
        subject = render_to_string(
            "meetings/email/minutes_circulated_subject.txt", {"meeting": meeting}
        ).strip()
    body = "\n\n----\n\n".join(part.strip() for part in parts)
    sent = 0
    for address in member_addresses(meeting):
        sent += EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
    return sent


@task()
def attach_minutes_pdf(meeting_pk: int, document_pk: int) -> None:
    """Render the published minutes as a PDF and attach it to their repository entry."""
    from plans.models import Document

    from .pdf import minutes_pdf

    meeting = Meeting.objects.for_detail().get(pk=meeting_pk)
    document = Document.objects.get(pk=document_pk)
    with translation.override(document.language or "ar"):
        content = minutes_pdf(meeting)
    document.file.save(f"minutes-{meeting.pk}.pdf", ContentFile(content), save=True)
