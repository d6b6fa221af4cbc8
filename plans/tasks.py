"""Background rendering of the plan document (django-tasks: immediate in development and
tests, the database worker in production). A stored draft is rendered again after commit
when a row it prints is written (see "Keeping the stored drafts current" below); a first
draft is rendered when someone downloads it; a final version once, when published."""

import logging
import threading

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from core.pdf import PdfUnavailable

from .models import ActionPlan, PlanPdf, PlanPublication
from .parts import ALL_PLANS, NULL_PLAN_MEANS_ALL, PRINTED_ROWS
from .pdf import content_key, plan_snapshots, render_snapshot

logger = logging.getLogger(__name__)


def store_draft_pdf(plan: ActionPlan, language: str, audience: str) -> PlanPdf:
    """The stored draft PDF of the plan's current content, rendering it only when no PDF
    of exactly this content exists; older drafts of the same plan and language go.

    A render that fails (time or memory limit, text nested too deeply, see `core.pdf`) is
    stored too, as a row without a file that says why: the public then reads "not
    available" and staff the reason, instead of waiting for a PDF that never comes. The
    downloads never render a failed content again; this function does, so an edit (whose
    refresh calls it, see below) retries."""
    snapshot = plan_snapshots(plan, audience=audience, languages=[language])[language]
    key = content_key(snapshot)
    lookup = {"plan": plan, "language": language, "audience": audience, "content_key": key}
    existing = PlanPdf.objects.filter(**lookup).first()
    if existing is not None and not existing.failure:
        return existing
    try:
        rendered = render_snapshot(snapshot)
    except PdfUnavailable as error:
        logger.warning(
            "Plan %s draft (%s, %s) not rendered (%s): %s",
            plan.number,
            language,
            audience,
            error.code,
            error,
        )
        stored = record_draft_failure(lookup, error.code)
    else:
        stored = store_rendered_draft(lookup, rendered.pdf)
    for old in PlanPdf.objects.filter(plan=plan, language=language, audience=audience).exclude(
        pk=stored.pk
    ):
        if old.file:
            old.file.delete(save=False)
        old.delete()
    return stored


