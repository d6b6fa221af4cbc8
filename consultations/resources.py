"""Spreadsheet import/export of comment windows, comments (export only) and responses.

A response row names its comment by the tracking number the citizen was given, and the
staff member who wrote it by username.
"""

from django.contrib.auth import get_user_model
from import_export import fields

from ogp_portal.spreadsheets import LookupWidget, SpreadsheetResource
from plans.models import ActionPlan

from .models import Comment, CommentWindow, Response, default_closes_at


class CommentWindowResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=LookupWidget(ActionPlan, "number")
    )
    constraint_fields = {"window_closes_after_opens": "closes_at"}
    export_select_related = ("plan",)

    class Meta:
        model = CommentWindow
        fields = (
            "id",
            "plan",
            "kind",
            "audience",
            "title_ar",
            "title_en",
            "description_ar",
            "description_en",
            "opens_at",
            "closes_at",
        )
        # No readable unique key: a row with an id updates that window, one without adds one.

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # As in CommentWindow.save(): an empty closing time means the default 14 days.
        if instance.opens_at and not instance.closes_at:
            instance.closes_at = default_closes_at(instance.opens_at)


class CommentResource(SpreadsheetResource):
    """Export only (the admin offers no comment import): comments come from the public form."""

    window = fields.Field(attribute="window_id", column_name="window", readonly=True)
    window_title = fields.Field(
        attribute="window__title_ar", column_name="window_title", readonly=True
    )
    commitment = fields.Field(
        attribute="commitment__number", column_name="commitment", readonly=True
    )
    response_outcome = fields.Field(
        attribute="response__outcome", column_name="response_outcome", readonly=True
    )
    export_select_related = ("window", "commitment", "response")

    class Meta:
        model = Comment
        fields = (
            "tracking_number",
            "window",
            "window_title",
            "commitment",
            "part",
            "body",
            "author_name",
            "author_email",
            "sector",
            "region",
            "channel",
            "state",
            "hidden_reason",
            "created_at",
            "published_at",
            "response_outcome",
        )
        import_id_fields = ("tracking_number",)


class ResponseResource(SpreadsheetResource):
    comment = fields.Field(
        attribute="comment",
        column_name="comment",
        widget=LookupWidget(Comment, "tracking_number"),
    )
    responded_by = fields.Field(
        attribute="responded_by",
        column_name="responded_by",
        widget=LookupWidget(get_user_model(), "username"),
    )
    created_at = fields.Field(attribute="created_at", column_name="created_at", readonly=True)
    constraint_fields = {"response_has_reason": "reason_ar"}
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
        import_id_fields = ("comment",)
