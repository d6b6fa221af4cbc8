"""The audit trail: who signed in, failed to, was refused, published, changed a stage,
moderated a comment or imported a spreadsheet, and when.

Most of it is already recorded where it happens, with who and when, and is only read here:
sign-ins and failed sign-ins by django-axes (`AccessLog`, `AccessFailureLog`), publishing
and stage changes by django-simple-history (the rows where `is_public`, `is_published` or a
stage's `status` differ from the row before), moderation decisions on the comment itself
(`moderated_by`, `moderated_at`: the latest decision). What nothing recorded, permission
refusals and imports, is written by `record()` into `plans.AuditEvent`, from two places:
`permission_denied` (the site's `handler403`) and the import view.

The coordinator reads it all at `manage:audit_log`, filtered by user, action and date. The
page runs one query per kind of event (the latest `LIMIT` of each), whatever the numbers.
"""

import datetime
from dataclasses import dataclass

from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.db.models import BooleanField, CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from commitments.models import Commitment
from consultations.models import Comment, ModerationState
from core.access import workspace_view
from core.errors import permission_denied as refusal_page
from core.forms import DATE_WIDGET
from plans.models import ActionPlan, MethodologyStage, StageStatus

from .models import AuditAction, AuditEvent

# Rows shown on one page (the latest first); narrower filters reach older ones.
LIMIT = 100

ACTIONS = {
    "sign_in": gettext_lazy("Signed in"),
    "sign_in_failed": gettext_lazy("Failed sign-in"),
    AuditAction.REFUSED: gettext_lazy("Permission refused"),
    "publish": gettext_lazy("Published or withdrawn"),
    "stage": gettext_lazy("Stage status changed"),
    "moderation": gettext_lazy("Comment moderated"),
    AuditAction.IMPORT: gettext_lazy("Spreadsheet imported"),
}


def record(action: str, request, *, obj=None, detail: str = "") -> AuditEvent:
    """Write one audit event for what nothing else records (a refusal, an import)."""
    user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=user.get_username() if user else "",
        path=request.get_full_path()[:500],
        object_repr=str(obj)[:300] if obj is not None else "",
        detail=detail[:500],
    )


