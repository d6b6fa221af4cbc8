"""The staff roles, as Django groups with their model permissions.

One place for who may do what in the admin and the staff workspace. `sync_roles()` runs
after every `migrate` (see `PlansConfig.ready`), so a new permission reaches its group
without a hand-written data migration. Permissions are named as strings so that `plans`
imports none of the apps above it.
"""

from django.utils.translation import gettext_lazy as _

COORDINATOR = "coordinator"
EDITOR = "editor"
FOCAL_POINT = "focal_point"
FORUM_MEMBER = "forum_member"
CIVIL_SOCIETY = "civil_society"

ROLE_LABELS = {
    COORDINATOR: _("Unit coordinator"),
    EDITOR: _("Unit staff (editor)"),
    FOCAL_POINT: _("Agency focal point"),
    FORUM_MEMBER: _("Forum member"),
    CIVIL_SOCIETY: _("Civil-society monitor"),
}

CONTENT_MODELS = {
    "plans": ["actionplan", "methodologystage", "organisation", "document"],
    "commitments": [
        "commitment",
        "milestone",
        "progressreport",
        "approvalletter",
        "irmassessment",
        "irmreport",
        "irmfinding",
        "policyarea",
    ],
    "meetings": [
        "body",
        "person",
        "membership",
        "meeting",
        "attendance",
        "agendaitem",
        "outcome",
        "attachment",
        "remark",
    ],
    "consultations": ["commentwindow", "announcement", "comment", "response"],
}


def _perms(actions: list[str], models: dict[str, list[str]]) -> list[str]:
    return [
        f"{app}.{action}_{model}"
        for app, names in models.items()
        for model in names
        for action in actions
    ]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    # Runs the plan through its stages, opens and closes windows, publishes.
    COORDINATOR: [
        *_perms(["view", "add", "change", "delete"], CONTENT_MODELS),
        "plans.manage_stages",
        "plans.publish_plan",
        "commitments.publish_commitment",
        "meetings.publish_minutes",
        "consultations.publish_response",
        "consultations.schedule_window",
        # Reads the audit trail in the workspace (audit.trail).
        "audit.view_auditevent",
        "commitments.view_civilsocietyrating",
    ],
    # Edits plans, commitments, meetings, minutes; moderates comments; drafts responses.
    EDITOR: [
        *_perms(["view", "add", "change"], CONTENT_MODELS),
        # Civil society's ratings are theirs: the unit reads them.
        "commitments.view_civilsocietyrating",
    ],
    # Confirms the text for their ministry and reports milestones of their own commitments;
    # the "own commitments only" rule is enforced row by row in the workspace views.
    FOCAL_POINT: [
        *_perms(["view"], {"plans": ["actionplan", "methodologystage", "organisation"]}),
        *_perms(["view"], {"commitments": ["commitment", "milestone", "approvalletter"]}),
        *_perms(["view", "add"], {"commitments": ["progressreport"]}),
        "commitments.change_milestone",
        "commitments.change_approvalletter",
    ],
    # Reads drafts and minutes; sends written feedback.
    FORUM_MEMBER: [
        *_perms(["view"], {"plans": ["actionplan", "methodologystage", "document"]}),
        *_perms(["view"], {"commitments": ["commitment", "milestone"]}),
        *_perms(
            ["view"],
            {"meetings": ["meeting", "agendaitem", "outcome", "attendance", "attachment"]},
        ),
        # Written remarks on circulated minutes; the view limits them to their own.
        *_perms(["view", "add"], {"meetings": ["remark"]}),
        "consultations.view_commentwindow",
        "consultations.add_comment",
        # Remarks on draft commitments in a members-only feedback period (their own).
        "consultations.send_member_remark",
    ],
    # A civil-society organisation that follows the plan: rates milestones as itself (the
    # organisations it is a focal point of), nothing else; `commitments.monitoring` checks
    # the rows.
    CIVIL_SOCIETY: [
        *_perms(["view"], {"plans": ["actionplan"]}),
        *_perms(["view"], {"commitments": ["commitment", "milestone"]}),
        *_perms(["view", "add", "change"], {"commitments": ["civilsocietyrating"]}),
    ],
}


def is_unit_staff(user) -> bool:
    """The unit's own people (coordinator, editor) and superusers: they see every row of
    the workspace, where a focal point or a forum member sees their own."""
    return user.is_superuser or user.has_perm("commitments.change_commitment")


def is_agency_scoped(user) -> bool:
    """True for an agency focal point who is not also unit staff: such a user sees only
    the commitments of their own agencies."""
    if is_unit_staff(user):
        return False
    return user.groups.filter(name=FOCAL_POINT).exists()


def sync_roles(**_kwargs) -> None:
    """Create the role groups and give each exactly its permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = {tuple(name.split(".")) for name in names}
        permissions = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in={app for app, _code in wanted}
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)
