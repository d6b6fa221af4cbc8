"""Every model of the four domain apps is given to the staff roles, or deliberately not.

A new model must appear in `core.roles.CONTENT_MODELS` (so the roles get its view/add/
change/delete permissions) or in NOT_ROLE_CONTENT below with the reason; otherwise this
test fails, so no model silently misses its role permissions.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import TestCase
from simple_history.models import HistoricalChanges

from core.roles import CONTENT_MODELS, ROLE_LABELS, ROLE_PERMISSIONS

DOMAIN_APPS = ["plans", "commitments", "meetings", "consultations"]
# Every app with models: the domain apps and the audit trail.
MODEL_APPS = [*DOMAIN_APPS, "audit"]

# Models deliberately left out of CONTENT_MODELS, each with its reason.
NOT_ROLE_CONTENT: dict[str, str] = {
    "plans.planpublication": "written only by plans.services.publish_final_plan (frozen); "
    "staff reach it through the plan's own permissions",
    "plans.planpdf": "a cache of rendered draft PDFs, written only by plans.tasks",
    "plans.organisationname": "names remembered by the import, written only by "
    "plans.services.remember_organisation_name when an importing user maps a name",
    "audit.auditevent": "the audit trail, written only by audit.trail.record; the "
    "coordinator alone reads it (audit.view_auditevent in core.roles)",
    "consultations.commentgroup": "campaign groups, written only by consultations.grouping "
    "and consultations.services (merge, split); staff act on them through the comments' and "
    "responses' permissions",
    "consultations.theme": "a window's themes, written only by consultations.services; "
    "staff who moderate comments (change_comment) define and assign them",
    "commitments.civilsocietyrating": "civil society's own ratings: only the civil-society "
    "role adds and changes them (core.roles), the unit only reads them",
    "consultations.subscription": "citizens' email addresses, written only by the public "
    "sign-up and its services (double opt-in, unsubscribe); superusers read them in the admin",
}


def domain_models() -> set[str]:
    """app_label.model_name of every concrete model of the four apps (history tables
    follow their model and are read through it)."""
    return {
        f"{model._meta.app_label}.{model._meta.model_name}"
        for label in MODEL_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    }


def listed_models() -> set[str]:
    return {f"{app}.{model}" for app, names in CONTENT_MODELS.items() for model in names}


class RoleCoverageTests(TestCase):
    def test_every_domain_model_is_role_content_or_left_out_on_purpose(self):
        missing = domain_models() - listed_models() - set(NOT_ROLE_CONTENT)
        assert not missing, (
            f"Give these models to the roles in core.roles.CONTENT_MODELS, or list them in "
            f"NOT_ROLE_CONTENT with the reason: {sorted(missing)}"
        )

    def test_every_listed_model_exists(self):
        """A renamed or removed model does not linger in the lists."""
        assert listed_models() - domain_models() == set()
        assert set(NOT_ROLE_CONTENT) - domain_models() == set()
        assert listed_models() & set(NOT_ROLE_CONTENT) == set()

    def test_the_lists_name_only_the_domain_apps(self):
        assert set(CONTENT_MODELS) == set(DOMAIN_APPS)

    def test_every_role_permission_exists(self):
        """A permission named in ROLE_PERMISSIONS that no model defines would be silently
        skipped by sync_roles."""
        existing = {
            f"{app}.{codename}"
            for app, codename in Permission.objects.values_list(
                "content_type__app_label", "codename"
            )
        }
        for role, names in ROLE_PERMISSIONS.items():
            with self.subTest(role):
                assert set(names) - existing == set()

    def test_each_role_group_holds_exactly_its_permissions(self):
        for role in ROLE_LABELS:
            with self.subTest(role):
                group = Group.objects.get(name=role)
                held = {
                    f"{app}.{codename}"
                    for app, codename in group.permissions.values_list(
                        "content_type__app_label", "codename"
                    )
                }
                assert held == set(ROLE_PERMISSIONS[role])

    def test_unit_staff_can_view_add_and_change_every_role_model(self):
        for label in listed_models():
            app, model = label.split(".")
            for role, actions in {
                "coordinator": "view add change delete",
                "editor": "view add change",
            }.items():
                for action in actions.split():
                    with self.subTest(role, permission=f"{app}.{action}_{model}"):
                        assert f"{app}.{action}_{model}" in ROLE_PERMISSIONS[role]