def permission_denied(request, exception):
    """`handler403`: the usual 403 page, and a signed-in user's refusal in the trail.
    Anonymous refusals are left out: anyone can make those, as often as they like."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        record(AuditAction.REFUSED, request, detail=f"{request.method} {request.path}"[:500])
    return refusal_page(request, exception)


# --- Reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    action: str
    username: str
    subject: str
    detail: str = ""
    url: str = ""

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", gettext_lazy("All actions")), *ACTIONS.items()]
        self.fields["user"].widget.attrs["dir"] = "auto"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


@dataclass(frozen=True)
class Filters:
    user: str = ""
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None  # exclusive

    def apply(self, queryset, *, time: str, user: str):
        if self.user:
            queryset = queryset.filter(**{f"{user}__icontains": self.user})
        if self.start:
            queryset = queryset.filter(**{f"{time}__gte": self.start})
        if self.end:
            queryset = queryset.filter(**{f"{time}__lt": self.end})
        return queryset.order_by(f"-{time}")[:LIMIT]


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def history_url(kind: str, pk: int) -> str:
    return reverse("manage:history", kwargs={"kind": kind, "pk": pk})


def changed_rows(model, field: str, initial, output_field):
    """History rows of `model` whose `field` differs from the row before (the first row
    compares with `initial`): one correlated subquery, filtered like any column."""
    history = model.history.model
    before = (
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values(field)[:1]
    )
    return history.objects.annotate(
        previous=Coalesce(Subquery(before), Value(initial), output_field=output_field)
    ).exclude(previous=F(field))


def changes(filters: Filters, model, field: str, initial, output_field, *names):
    """The history rows of `model` that changed `field` (`changed_rows`), as `filters`
    narrow them, with their id, time, user and `names`."""
    return filters.apply(
        changed_rows(model, field, initial, output_field).values(
            "id", "history_date", "history_user__username", *names
        ),
        time="history_date",
        user="history_user__username",
    )


def change_entry(row, action: str, kind: str, subject: str, detail: str) -> Entry:
    """The entry of one row of `changes`, linked to the history of the `kind` it changed."""
    return Entry(
        row["history_date"],
        action,
        row["history_user__username"] or "",
        subject,
        detail,
        history_url(kind, row["id"]),
    )


def sign_ins(filters: Filters) -> list[Entry]:
    rows = filters.apply(
        AccessLog.objects.values("attempt_time", "username", "ip_address"),
        time="attempt_time",
        user="username",
    )
    return [
        Entry(
            row["attempt_time"],
            "sign_in",
            row["username"] or "",
            _("Staff workspace"),
            row["ip_address"] or "",
        )
        for row in rows
    ]


def failed_sign_ins(filters: Filters) -> list[Entry]:
    rows = filters.apply(
        AccessFailureLog.objects.values("attempt_time", "username", "ip_address", "locked_out"),
        time="attempt_time",
        user="username",
    )
    return [
        Entry(
            row["attempt_time"],
            "sign_in_failed",
            row["username"] or "",
            _("Staff workspace"),
            " · ".join(
                filter(None, [row["ip_address"] or "", _("locked") if row["locked_out"] else ""])
            ),
        )
        for row in rows
    ]


def recorded(action: str):
    def source(filters: Filters) -> list[Entry]:
        rows = filters.apply(
            AuditEvent.objects.filter(action=action).values(
                "at", "username", "path", "object_repr", "detail"
            ),
            time="at",
            user="username",
        )
        return [
            Entry(
                row["at"], action, row["username"], row["object_repr"] or row["path"], row["detail"]
            )
            for row in rows
        ]

    return source


def publishing(filters: Filters) -> list[Entry]:
    plans = changes(filters, ActionPlan, "is_public", False, BooleanField(), "number", "is_public")
    commitments = changes(
        filters,
        Commitment,
        "is_published",
        False,
        BooleanField(),
        "number",
        "plan__number",
        "is_published",
    )
    entries = [
        change_entry(
            row,
            "publish",
            "plan",
            _("Action plan %(number)s") % {"number": row["number"]},
            _("made public") if row["is_public"] else _("taken off the public site"),
        )
        for row in plans
    ]
    entries += [
        change_entry(
            row,
            "publish",
            "commitment",
            _("Commitment %(number)s of plan %(plan)s")
            % {"number": row["number"], "plan": row["plan__number"]},
            _("published") if row["is_published"] else _("unpublished"),
        )
        for row in commitments
    ]
    return entries


def stage_changes(filters: Filters) -> list[Entry]:
    rows = changes(
        filters,
        MethodologyStage,
        "status",
        StageStatus.NOT_STARTED,
        CharField(),
        "number",
        "plan__number",
        "status",
    )
    labels = dict(StageStatus.choices)
    return [
        change_entry(
            row,
            "stage",
            "stage",
            _("Stage %(number)s of plan %(plan)s")
            % {"number": row["number"], "plan": row["plan__number"]},
            str(labels.get(row["status"], row["status"])),
        )
        for row in rows
    ]


def moderation(filters: Filters) -> list[Entry]:
    rows = filters.apply(
        Comment.objects.filter(moderated_at__isnull=False).values(
            "moderated_at", "moderated_by__username", "tracking_number", "state"
        ),
        time="moderated_at",
        user="moderated_by__username",
    )
    labels = dict(ModerationState.choices)
    return [
        Entry(
            row["moderated_at"],
            "moderation",
            row["moderated_by__username"] or "",
            _("Comment %(number)s") % {"number": row["tracking_number"]},
            str(labels.get(row["state"], row["state"])),
        )
        for row in rows
    ]


SOURCES = {
    "sign_in": sign_ins,
    "sign_in_failed": failed_sign_ins,
    AuditAction.REFUSED: recorded(AuditAction.REFUSED),
    "publish": publishing,
    "stage": stage_changes,
    "moderation": moderation,
    AuditAction.IMPORT: recorded(AuditAction.IMPORT),
}


def audit_entries(*, action: str = "", filters: Filters = Filters()) -> tuple[list[Entry], bool]:
    """The latest LIMIT events matching, newest first, and whether older ones were cut."""
    sources = [SOURCES[action]] if action else SOURCES.values()
    entries = sorted(
        (entry for source in sources for entry in source(filters)),
        key=lambda entry: entry.at,
        reverse=True,
    )
    return entries[:LIMIT], len(entries) > LIMIT


@require_GET
@workspace_view("audit.view_auditevent")
def audit_log(request):
    """The audit trail for the coordinator, filtered by user, action and date."""
    form = AuditFilterForm(request.GET or None)
    entries, cut = [], False
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        data = form.cleaned_data if form.is_bound else {}
        start, end = data.get("date_from"), data.get("date_to")
        filters = Filters(
            user=(data.get("user") or "").strip(),
            start=day_start(start) if start else None,
            end=day_start(end + datetime.timedelta(days=1)) if end else None,
        )
        entries, cut = audit_entries(action=data.get("action") or "", filters=filters)
    return render(
        request,
        "manage/audit/audit_log.html",
        {"form": form, "entries": entries, "cut": cut, "limit": LIMIT},
        status=status,
    )
