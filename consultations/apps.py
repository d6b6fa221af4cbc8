from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from core.page_cache import never_public, register_public_rule
        from plans.gates import register_gate
        from plans.parts import (
            COMMENTS,
            CONSULTATION_REPORT,
            register_part,
            register_printed_rows,
            register_source,
        )

        from . import resources  # noqa: F401  (registers the off-site comment sheet)
        from .gates import every_window_closed_and_answered
        from .printing import plan_comments

        register_gate(7, every_window_closed_and_answered)
        # Annex B of the plan document prints each window's report as its page does.
        register_part(CONSULTATION_REPORT, "consultations.report.report_part")
        register_source(COMMENTS, plan_comments)
        register_printed_rows(
            {
                "consultations.commentwindow": "plan",
                "consultations.comment": "window__plan",
                "consultations.response": "comment__window__plan",
            }
        )
        checks.register(check_comment_regions)
        # What the public sees of the consultations: a comment once moderated (published, or
        # hidden with its reason), a response once published; never a subscription.
        register_public_rule("consultations.comment", comment_is_public)
        register_public_rule("consultations.response", response_is_public)
        register_public_rule("consultations.subscription", never_public)
        # The report's figures are counted again by the writes that change them.
        from django.db.models.signals import post_delete, post_save

        for sender, receiver in (
            ("consultations.Comment", comment_written),
            ("consultations.Response", response_written),
        ):
            post_save.connect(receiver, sender=sender, dispatch_uid=f"figures-{sender}-saved")
            post_delete.connect(receiver, sender=sender, dispatch_uid=f"figures-{sender}-deleted")


def comment_is_public(comment) -> bool:
    from .models import ModerationState

    return comment.state in (ModerationState.PUBLISHED, ModerationState.HIDDEN)


def response_is_public(response) -> bool:
    """Published, or published when it was read (a save taking it back to draft)."""
    return response.published_at is not None or getattr(response, "was_published", False)


def comment_written(sender, instance, raw=False, **kwargs):
    """A comment the public sees was saved or deleted: its window's report counts anew."""
    if raw or not comment_is_public(instance):
        return
    from .figures import figures_changed

    figures_changed(instance.window_id)


def response_written(sender, instance, raw=False, **kwargs):
    """A response the public sees, or saw, was saved or deleted: its window's report
    counts anew."""
    if raw or not response_is_public(instance):
        return
    from .figures import figures_changed
    from .models import Comment, Response

    if Response.comment.is_cached(instance):
        window_pk = instance.comment.window_id
    else:
        # None when the comment is being deleted with it (its own signal counts anew).
        window_pk = (
            Comment.objects.filter(pk=instance.comment_id)
            .values_list("window_id", flat=True)
            .first()
        )
    if window_pk is not None:
        figures_changed(window_pk)


def check_comment_regions(app_configs=None, **kwargs):
    """settings.COMMENT_REGIONS names only known governorate codes."""
    from django.conf import settings

    from .models import Region

    unknown = [code for code in settings.COMMENT_REGIONS if code not in Region.values]
    if unknown:
        return [
            checks.Error(
                f"COMMENT_REGIONS has unknown governorate codes: {', '.join(unknown)}.",
                hint=f"Use codes among: {', '.join(Region.values)}.",
                id="consultations.E001",
            )
        ]
    return []