def store_rendered_draft(lookup: dict, pdf: bytes) -> PlanPdf:
    name = "draft-{number}-{language}-{audience}-{key}.pdf".format(
        number=lookup["plan"].number,
        language=lookup["language"],
        audience=lookup["audience"],
        key=lookup["content_key"][:16],
    )
    cached = PlanPdf(**lookup, size=len(pdf))
    cached.file.save(name, ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            # A failed earlier attempt at this content gives way to its PDF.
            PlanPdf.objects.filter(**lookup).exclude(failure="").delete()
            cached.save()
    except IntegrityError:  # another worker stored the same content meanwhile
        cached.file.delete(save=False)
        return PlanPdf.objects.get(**lookup)
    return cached


def record_draft_failure(lookup: dict, code: str) -> PlanPdf:
    now = timezone.now()
    failed, created = PlanPdf.objects.get_or_create(
        **lookup, defaults={"failure": code, "failed_at": now, "rendered_at": now}
    )
    if not created and failed.failure:
        failed.failure, failed.failed_at = code, now
        failed.save(update_fields=["failure", "failed_at"])
    return failed


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
    plan = publication.plan
    try:
        rendered = render_snapshot(publication.snapshot)
    except PdfUnavailable as error:
        # Recorded, so the version reads "not available" (with the reason for staff)
        # instead of "being prepared"; enqueueing this task again retries.
        logger.warning(
            "Plan %s version %s (%s) not rendered (%s): %s",
            plan.number,
            publication.number,
            publication.language,
            error.code,
            error,
        )
        publication.failure, publication.failed_at = error.code, timezone.now()
        publication.save(update_fields=["failure", "failed_at"])
        return 0
    name = f"plan-{plan.number}-v{publication.number}-{publication.language}.pdf"
    publication.file.save(name, ContentFile(rendered.pdf), save=False)
    publication.size = len(rendered.pdf)
    publication.rendered_at = timezone.now()
    publication.failure, publication.failed_at = "", None
    publication.save(update_fields=["file", "size", "rendered_at", "failure", "failed_at"])
    logger.info(
        "Plan %s version %s (%s) rendered", plan.number, publication.number, publication.language
    )
    return publication.size


# --- Keeping the stored drafts current -----------------------------------------------------
#
# A stored draft goes stale when a row it prints is written. The signal handlers of
# `plans.apps` (connected to every save, like the page cache's, so the admin,
# the importers and the services are all covered) pass every saved or deleted domain row
# to `printed_row_changed`; once the transaction commits, each (language, audience) of the
# touched plans that has a stored PDF is rendered again in the background. A plan nobody
# downloaded has no stored PDF and costs one query per transaction; unchanged content is
# not rendered again (`store_draft_pdf` compares content keys).

# Past this many rows waiting in one transaction (a large import), every plan is checked.
MAX_PENDING_LOOKUPS = 200


class ChangedRows:
    """The printed rows written since the last commit of this thread, resolved to plans
    after commit (no query at save time)."""

    def __init__(self):
        self.all_plans = False
        self.plan_ids: set[int] = set()
        # (model, path to the plan, null means all) -> primary keys to look up
        self.lookups: dict[tuple, set] = {}

    def __bool__(self):
        return self.all_plans or bool(self.plan_ids) or bool(self.lookups)

    def add(self, instance) -> None:
        label = instance._meta.label_lower
        path = PRINTED_ROWS.get(label)
        if path is None:
            return
        null_means_all = label in NULL_PLAN_MEANS_ALL
        if path == ALL_PLANS:
            self.all_plans = True
            return
        if path == "id":
            self.plan_ids.add(instance.pk)
            return
        first, _sep, rest = path.partition("__")
        value = getattr(instance, f"{first}_id", None)
        if not rest:
            if value is not None:
                self.plan_ids.add(value)
            elif null_means_all:
                self.all_plans = True
            return
        if value is None:
            return
        model = instance._meta.get_field(first).related_model
        self.lookups.setdefault((model, rest, null_means_all), set()).add(value)
        if sum(len(pks) for pks in self.lookups.values()) > MAX_PENDING_LOOKUPS:
            self.all_plans = True
            self.lookups.clear()

    def plans(self, candidates: set[int]) -> set[int]:
        """The plans among `candidates` that these rows belong to."""
        if self.all_plans:
            return candidates
        found = self.plan_ids & candidates
        for (model, path, null_means_all), pks in self.lookups.items():
            for plan_id in model._default_manager.filter(pk__in=pks).values_list(path, flat=True):
                if plan_id is None and null_means_all:
                    return candidates
                if plan_id in candidates:
                    found.add(plan_id)
        return found


_changes = threading.local()


def pending_changes() -> ChangedRows:
    if getattr(_changes, "rows", None) is None:
        _changes.rows = ChangedRows()
    return _changes.rows


def printed_row_changed(instance) -> None:
    """Note a saved or deleted row; after commit, the stored drafts showing it are rendered
    again. Every row asks for the same after-commit step: the first to run takes all the
    rows of the transaction, the others find nothing left (so a transaction enqueues each
    draft once, and a rolled-back savepoint never loses the rows of its transaction)."""
    if instance._meta.label_lower not in PRINTED_ROWS or type(instance).__module__ == "__fake__":
        return  # not printed, or a data migration's historical model
    pending_changes().add(instance)
    transaction.on_commit(refresh_stored_drafts, robust=True)


def refresh_stored_drafts() -> int:
    """Enqueue the re-render of every stored draft of the plans written to since the last
    commit. Returns how many renders were enqueued."""
    rows = pending_changes()
    if not rows:
        return 0
    _changes.rows = ChangedRows()
    stored = set(PlanPdf.objects.values_list("plan_id", "language", "audience"))
    if not stored:
        return 0
    plans = rows.plans({plan_id for plan_id, _language, _audience in stored})
    enqueued = 0
    for plan_id, language, audience in sorted(stored):
        if plan_id in plans:
            render_draft_pdf.enqueue(plan_id, language, audience)
            enqueued += 1
    return enqueued
