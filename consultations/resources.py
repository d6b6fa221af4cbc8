"""Spreadsheet import/export of comment windows, comments (export only) and responses.

A response row names its comment by the tracking number the citizen was given, and the
staff member who wrote it by username.
"""

import datetime
import json
import uuid
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from import_export import fields, widgets

from commitments.models import Commitment
from core.arabic import ascii_digits
from core.i18n import isolated, left_to_right
from core.sheets import (
    Cell,
    Change,
    Column,
    Preview,
    RowResult,
    Sheet,
    display,
    field_label,
    register,
    row_error,
)
from core.spreadsheets import SpreadsheetResource
from plans.models import ActionPlan, Sector

from . import services
from .models import (
    COMMENT_MAX_LENGTH,
    Channel,
    Comment,
    CommentPart,
    CommentWindow,
    Region,
    Response,
)


class CommentWindowResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=widgets.ForeignKeyWidget(ActionPlan, "number")
    )
    export_select_related = ("plan",)

    class Meta:
        model = CommentWindow
        fields = (
            "id",
            "plan",
            *services.WINDOW_DATA_FIELDS,
            "opens_at",
            "closes_at",
        )


class CommentResource(SpreadsheetResource):
    """Export only (the admin offers no comment import): comments come from the public form."""

    window = fields.Field(attribute="window_id", column_name="window", readonly=True)
    window_title = fields.Field(
        attribute="window__title_ar", column_name="window_title", readonly=True
    )
    commitment = fields.Field(
        attribute="commitment__number", column_name="commitment", readonly=True
    )
    milestone = fields.Field(attribute="milestone__number", column_name="milestone", readonly=True)
    response_outcome = fields.Field(
        attribute="response__outcome", column_name="response_outcome", readonly=True
    )
    cluster = fields.Field(attribute="group_id", column_name="cluster", readonly=True)
    export_select_related = ("window", "commitment", "milestone", "response")

    class Meta:
        model = Comment
        fields = (
            "tracking_number",
            "window",
            "window_title",
            "commitment",
            "milestone",
            "part",
            "body",
            "redacted_body",
            "author_name",
            "show_name",
            "author_email",
            "sector",
            "region",
            "channel",
            # Where a comment received elsewhere came from, and who took it down.
            "source_event",
            "source_date",
            "source_place",
            "taken_down_by",
            "state",
            "hidden_reason",
            "created_at",
            "published_at",
            "response_outcome",
            "cluster",
        )


class ResponseResource(SpreadsheetResource):
    comment = fields.Field(
        attribute="comment",
        column_name="comment",
        widget=widgets.ForeignKeyWidget(Comment, "tracking_number"),
    )
    responded_by = fields.Field(
        attribute="responded_by",
        column_name="responded_by",
        widget=widgets.ForeignKeyWidget(get_user_model(), "username"),
    )
    created_at = fields.Field(attribute="created_at", column_name="created_at", readonly=True)
    export_select_related = ("comment", "responded_by")

    class Meta:
        model = Response
        fields = (
            "comment",
            "outcome",
            "reason_ar",
            "reason_en",
            "responded_by",
            "created_at",
            "published_at",
        )


# Workspace import of comments received elsewhere ------------------------------------------

# Namespace of the submission tokens of imported rows: the same row gives the same token, so
# importing a file again stores nothing twice.
IMPORT_TOKEN_NAMESPACE = uuid.UUID("6f1c2b1e-7d2a-4c55-9a4e-3f0f5b8c1d27")
AMMAN = ZoneInfo("Asia/Amman")
RECEIVED_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


class DateTimeCell(Cell):
    """A moment in Amman time: an XLSX date-time cell or text `YYYY-MM-DD HH:MM`."""

    def read(self, value):
        if isinstance(value, datetime.datetime):
            moment = value
        elif isinstance(value, datetime.date):
            moment = datetime.datetime.combine(value, datetime.time.min)
        else:
            text = ascii_digits(str(value)).strip()
            moment = None
            for pattern in (*RECEIVED_FORMATS, "%Y-%m-%d"):
                try:
                    moment = datetime.datetime.strptime(text, pattern)  # noqa: DTZ007
                    break
                except ValueError:
                    continue
            if moment is None:
                raise ValueError(
                    gettext(
                        "“%(value)s” is not a date and time. Write it as YYYY-MM-DD HH:MM in"
                        " Amman time, for example %(example)s."
                    )
                    % {"value": isolated(value), "example": left_to_right("2025-06-30 14:30")}
                )
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=AMMAN)
        return moment


