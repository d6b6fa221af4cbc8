"""Background rendering of the plan document (django-tasks: immediate in development and
tests, the database worker in production). Enqueued after commit by `plans.services` and
by the download views when the PDF of the current content is not stored yet."""

import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from .models import ActionPlan, PlanPdf, PlanPublication
from .pdf import content_key, plan_snapshots, render_snapshot

logger = logging.getLogger(__name__)


def store_draft_pdf(plan: ActionPlan, language: str, audience: str) -> PlanPdf:
    """The stored draft PDF of the plan's current content, rendering it only when no PDF
    of exactly this content exists; older drafts of the same plan and language go."""
    snapshot = plan_snapshots(plan, audience=audience, languages=[language])[language]
    key = content_key(snapshot)
    existing = PlanPdf.objects.filter(
        plan=plan, language=language, audience=audience, content_key=key
    ).first()
    if existing is not None:
        return existing
    rendered = render_snapshot(snapshot)
    name = f"draft-{plan.number}-{language}-{audience}-{key[:16]}.pdf"
    try:
        with transaction.atomic():
            cached = PlanPdf(
                plan=plan,
                language=language,
                audience=audience,
                content_key=key,
                size=len(rendered.pdf),
            )
            cached.file.save(name, ContentFile(rendered.pdf), save=False)
            cached.save()
    except IntegrityError:  # another worker stored the same content meanwhile
        cached.file.delete(save=False)
        return PlanPdf.objects.get(plan=plan, language=language, audience=audience, content_key=key)
    for old in PlanPdf.objects.filter(plan=plan, language=language, audience=audience).exclude(
        pk=cached.pk
    ):
        old.file.delete(save=False)
        old.delete()
    return cached


@task()
def render_draft_pdf(plan_pk: int, language: str, audience: str) -> str:
    """Render (if needed) the draft PDF of a plan's current content; returns its key."""
    plan = ActionPlan.objects.get(pk=plan_pk)
    return store_draft_pdf(plan, language, audience).content_key


@task()
def render_publication_pdf(publication_pk: int) -> int:
    """Render a published version from its frozen snapshot, once. Returns its size."""
    publication = PlanPublication.objects.select_related("plan").get(pk=publication_pk)
    if publication.file:
        return publication.size
    rendered = render_snapshot(publication.snapshot)
    plan = publication.plan
    name = f"plan-{plan.number}-v{publication.number}-{publication.language}.pdf"
    publication.file.save(name, ContentFile(rendered.pdf), save=False)
    publication.size = len(rendered.pdf)
    publication.rendered_at = timezone.now()
    publication.save(update_fields=["file", "size", "rendered_at"])
    logger.info(
        "Plan %s version %s (%s) rendered", plan.number, publication.number, publication.language
    )
    return publication.size
