"""Public downloads of the plan document: a published final version (frozen, served from
storage) and, while the plan is being prepared, the draft of its published commitments
(rendered in the background when its content changes, then served from storage)."""

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.i18n import LANGUAGE_CODES
from core.page_cache import generation
from core.pdf import unavailable_response

from . import tasks
from .models import ActionPlan, PdfAudience, PlanPdf, PlanPublication, on_public_plan
from .pdf import content_key, plan_snapshots

# Seconds a browser waits before asking again for a PDF still being rendered.
RETRY_AFTER = 15
# A plan PDF is a few hundred KB: read and sent in one or two blocks.
PDF_BLOCK_SIZE = 512 * 1024
# What `published_file` answers for a version whose render failed (never a storage name:
# those end in ".pdf").
FAILED = "failed"
# How long the storage name of a published version stays in the shared cache.
FINAL_FILE_SECONDS = 24 * 3600
# Plan numbers are unique per country only: the public site shows this country's plans.


def public_plans():
    return ActionPlan.objects.public()


def check_language(language: str) -> str:
    if language not in LANGUAGE_CODES:
        raise Http404
    return language


def pdf_response(field_file, filename: str) -> FileResponse:
    response = FileResponse(
        field_file.open("rb"), content_type="application/pdf", filename=filename
    )
    response.block_size = PDF_BLOCK_SIZE
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pending_response(request, plan: ActionPlan):
    """The PDF is being rendered by the worker: say so, and let the browser retry. Only
    while a render is due: a render that failed is recorded and answered by
    `failed_response`, so this page never loops for ever."""
    response = render(request, "plans/pdf_pending.html", {"plan": plan}, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


def failed_response(request, plan: ActionPlan, stored, *, staff: bool):
    """A PDF whose render failed (`stored`: a PlanPdf or PlanPublication with `failure`):
    "not available" for the public; staff also read why and what makes it try again."""
    if not staff:
        return unavailable_response(
            request, back_url=plan.get_absolute_url(), back_label=plan.title
        )
    hint = (
        _("The draft is made again when the plan or a row it prints is next edited.")
        if isinstance(stored, PlanPdf)
        else _("“Make the PDFs again” on the plan document page tries this version again.")
    )
    return unavailable_response(
        request,
        back_url=reverse("manage:plan_document", args=[plan.number]),
        back_label=plan.title,
        reason=stored.failure_reason,
        failed_at=stored.failed_at,
        hint=hint,
    )


def draft_response(request, plan: ActionPlan, language: str, audience: str, *, staff: bool):
    """The draft PDF of the plan's current content: the file, "being made" while its render
    is due, or "not available" when it failed."""
    cached = current_draft(plan, language, audience)
    if cached is None:
        return pending_response(request, plan)
    if cached.failure:
        return failed_response(request, plan, cached, staff=staff)
    return pdf_response(cached.file, draft_filename(plan, language))


def current_draft(plan: ActionPlan, language: str, audience: str) -> PlanPdf | None:
    """The stored PDF of the plan's current content (a row with `failure` set when its
    render failed: not tried again from here); when there is none, rendering is enqueued
    (immediate in development: it is then there on return)."""
    snapshot = plan_snapshots(plan, audience=audience, languages=[language])[language]
    key = content_key(snapshot)
    lookup = {"plan": plan, "language": language, "audience": audience, "content_key": key}
    cached = PlanPdf.objects.filter(**lookup).first()
    if cached is None:
        # A GET runs outside any transaction: nothing to wait for before enqueueing.
        tasks.render_draft_pdf.enqueue(plan.pk, language, audience)
        cached = PlanPdf.objects.filter(**lookup).first()
    return cached


def draft_filename(plan: ActionPlan, language: str) -> str:
    return f"action-plan-{plan.number}-draft-{language}.pdf"


def publication_filename(publication: PlanPublication) -> str:
    return f"action-plan-{publication.plan.number}-v{publication.number}-{publication.language}.pdf"


@require_safe
def draft_pdf(request, number: int, language: str):
    """The draft plan document of a public plan (published commitments only)."""
    check_language(language)
    plan = public_plans().filter(number=number).first()
    if plan is None:
        raise Http404
    return draft_response(request, plan, language, PdfAudience.PUBLIC, staff=False)


def published_file(number: int, version: int, language: str) -> str | None:
    """The storage name of a public plan's rendered final version ("" while it renders,
    FAILED when its render failed), None when there is no such version. A published
    version never changes, and anything else that could (the plan taken off the public
    site) moves the public pages' generation, so a storage name is kept in the shared cache
    under that generation: serving a stored PDF then costs no database query."""
    key = f"plan-final-pdf:{generation()}:{settings.OGP_COUNTRY_CODE}:{number}:{version}:{language}"
    name = cache.get(key)
    if name is None:
        publication = (
            PlanPublication.objects.filter(
                on_public_plan(),
                plan__number=number,
                number=version,
                language=language,
            )
            .values_list("file", "failure")
            .first()
        )
        if publication is None:
            return None
        name, failure = publication
        if name:
            cache.set(key, name, FINAL_FILE_SECONDS)
        elif failure:
            name = FAILED
    return name


@require_safe
def final_pdf(request, number: int, version: int, language: str):
    """A published final version, exactly as published (its stored file)."""
    check_language(language)
    name = published_file(number, version, language)
    if name is None:
        raise Http404
    if not name:
        return pending_response(request, public_plans().get(number=number))
    if name == FAILED:
        plan = public_plans().get(number=number)
        return unavailable_response(
            request, back_url=plan.get_absolute_url(), back_label=plan.title
        )
    response = FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"action-plan-{number}-v{version}-{language}.pdf",
    )
    response.block_size = PDF_BLOCK_SIZE
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Built once (the plan page is the public site's busiest uncached page; see
# public.home.PUBLIC_PLANS). A draft whose render failed has no size to show.
RENDERED_VERSIONS = (
    PlanPublication.objects.rendered().order_by("number").values_list("language", "number", "size")
)
PUBLIC_DRAFT_SIZES = (
    PlanPdf.objects.filter(audience=PdfAudience.PUBLIC, failure="")
    .order_by()
    .values_list("language", "size")
)


def public_document_links(plan: ActionPlan) -> list[dict]:
    """The plan page's download links, one per language: the newest final version when one
    is published, else the draft (its size unknown until its first download). Two small
    queries: the plan's rendered versions, and its public drafts (at most one stored per
    language, `tasks.store_draft_pdf` deletes the older)."""
    finals = {}
    for language, number, size in RENDERED_VERSIONS.filter(plan=plan):
        finals[language] = (number, size)  # ordered by number: the newest stays
    drafts = dict(PUBLIC_DRAFT_SIZES.filter(plan=plan))
    links = []
    for code, label in settings.LANGUAGES:
        if code in finals:
            version, size = finals[code]
            links.append(
                {
                    "language": label,
                    "code": code,
                    "final": True,
                    "version": version,
                    "size": size,
                    "url": reverse("plans:final_pdf", args=[plan.number, version, code]),
                }
            )
        else:
            links.append(
                {
                    "language": label,
                    "code": code,
                    "final": False,
                    "size": drafts.get(code),
                    "url": reverse("plans:draft_pdf", args=[plan.number, code]),
                }
            )
    return links
