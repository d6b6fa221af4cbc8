from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from core.page_cache import never_public, register_public_rule
        from plans.parts import (
            ALL_PLANS,
            FORUM,
            MEETINGS,
            MINUTES,
            register_part,
            register_printed_rows,
            register_source,
        )

        from . import resources  # noqa: F401  (registers the members and attendance sheets)
        from .printing import plan_forum, plan_meetings

        # Annex A of the plan document prints the minutes as the minutes PDF does.
        register_part(MINUTES, "meetings.pdf.minutes_part")
        register_source(FORUM, plan_forum)
        register_source(MEETINGS, plan_meetings)
        # A forum body without a plan serves every plan.
        register_printed_rows(
            {
                "meetings.body": "plan",
                "meetings.membership": "body__plan",
                "meetings.person": ALL_PLANS,
                "meetings.meeting": "plan",
                "meetings.attendance": "meeting__plan",
                "meetings.agendaitem": "meeting__plan",
                "meetings.outcome": "meeting__plan",
            },
            null_plan_means_all={"meetings.body", "meetings.membership"},
        )
        # Members' remarks on circulated minutes are read by staff only.
        register_public_rule("meetings.remark", never_public)
