"""The audit trail's own rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import one_of

# Only what nothing else records: permission refusals and imports. Sign-ins come from
# django-axes, publishing, stage changes and moderation from the rows that already carry who
# and when (django-simple-history, Comment.moderated_by); the audit page reads them all.


class AuditAction(models.TextChoices):
    REFUSED = "refused", _("Permission refused")
    IMPORT = "import", _("Spreadsheet imported")


class AuditEvent(models.Model):
    """One recorded event, written only by `audit.trail.record`."""

    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept as written, so that the row still says who after the account is deleted.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    detail = models.CharField(_("detail"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The table keeps the name it had when the model lived in `plans`.
        db_table = "plans_auditevent"
        ordering = ["-at", "-pk"]
        constraints = [
            one_of("auditevent", "action", AuditAction.values),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.username}"
