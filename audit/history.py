"""History pages: every saved version of a plan, a stage, a commitment or a milestone
(django-simple-history), who saved it and when, and a word diff of any two versions.

The page runs a fixed number of queries whatever the number of versions: the versions come
in one query with their authors; only the two versions compared have their related rows
(foreign keys, many-to-many) looked up, in one query per relation.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from commitments.models import Commitment, Milestone
from core.access import workspace_view
from core.diffs import changed, word_diff
from core.i18n import active_language, in_language
from core.numbers import query_int
from core.roles import is_agency_scoped
from plans.models import ActionPlan, MethodologyStage


@dataclass(frozen=True)
class Kind:
    model: type[models.Model]
    perm: str
    label: str
    detail_url: str | None = None  # workspace page of the object, when that page exists


KINDS = {
    "plan": Kind(ActionPlan, "plans.view_actionplan", gettext_lazy("Action plan")),
    "stage": Kind(MethodologyStage, "plans.view_methodologystage", gettext_lazy("Stage")),
    "commitment": Kind(
        Commitment,
        "commitments.view_commitment",
        gettext_lazy("Commitment"),
        "manage:commitment_detail",
    ),
    "milestone": Kind(Milestone, "commitments.view_milestone", gettext_lazy("Milestone")),
}

CHANGE_TYPES = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}

# Bookkeeping columns that are not part of what a person edits.
SKIPPED_FIELDS = {"id", "version"}


def compared_fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.name not in SKIPPED_FIELDS]


def m2m_fields(model) -> list[models.Field]:
    """The many-to-many fields whose history is kept (`HistoricalRecords(m2m_fields=...)`)."""
    history_model = model.history.model
    tracked = {f.name for f in history_model._meta.get_fields() if f.is_relation}
    return [
        field
        for field in model._meta.many_to_many
        if f"{history_model._meta.model_name}_{field.name}" in tracked
    ]


def object_label(kind: str, record) -> str:
    if kind == "plan":
        return in_language(record, "title")[0]
    if kind == "stage":
        return str(MethodologyStage(number=record.number).name)
    return f"{record.number}. {in_language(record, 'title')[0]}"


def separator() -> str:
    return "، " if active_language() == "ar" else ", "


def plain(value) -> str:
    """A stored value as a person reads it (dates in the page's format)."""
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return separator().join(str(item) for item in value)
    return str(formats.localize(value))


def field_value(field: models.Field, record, related: dict) -> str:
    if record is None:
        return ""
    if field.is_relation:
        key = getattr(record, field.attname)
        if key is None:
            return ""
        found = related.get(field.name, {}).get(key)
        return str(found) if found is not None else f"#{key}"
    value = getattr(record, field.attname)
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return plain(value)


def related_rows(fields: list[models.Field], records: list) -> dict:
    """The rows the compared versions point at, one query per foreign key that differs."""
    related = {}
    for field in fields:
        if not field.is_relation:
            continue
        keys = {getattr(record, field.attname) for record in records if record is not None}
        keys.discard(None)
        if len(keys) > 1 or (len(keys) == 1 and len(records) == 1):
            related[field.name] = field.related_model._default_manager.in_bulk(keys)
    return related


def m2m_values(model, records: list) -> dict:
    """{field name: {history_id: "names"}} for the compared versions."""
    history_model = model.history.model
    values = {}
    for field in m2m_fields(model):
        through = history_model._meta.get_field(
            f"{history_model._meta.model_name}_{field.name}"
        ).related_model
        target = field.m2m_reverse_field_name()
        rows = through.objects.filter(
            history_id__in=[record.history_id for record in records if record is not None]
        ).select_related(target)
        names: dict[int, list[str]] = {}
        for row in rows:
            names.setdefault(row.history_id, []).append(str(getattr(row, target)))
        values[field.name] = {key: separator().join(sorted(items)) for key, items in names.items()}
    return values


def version_diff(model, old, new) -> list[dict]:
    """Every field that differs between two versions (`old` None: the first version), with
    its label in the page's language and a word diff of the displayed values."""
    fields = compared_fields(model)
    records = [record for record in (old, new) if record is not None]
    related = related_rows(fields, records)
    rows = []
    for field in fields:
        before, after = field_value(field, old, related), field_value(field, new, related)
        if changed(before, after):
            rows.append(diff_row(field, before, after))
    many = m2m_values(model, records)
    for field in m2m_fields(model):
        before = many[field.name].get(old.history_id, "") if old is not None else ""
        after = many[field.name].get(new.history_id, "")
        if changed(before, after):
            rows.append(diff_row(field, before, after))
    return rows


def diff_row(field, before: str, after: str) -> dict:
    name = field.name
    direction = "rtl" if name.endswith("_ar") else "ltr" if name.endswith("_en") else "auto"
    return {
        "label": capfirst(str(field.verbose_name)),
        "old": before,
        "new": after,
        "diff": word_diff(before, after),
        "dir": direction,
    }


def changed_labels(model, records: list) -> dict[int, str]:
    """{history_id: labels of the plain fields it changed from the version before}; no
    queries (foreign keys compared by their ids)."""
    fields = compared_fields(model)
    labels = {}
    for newer, older in zip(records, records[1:], strict=False):
        labels[newer.history_id] = separator().join(
            capfirst(str(field.verbose_name))
            for field in fields
            if getattr(newer, field.attname) != getattr(older, field.attname)
        )
    return labels


def pick(records: list, key: str | None, default):
    history_id = query_int(key)
    for record in records:
        if record.history_id == history_id:
            return record
    return default


def check_scope(user, kind: str, pk: int, newest) -> None:
    """An agency focal point sees the history of their own agencies' commitments only."""
    if kind not in ("commitment", "milestone") or not is_agency_scoped(user):
        return
    commitment_id = pk if kind == "commitment" else newest.commitment_id
    if not Commitment.objects.visible_to(user).filter(pk=commitment_id).exists():
        raise Http404


def detail_url(spec: Kind, pk: int) -> str | None:
    if spec.detail_url is None:
        return None
    try:
        return reverse(spec.detail_url, kwargs={"pk": pk})
    except NoReverseMatch:
        return None


@require_GET
@workspace_view()
def history(request, kind: str, pk: int):
    """Every version of one object; `?from=<history_id>&to=<history_id>` picks the two to
    compare (default: the last two)."""
    spec = KINDS.get(kind)
    if spec is None:
        raise Http404
    if not request.user.has_perm(spec.perm):
        raise PermissionDenied
    records = list(
        spec.model.history.filter(id=pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    if not records:
        raise Http404
    check_scope(request.user, kind, pk, records[0])
    new = pick(records, request.GET.get("to"), records[0])
    old = pick(records, request.GET.get("from"), records[1] if len(records) > 1 else None)
    labels = changed_labels(spec.model, records)
    count = len(records)
    versions = [
        {
            "record": record,
            "number": count - index,
            "change_type": CHANGE_TYPES.get(record.history_type, record.history_type),
            "changed": labels.get(record.history_id, ""),
            "is_from": old is not None and record.history_id == old.history_id,
            "is_to": record.history_id == new.history_id,
        }
        for index, record in enumerate(records)
    ]
    numbers = {version["record"].history_id: version["number"] for version in versions}
    context = {
        "kind": kind,
        "kind_label": spec.label,
        "object_label": object_label(kind, records[0]),
        "object_url": detail_url(spec, pk),
        "versions": versions,
        "old": old,
        "new": new,
        "old_number": numbers.get(old.history_id) if old is not None else None,
        "new_number": numbers[new.history_id],
        "rows": version_diff(spec.model, old, new),
    }
    return render(request, "manage/history/history.html", context)