class DateTimeColumn(Column):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=DateTimeCell(), **kwargs)


def import_token(window_pk: int, data: dict, received_at: datetime.datetime) -> uuid.UUID:
    """The submission token of an imported row: a UUID5 of what the row says."""
    content = json.dumps(
        [
            window_pk,
            data.get("commitment"),
            data.get("part", CommentPart.GENERAL),
            data["body"].strip(),
            data.get("author_name", "").strip(),
            bool(data.get("show_name", False)),
            data.get("author_email", "").strip().lower(),
            data.get("sector", ""),
            data.get("region", ""),
            data["channel"],
            received_at.astimezone(datetime.UTC).isoformat(),
        ],
        ensure_ascii=False,
    )
    return uuid.uuid5(IMPORT_TOKEN_NAMESPACE, content)


class CommentSheet(Sheet):
    """Comments received on Facebook, X, by email, at a workshop or by letter, one a row;
    each goes through `services.submit_comment` and waits for moderation."""

    kind = "comments"
    title = gettext_lazy("Comments received elsewhere")
    description = gettext_lazy(
        "Comments received on Facebook, X, by email, at a workshop or by letter, for the"
        " comment windows of the plan; they wait for moderation. The export lists every"
        " comment of the plan's windows."
    )
    needs_plan = True
    import_permissions = ("consultations.add_comment", "consultations.change_comment")
    export_permissions = ("consultations.add_comment", "consultations.change_comment")

    @property
    def columns(self):
        return [
            Column(
                "window",
                gettext_lazy("window"),
                "int",
                required=True,
                help=gettext_lazy("The number of the comment window, shown in the workspace."),
                example="1",
            ),
            Column(
                "commitment",
                gettext_lazy("commitment number"),
                "int",
                help=gettext_lazy("Empty for a comment on the plan in general."),
            ),
            Column(
                "part",
                field_label(Comment, "part"),
                "choice",
                choices=[c for c in CommentPart.choices if c[0] != CommentPart.MILESTONES],
                example=CommentPart.GENERAL,
            ),
            Column(
                "body",
                gettext_lazy("comment text"),
                required=True,
                example="أقترح نشر البيانات بصيغة مفتوحة",
            ),
            Column("author_name", field_label(Comment, "author_name")),
            Column("show_name", gettext_lazy("show name"), "bool", example="no"),
            Column("author_email", gettext_lazy("email"), private=True),
            Column("sector", field_label(Comment, "sector"), "choice", choices=Sector.choices),
            Column("region", field_label(Comment, "region"), "choice", choices=Region.choices),
            Column(
                "channel",
                field_label(Comment, "channel"),
                "choice",
                required=True,
                choices=[c for c in Channel.choices if c[0] != Channel.SITE],
                example=Channel.FACEBOOK,
            ),
            DateTimeColumn(
                "received_at",
                gettext_lazy("received at (Amman time)"),
                required=True,
                help=gettext_lazy("While the window was open, as YYYY-MM-DD HH:MM."),
                example="2025-06-30 14:30",
            ),
            Column(
                "tracking_number",
                field_label(Comment, "tracking_number"),
                help=gettext_lazy("Export only."),
            ),
            Column("state", field_label(Comment, "state"), help=gettext_lazy("Export only.")),
            # The campaign group (consultations.grouping): one value for the comments of
            # one group, empty for a comment in none. A fixed name, for formulas.
            Column("cluster", "cluster", "int", help=gettext_lazy("Export only.")),
        ]

    def export_columns(self, user):
        may_see_email = user.has_perms(self.import_permissions)
        return [c for c in self.columns if not c.private or may_see_email]

    def export_rows(self, *, plan, user):
        comments = (
            Comment.objects.filter(window__plan=plan)
            .select_related("commitment")
            .order_by("window_id", "created_at", "pk")
        )
        return [
            {
                "window": c.window_id,
                "commitment": c.commitment.number if c.commitment else None,
                "part": c.part,
                "body": c.body,
                "author_name": c.author_name,
                "show_name": gettext("yes") if c.show_name else gettext("no"),
                "author_email": c.author_email,
                "sector": c.sector,
                "region": c.region,
                "channel": c.channel,
                "received_at": c.created_at.astimezone(AMMAN).strftime("%Y-%m-%d %H:%M"),
                "tracking_number": c.tracking_number,
                "state": c.get_state_display(),
                "cluster": c.group_id,
            }
            for c in comments
        ]

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        windows = {w.pk: w for w in CommentWindow.objects.filter(plan=plan)}
        # A row's token names its window, so a comment it would repeat is in this plan:
        # one query for the file instead of one per row.
        imported = dict(
            Comment.objects.filter(window__plan=plan).values_list(
                "submission_token", "tracking_number"
            )
        )
        open_commitments = {}  # window pk → {number: commitment}
        now = timezone.now()
        seen = {}
        for position, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            data = self.read_row(table, position, result)
            preview.rows.append(result)
            for name in ("window", "body", "channel", "received_at"):
                if name not in data and not any(
                    label == self.column(name).label for label, _message in result.errors
                ):
                    result.error(self.column(name).label, gettext("This cell is required."))
            if "window" not in data:
                continue
            window = windows.get(data["window"])
            if window is None:
                result.error(
                    self.column("window").label,
                    gettext("There is no comment window %(number)s in this plan.")
                    % {"number": data["window"]},
                )
                continue
            if window.pk not in open_commitments:
                open_commitments[window.pk] = {
                    c.number: c
                    for c in Commitment.objects.published().filter(comment_windows=window)
                }
            commitment = None
            if "commitment" in data:
                commitment = open_commitments[window.pk].get(data["commitment"])
                if commitment is None:
                    result.error(
                        self.column("commitment").label,
                        gettext("Commitment %(number)s is not open for comment in this window.")
                        % {"number": data["commitment"]},
                    )
            part = data.get("part", CommentPart.GENERAL)
            if part != CommentPart.GENERAL and "commitment" not in data:
                result.error(
                    self.column("part").label,
                    gettext("Give the commitment this part belongs to."),
                )
            body = data.get("body", "")
            if len(body) > COMMENT_MAX_LENGTH:
                result.error(
                    self.column("body").label,
                    gettext("The comment is longer than %(limit)s characters.")
                    % {"limit": COMMENT_MAX_LENGTH},
                )
            email = data.get("author_email", "")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    result.error(
                        self.column("author_email").label,
                        gettext("“%(value)s” is not an email address.") % {"value": email},
                    )
            received_at = data.get("received_at")
            if received_at is not None:
                if received_at > now:
                    result.error(
                        self.column("received_at").label,
                        gettext("This moment is in the future."),
                    )
                elif not window.is_open(received_at):
                    result.error(
                        self.column("received_at").label,
                        gettext(
                            "The window was not open at this moment (%(opens)s to %(closes)s,"
                            " Amman time)."
                        )
                        % {
                            "opens": window.opens_at.astimezone(AMMAN).strftime("%Y-%m-%d %H:%M"),
                            "closes": window.closes_at.astimezone(AMMAN).strftime("%Y-%m-%d %H:%M"),
                        },
                    )
            if result.action == "error":
                continue
            token = import_token(window.pk, data, received_at)
            result.target = window.title_ar
            result.target_ar = body[:80]
            if seen.setdefault(token, number) != number:
                result.action = "skip"
                result.notes.append(
                    gettext("Row %(first)s is the same comment.") % {"first": seen[token]}
                )
                continue
            if token in imported:
                result.action = "unchanged"
                result.notes.append(
                    gettext("Already imported as comment %(number)s.") % {"number": imported[token]}
                )
                continue
            result.action = "create"
            result.data = {
                "window": window,
                "token": token,
                "received_at": received_at,
                "comment": services.CommentData(
                    body=body,
                    commitment=commitment,
                    part=part,
                    author_name=data.get("author_name", ""),
                    show_name=data.get("show_name", False),
                    author_email=email,
                    sector=data.get("sector", ""),
                    region=data.get("region", ""),
                    channel=data["channel"],
                ),
            }
            for name in ("channel", "received_at", "author_name"):
                if name in data:
                    result.changes.append(
                        Change(label=self.column(name).label, new=display(data[name]))
                    )
        return preview

    def apply(self, preview, *, plan, user, now):
        for result in preview.rows:
            if result.action != "create":
                continue
            data = result.data
            try:
                services.submit_comment(
                    window=data["window"],
                    data=data["comment"],
                    token=data["token"],
                    now=data["received_at"],
                    logged_by=user,
                )
            except ValidationError as error:
                raise row_error(result.number, error) from error


register(CommentSheet())
