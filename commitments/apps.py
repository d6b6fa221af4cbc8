from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from plans.gates import register_gate
        from plans.parts import (
            COMMITMENTS,
            IRM,
            register_part,
            register_printed_rows,
            register_source,
        )

        from .gates import every_commitment_approved, every_commitment_complete
        from .printing import plan_commitments

        register_gate(4, every_commitment_complete)
        register_gate(5, every_commitment_approved)
        register_source(COMMITMENTS, plan_commitments)
        register_part(IRM, "commitments.irm.irm_part")
        from . import ogp  # noqa: F401  (registers the sheet in OGP's columns)

        register_printed_rows(
            {
                "commitments.commitment": "plan",
                "commitments.milestone": "commitment__plan",
                "commitments.approvalletter": "commitment__plan",
                "commitments.irmassessment": "commitment__plan",
                "commitments.irmreport": "plan",
            }
        )
