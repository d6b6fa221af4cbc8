"""Spreadsheet import/export of plans, stages and organisations."""

import copy

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from import_export import fields, widgets

from core.arabic import normalise
from core.concurrency import save_as
from core.sheets import (
    Change,
    Column,
    Preview,
    RowResult,
    Sheet,
    Write,
    display,
    dry_run,
    field_label,
    model_problems,
    register,
    report_problems,
    row_error,
)
from core.spreadsheets import SpreadsheetResource

from .models import ActionPlan, MethodologyStage, Organisation, Sector
from .services import (
    NARRATIVE_EDIT_FIELDS,
    ORGANISATION_EDIT_FIELDS,
    PLAN_EDIT_FIELDS,
    create_organisation,
)


class OrganisationResource(SpreadsheetResource):
    class Meta:
        model = Organisation
        fields = ORGANISATION_EDIT_FIELDS


class ActionPlanResource(SpreadsheetResource):
    class Meta:
        model = ActionPlan
        # What the services write, then what moves through services of its own.
        fields = (
            *PLAN_EDIT_FIELDS,
            "status",
            "published_on",
            "is_public",
            *NARRATIVE_EDIT_FIELDS,
        )


# A stage's fields, as the admin shows them and its export lists them.
STAGE_FIELDS = (
    "plan",
    "number",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "notes_ar",
    "notes_en",
)


class MethodologyStageResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=widgets.ForeignKeyWidget(ActionPlan, "number")
    )
    export_select_related = ("plan",)

    class Meta:
        model = MethodologyStage
        fields = STAGE_FIELDS


# Workspace sheet (imports.views) ------------------------------------------------------


class OrganisationSheet(Sheet):
    """Organisations matched by Arabic name, English name or acronym after `normalise`
    (case, spaces, alef forms, taa marbuta, alef maqsura, diacritics)."""

    kind = "organisations"
    title = gettext_lazy("Organisations")
    description = gettext_lazy(
        "Institutions and organisations, found by their Arabic name, English name or acronym."
    )
    needs_plan = False
    import_permissions = ("plans.add_organisation", "plans.change_organisation")
    export_permissions = ("plans.change_organisation",)

    @property
    def columns(self):
        return [
            Column(
                "name_ar",
                field_label(Organisation, "name_ar"),
                help=gettext_lazy("Required for a new organisation."),
                example="وزارة الشباب",
                aliases=("الاسم", "اسم الجهة"),
            ),
            Column(
                "name_en",
                field_label(Organisation, "name_en"),
                example="Ministry of Youth",
                aliases=("name", "organisation", "institution"),
            ),
            Column("acronym", field_label(Organisation, "acronym"), "key", example="MoY"),
            Column(
                "sector",
                field_label(Organisation, "sector"),
                "choice",
                help=gettext_lazy("Required for a new organisation."),
                example=Sector.GOVERNMENT,
                choices=Sector.choices,
                aliases=("القطاع",),
            ),
            Column("website", field_label(Organisation, "website"), example="https://moy.gov.jo"),
        ]

    def export_rows(self, *, plan, user):
        return [
            {name: getattr(o, name) for name in ORGANISATION_EDIT_FIELDS}
            for o in Organisation.objects.order_by("name_ar")
        ]

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        organisations = list(Organisation.objects.order_by("pk"))
        writes = []
        keys = {}
        for organisation in organisations:
            for name in ("name_ar", "name_en", "acronym"):
                value = getattr(organisation, name)
                if value:
                    keys.setdefault(normalise(value), set()).add(organisation)
        seen = {}
        for index, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            data = self.read_row(table, index, result)
            if result.action == "error":
                preview.rows.append(result)
                continue
            found = set()
            for name in ("name_ar", "name_en", "acronym"):
                if data.get(name):
                    found |= keys.get(normalise(data[name]), set())
            if not any(data.get(name) for name in ("name_ar", "name_en", "acronym")):
                result.error("", gettext("The row needs a name or an acronym."))
            elif len(found) > 1:
                result.error(
                    "",
                    gettext("The names in this row match more than one organisation: %(names)s.")
                    % {"names": ", ".join(sorted(o.name_ar for o in found))},
                )
            if result.action != "error":
                organisation = next(iter(found), None)
                key = organisation.pk if organisation else normalise(data.get("name_ar", ""))
                first = seen.setdefault(key, number)
                if first != number:
                    result.error(
                        "",
                        gettext("Row %(first)s already has the same %(columns)s.")
                        % {"first": first, "columns": field_label(Organisation, "name_ar")},
                    )
                elif organisation:
                    self.describe_update(result, organisation, data, writes)
                else:
                    self.describe_create(result, data, writes)
            preview.rows.append(result)
        dry_run(writes, label_of=self.label_of)
        return preview

    def label_of(self, name):
        return field_label(Organisation, name) if name in ORGANISATION_EDIT_FIELDS else ""

    def describe_update(self, result, organisation, data, writes):
        result.obj = organisation
        result.target_ar, result.target_en = organisation.name_ar, organisation.name_en
        result.data = data
        for name, value in data.items():
            if getattr(organisation, name) != value:
                result.changes.append(
                    Change(
                        label=field_label(Organisation, name),
                        old=display(getattr(organisation, name)),
                        new=display(value),
                    )
                )
        result.action = "update" if result.changes else "unchanged"
        if result.changes:
            self.check(result, organisation, data, writes, creating=False)

    def describe_create(self, result, data, writes):
        result.action = "create"
        result.data = data
        result.target_ar, result.target_en = data.get("name_ar", ""), data.get("name_en", "")
        for name, value in data.items():
            result.changes.append(Change(label=field_label(Organisation, name), new=display(value)))
        self.check(result, Organisation(), data, writes, creating=True)

    def check(self, result, organisation, data, writes, *, creating):
        """The model's checks on the row as it would be saved; the database's in the dry run."""
        candidate = copy.copy(organisation)
        for name, value in data.items():
            setattr(candidate, name, value)
        report_problems(result, model_problems(candidate), self.label_of)
        writes.append(Write(result, candidate, None if creating else list(data)))

    def apply(self, preview, *, plan, user, now):
        for result in preview.rows:
            try:
                if result.action == "create":
                    create_organisation(data=result.data, by=user)
                elif result.action == "update":
                    # No status or version: an organisation is plain data, saved whole.
                    organisation = Organisation.objects.select_for_update().get(pk=result.obj.pk)
                    for name, value in result.data.items():
                        setattr(organisation, name, value)
                    organisation.full_clean()
                    save_as(organisation, user)
            except ValidationError as error:
                raise row_error(result.number, error) from error


register(OrganisationSheet())
