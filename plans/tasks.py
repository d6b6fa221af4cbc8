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

from .models import ActionPlan, PlanPdf, PlanPublication
from .parts import ALL_PLANS, NULL_PLAN_MEANS_ALL, PRINTED_ROWS
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
