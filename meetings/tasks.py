"""Background work for meetings: emails to members, the minutes PDF. Enqueued by
`meetings.services` after commit (immediate in development and tests)."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from core.pdf import PdfUnavailable, background_timeout

from .models import Meeting

logger = logging.getLogger(__name__)


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
def attach_minutes_pdf(meeting_pk: int, document_pk: int) -> bool:
    """Render the published minutes as a PDF in each language, in the background and under
    the PDF limits, and attach the document's language to their repository entry. The
    public download then serves these stored files instead of rendering. Minutes that
    cannot be printed (`core.pdf.PdfUnavailable`, remembered by `stored_pdf`) keep an
    entry that links to their page, and their download says "not available". Returns
    whether the file was attached."""
    from plans.models import Document

    from .pdf import stored_minutes_pdf

    meeting = Meeting.objects.for_detail().get(pk=meeting_pk)
    document = Document.objects.get(pk=document_pk)
    names = {}
    for language, _label in settings.LANGUAGES:
        with translation.override(language):
            try:
                names[language] = stored_minutes_pdf(meeting, timeout=background_timeout())
            except PdfUnavailable as error:
                logger.warning(
                    "Minutes of meeting %s (%s) not printed (%s): %s",
                    meeting.pk,
                    language,
                    error.code,
                    error,
                )
    name = names.get(document.language or "ar")
    if name is None:
        return False
    with default_storage.open(name, "rb") as stored:
        document.file.save(f"minutes-{meeting.pk}.pdf", ContentFile(stored.read()), save=True)
    return True
