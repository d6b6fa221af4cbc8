from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.diffs import changed, word_diff
from core.i18n import DIRECTIONS, LANGUAGE_CODES, active_language, languages_in_order
from plans.models import Organisation, Sector

from .models import (
    ADDITIONAL_TEXT_NAMES,
    OGP_VALUE_FIELDS,
    TEMPLATE_TEXT_NAMES,
    Commitment,
    Milestone,
    fingerprint,
)

# What "what changed since the draft" compares: the public parts of the OGP template.
# The contact fields are private and never compared here.
PUBLIC_TEXT_NAMES = TEMPLATE_TEXT_NAMES + ADDITIONAL_TEXT_NAMES
PUBLIC_MILESTONE_TEXT = ["title", "expected_output"]
PUBLIC_MILESTONE_FACTS = ["starts_on", "ends_on", "weight"]


def institutions_by_sector(organisations) -> list[tuple[str, list]]:
    """(sector label, organisations) pairs in the order sectors are declared."""
    groups: dict[str, list] = {}
    for organisation in organisations:
        groups.setdefault(organisation.sector, []).append(organisation)
    return [(sector.label, groups[sector.value]) for sector in Sector if sector.value in groups]


@require_safe
def commitment_detail(request, plan_number: int, number: int):
    """One published commitment in the OGP template, with its milestones and progress."""
    commitment = get_object_or_404(
        Commitment.objects.published().for_public_page(),
        plan__number=plan_number,
        number=number,
    )
    return render(request, "commitments/commitment_detail.html", detail_context(commitment))


def detail_context(commitment: Commitment) -> dict:
    """What the commitment page shows of `commitment` (loaded `for_public_page()`); also
    used by a refused comment, which comes back on this page."""
    milestones = list(commitment.milestones.all())
    return {
        "commitment": commitment,
        "plan": commitment.plan,
        "milestones": milestones,
        "total_weight": sum(milestone.weight for milestone in milestones),
        "supporting_by_sector": institutions_by_sector(commitment.supporting_institutions.all()),
        "policy_areas": list(commitment.policy_areas.all()),
        "ogp_values": [capfirst(str(value)) for value in commitment.ogp_values],
        # The template's texts it has, each under its heading (relevance is with the values).
        "sections": [
            (name, heading)
            for name, heading in commitment.text_sections()
            if getattr(commitment, name)
        ],
        "changed_since_draft": changed_since_draft(commitment),
    }


# --- what changed since the draft ----------------------------------------------------


def shown(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, (list, tuple)):
        separator = "، " if active_language() == "ar" else ", "
        return separator.join(str(item) for item in value)
    return str(formats.localize(value))


def label_of(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def change_row(label: str, old, new, code: str | None = None) -> dict | None:
    before, after = shown(old), shown(new)
    if not changed(before, after):
        return None
    return {
        "label": label,
        "diff": word_diff(before, after),
        "lang": code or "",
        "dir": DIRECTIONS[code] if code else "auto",
    }


def ogp_value_labels(record) -> list[str]:
    return [
        str(Commitment._meta.get_field(flag).verbose_name)
        for flag in OGP_VALUE_FIELDS
        if getattr(record, flag)
    ]


def milestones_when(commitment: Commitment, moment) -> dict:
    """{milestone id: its history row} as the milestones stood at `moment` (one query)."""
    rows = Milestone.history.filter(commitment_id=commitment.pk, history_date__lte=moment).order_by(
        "history_date", "history_id"
    )
    latest = {}
    for row in rows:
        latest[row.id] = row
    return {key: row for key, row in latest.items() if row.history_type != "-"}


def milestone_rows(old: dict, new: dict) -> list[dict]:
    """Changes to the milestones, matched by milestone; one added or removed shows whole."""
    rows = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: ((new.get(k) or old[k]).number, k)):
        before, after = old.get(key), new.get(key)
        number = (after or before).number
        for name in PUBLIC_MILESTONE_TEXT:
            for code in languages_in_order():
                field = f"{name}_{code}"
                label = _("Milestone %(number)s: %(field)s") % {
                    "number": number,
                    "field": label_of(Milestone, field),
                }
                row = change_row(label, getattr(before, field, ""), getattr(after, field, ""), code)
                if row:
                    rows.append(row)
        for name in PUBLIC_MILESTONE_FACTS:
            label = _("Milestone %(number)s: %(field)s") % {
                "number": number,
                "field": label_of(Milestone, name),
            }
            row = change_row(label, getattr(before, name, ""), getattr(after, name, ""))
            if row:
                rows.append(row)
    return rows


def draft_changes(commitment: Commitment) -> dict:
    """The public text of the commitment as first published, compared with its text now:
    one row per changed field, page language first. Milestones must be prefetched; runs two
    queries (three when the lead institution changed)."""
    first = (
        commitment.history.filter(is_published=True).order_by("history_date", "history_id").first()
    )
    if first is None:
        return {"first": None, "rows": []}
    rows = []
    for code in languages_in_order():
        for name in PUBLIC_TEXT_NAMES:
            field = f"{name}_{code}"
            row = change_row(
                label_of(Commitment, field), getattr(first, field), getattr(commitment, field), code
            )
            if row:
                rows.append(row)
    facts = [
        (_("Relevance to OGP values"), ogp_value_labels(first), ogp_value_labels(commitment)),
        (label_of(Commitment, "sdgs"), first.sdgs, commitment.sdgs),
        (label_of(Commitment, "starts_on"), first.starts_on, commitment.starts_on),
        (label_of(Commitment, "ends_on"), first.ends_on, commitment.ends_on),
    ]
    if first.lead_institution_id != commitment.lead_institution_id:
        earlier = Organisation.objects.filter(pk=first.lead_institution_id).first()
        facts.append(
            (label_of(Commitment, "lead_institution"), earlier, commitment.lead_institution)
        )
    for label, old, new in facts:
        row = change_row(label, old, new)
        if row:
            rows.append(row)
    current = {milestone.pk: milestone for milestone in commitment.milestones.all()}
    rows += milestone_rows(milestones_when(commitment, first.history_date), current)
    return {"first": first, "rows": rows}


# How long one answer of `changed_since_draft` is kept. The draft never changes, so an answer
# stays true for as long as the text it was worked out for: this only lets unused ones go.
DRAFT_CHECK_SECONDS = 7 * 24 * 60 * 60


def public_text(commitment: Commitment) -> dict:
    """Everything of `commitment` as it is now that `draft_changes` compares with the
    draft (milestones prefetched), as plain values."""
    text = {
        f"{name}_{code}": getattr(commitment, f"{name}_{code}")
        for name in PUBLIC_TEXT_NAMES
        for code in LANGUAGE_CODES
    }
    text |= {flag: getattr(commitment, flag) for flag in OGP_VALUE_FIELDS}
    text |= {
        "sdgs": commitment.sdgs,
        "starts_on": str(commitment.starts_on),
        "ends_on": str(commitment.ends_on),
        "lead_institution": commitment.lead_institution_id,
        "milestones": [
            [milestone.pk, milestone.number]
            + [
                str(getattr(milestone, f"{name}_{code}"))
                for name in PUBLIC_MILESTONE_TEXT
                for code in LANGUAGE_CODES
            ]
            + [str(getattr(milestone, name)) for name in PUBLIC_MILESTONE_FACTS]
            for milestone in commitment.milestones.all()
        ],
    }
    return text


def changed_since_draft(commitment: Commitment) -> bool:
    """Whether the changes page has anything to show, for the commitment page's link.

    The draft a commitment is compared with is fixed once published, so the answer follows
    from the public text as it is now: it is worked out with `draft_changes` (two history
    queries and a diff) once per text and language, and kept in the cache under a digest of
    that text. A publication elsewhere on the site renders the page again without either."""
    digest = fingerprint(public_text(commitment))
    key = f"commitments:changed-since-draft:{commitment.pk}:{active_language()}:{digest}"
    answer = cache.get(key)
    if answer is None:
        answer = bool(draft_changes(commitment)["rows"])
        cache.set(key, answer, DRAFT_CHECK_SECONDS)
    return answer


@require_safe
def commitment_changes(request, plan_number: int, number: int):
    """What changed in a published commitment's public text since it was first published
    (the draft put to consultation); the contact fields are never shown."""
    commitment = get_object_or_404(
        Commitment.objects.published()
        .select_related("plan", "lead_institution")
        .prefetch_related("milestones"),
        plan__number=plan_number,
        number=number,
    )
    changes = draft_changes(commitment)
    context = {
        "commitment": commitment,
        "plan": commitment.plan,
        "first": changes["first"],
        "rows": changes["rows"],
    }
    return render(request, "commitments/commitment_changes.html", context)
