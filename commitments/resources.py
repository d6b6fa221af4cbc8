"""Spreadsheet import/export of commitments and milestones.

A commitment row names its plan by number and its institutions by their Arabic names;
a milestone row names its commitment by plan number and commitment number.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from import_export import fields

from core.arabic import normalise
from core.concurrency import StaleEdit
from core.sheets import (
    Change,
    Column,
    Preview,
    RowResult,
    SavedRows,
    Sheet,
    display,
    field_change,
    problems_without_queries,
    register,
    text_changes,
)
from core.spreadsheets import LookupWidget, SpreadsheetResource, StrictManyToManyWidget
from plans.models import ActionPlan, Organisation, Sector
from plans.services import create_organisation

from . import services
from .models import (
    Commitment,
    CommitmentStatus,
    Milestone,
    MilestoneStatus,
    PolicyArea,
    ProgressReport,
)


class CommitmentResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=LookupWidget(ActionPlan, "number")
    )
    lead_institution = fields.Field(
        attribute="lead_institution",
        column_name="lead_institution",
        widget=LookupWidget(Organisation, "name_ar"),
    )
    supporting_institutions = fields.Field(
        attribute="supporting_institutions",
        column_name="supporting_institutions",
        widget=StrictManyToManyWidget(Organisation, "name_ar"),
    )
    policy_areas = fields.Field(
        attribute="policy_areas",
        column_name="policy_areas",
        widget=StrictManyToManyWidget(PolicyArea, "name_ar"),
    )
    constraint_fields = {"commitment_dates_in_order": "ends_on"}
    service_fields = ("is_published",)  # commitments.services.set_commitment_published
    export_select_related = ("plan", "lead_institution")
    export_prefetch_related = ("supporting_institutions", "policy_areas")

    class Meta:
        model = Commitment
        fields = (
            "plan",
            "number",
            "ogp_id",
            "title_ar",
            "title_en",
            "description_ar",
            "description_en",
            "problem_ar",
            "problem_en",
            "causes_ar",
            "causes_en",
            "solution_ar",
            "solution_en",
            "how_it_solves_ar",
            "how_it_solves_en",
            "transparency",
            "civic_participation",
            "public_accountability",
            "technology_innovation",
            "relevance_ar",
            "relevance_en",
            "policy_areas",
            "lead_institution",
            "supporting_institutions",
            "contact_name",
            "contact_title",
            "contact_email",
            "contact_phone",
            "starts_on",
            "ends_on",
            "status",
            "is_published",
        )
        import_id_fields = ("plan", "number")


class CommitmentInPlanWidget(LookupWidget):
    """A commitment by its number within the plan named in the row's `plan` column."""

    def __init__(self):
        super().__init__(Commitment, "number")

    def get_queryset(self, value, row, *args, **kwargs):
        plan = (row or {}).get("plan")
        if plan in (None, ""):
            raise ValueError(_("The “plan” column is needed to find the commitment."))
        return Commitment.objects.filter(plan__number=plan)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.number


class MilestoneResource(SpreadsheetResource):
    # Read only: `commitment` is found by its number within this plan.
    plan = fields.Field(attribute="commitment__plan__number", column_name="plan", readonly=True)
    commitment = fields.Field(
        attribute="commitment", column_name="commitment", widget=CommitmentInPlanWidget()
    )
    constraint_fields = {"milestone_dates_in_order": "ends_on"}
    service_fields = ("status",)  # commitments.services.report_progress
    export_select_related = ("commitment__plan",)

    class Meta:
        model = Milestone
        fields = (
            "plan",
            "commitment",
            "number",
            "title_ar",
            "title_en",
            "expected_output_ar",
            "expected_output_en",
            "starts_on",
            "ends_on",
            "weight",
            "status",
            "evidence_ar",
            "evidence_en",
            "evidence_url",
        )
        import_id_fields = ("commitment", "number")


# Workspace sheets (imports.views): commitments as OGP lists them, milestones, progress


# A commitment created from a row that has only the English title keeps its Arabic title
# empty until someone translates it; that counts as missing for `missing_translations`, the
# stage-4 gate and publishing.
TRANSLATION_MISSING = ""


def field_label(model, name):
    return model._meta.get_field(name).verbose_name


class OrganisationIndex:
    """Organisations found by Arabic name, English name or acronym, after `normalise`."""

    def __init__(self):
        self.organisations = list(Organisation.objects.order_by("pk"))
        self.by_key: dict[str, list] = {}
        for organisation in self.organisations:
            keys = {organisation.name_ar, organisation.name_en, organisation.acronym}
            for key in {normalise(key) for key in keys if key}:
                self.by_key.setdefault(key, []).append(organisation)

    def find(self, name):
        """(organisation or None, ambiguous?)"""
        found = self.by_key.get(normalise(name), [])
        if len(found) > 1:
            return None, True
        return (found[0] if found else None), False

    def get(self, pk):
        return next((o for o in self.organisations if str(o.pk) == str(pk)), None)


def unknown_organisations(names: list[str], index: OrganisationIndex, choices: dict):
    """Resolve institution names; each unknown name is listed once, with the user's choice.

    Returns (resolved: normalised name → Organisation | dict for one to create | None,
    mappings for the preview, problems). A choice is posted as `map-<i>` = "create" or an
    organisation's pk, with `map-<i>-name_ar` and `map-<i>-sector` for a new one.
    """
    resolved, mappings, problems, unknown = {}, [], [], []
    for name in names:
        key = normalise(name)
        if key in resolved or key in {normalise(u) for u in unknown}:
            continue
        organisation, ambiguous = index.find(name)
        if organisation:
            resolved[key] = organisation
        else:
            unknown.append(name)
            resolved[key] = None
            if ambiguous:
                problems.append(
                    gettext_now("More than one organisation is called “%(name)s”.") % {"name": name}
                )
    for position, name in enumerate(unknown):
        key, prefix = normalise(name), f"map-{position}"
        choice = choices.get(prefix, "")
        latin = name.isascii()
        mapping = {
            "prefix": prefix,
            "name": name,
            "choice": choice,
            "name_ar": choices.get(f"{prefix}-name_ar", "" if latin else name),
            "name_en": name if latin else "",
            "sector": choices.get(f"{prefix}-sector", Sector.GOVERNMENT),
            "organisations": index.organisations,
            "sectors": Sector.choices,
            "error": "",
        }
        if choice == "create":
            if not mapping["name_ar"].strip():
                mapping["error"] = gettext_now("Write the Arabic name of the new organisation.")
            elif mapping["sector"] not in Sector.values:
                mapping["error"] = gettext_now("Choose the sector of the new organisation.")
            else:
                resolved[key] = {
                    "name_ar": mapping["name_ar"].strip(),
                    "name_en": mapping["name_en"],
                    "sector": mapping["sector"],
                }
        elif choice and index.get(choice):
            resolved[key] = index.get(choice)
        else:
            mapping["error"] = gettext_now(
                "Choose whether to create this organisation or which existing one it is."
            )
        if mapping["error"]:
            mapping["problem"] = gettext_now("Institution “%(name)s”: %(error)s") % {
                "name": name,
                "error": mapping["error"],
            }
            problems.append(mapping["problem"])
        mappings.append(mapping)
    return resolved, mappings, problems


def organisation_label(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return gettext_now("%(name)s (new)") % {"name": value["name_en"] or value["name_ar"]}
    return value.name


def created_organisations(resolved: dict, user) -> dict:
    """Create the organisations the user chose to create; normalised name → Organisation."""
    made = {}
    for key, value in resolved.items():
        if isinstance(value, dict):
            signature = value["name_ar"]
            if signature not in made:
                made[signature] = create_organisation(data=value, by=user)
            resolved[key] = made[signature]
    return resolved


COMMITMENT_TEXTS = ["title", "description"]
COMMITMENT_PLAIN = [
    "ogp_id",
    "lead_institution",
    "starts_on",
    "ends_on",
    "status",
    "contact_name",
    "contact_email",
]


def pairing_score(row_data, lead, commitment) -> int:
    """How well a row fits one of our commitments that has no OGP id yet: the lead
    institution first, then the dates, then the number."""
    score = 0
    if (
        lead is not None
        and not isinstance(lead, dict)
        and lead.pk == commitment.lead_institution_id
    ):
        score += 100
    if row_data.get("starts_on") and row_data["starts_on"] == commitment.starts_on:
        score += 10
    if row_data.get("ends_on") and row_data["ends_on"] == commitment.ends_on:
        score += 10
    if row_data.get("number") == commitment.number:
        score += 5
    return score


class CommitmentSheet(Sheet):
    kind = "commitments"
    title = _("Commitments")
    description = _(
        "A plan's commitments, for example OGP's published list: matched by OGP id, else "
        "paired with ours by lead institution, dates and number for you to confirm."
    )
    import_permissions = ("commitments.add_commitment", "commitments.change_commitment")
    export_permissions = ("commitments.view_commitment", "commitments.change_milestone")

    @property
    def columns(self):
        label = lambda name: field_label(Commitment, name)  # noqa: E731
        return [
            Column(
                "number",
                label("number"),
                "int",
                help=_("Our number of the commitment in the plan."),
                example="3",
                aliases=("رقم الالتزام", "commitment number", "no", "#"),
            ),
            Column(
                "ogp_id",
                label("ogp_id"),
                "key",
                help=_("OGP's id of the commitment."),
                example="JO0064",
                aliases=("ogp id", "commitment id", "id", "رمز الالتزام"),
            ),
            Column(
                "title_ar",
                label("title_ar"),
                help=_("Title in Arabic."),
                example="تعزيز النزاهة على المستوى الوطني",
                aliases=("العنوان", "عنوان الالتزام"),
            ),
            Column(
                "title_en",
                label("title_en"),
                help=_("Title in English."),
                example="Strengthening integrity at the national level",
                aliases=("title", "commitment title", "commitment"),
            ),
            Column(
                "description_ar",
                label("description_ar"),
                help=_("Brief description in Arabic."),
                aliases=("الوصف",),
            ),
            Column(
                "description_en",
                label("description_en"),
                help=_("Brief description in English."),
                aliases=("description", "brief description"),
            ),
            Column(
                "lead_institution",
                label("lead_institution"),
                "key",
                help=_("Arabic name, English name or acronym of an organisation."),
                example="Ministry of Youth",
                aliases=(
                    "lead institution",
                    "lead agency",
                    "institution",
                    "lead",
                    "الجهة المنفذة",
                    "الجهة المسؤولة",
                ),
            ),
            Column(
                "starts_on",
                label("starts_on"),
                "date",
                help=_("Start date."),
                example="2021-09-01",
                aliases=("start date", "start"),
            ),
            Column(
                "ends_on",
                label("ends_on"),
                "date",
                help=_("End date."),
                example="2025-08-31",
                aliases=("end date", "end", "تاريخ الانتهاء"),
            ),
            Column(
                "status",
                label("status"),
                "choice",
                help=_("Status of the commitment."),
                example=CommitmentStatus.DRAFT,
                choices=CommitmentStatus.choices,
            ),
            Column(
                "contact_name",
                label("contact_name"),
                help=_("Private: never published."),
                private=True,
            ),
            Column(
                "contact_email",
                label("contact_email"),
                help=_("Private: never published."),
                private=True,
            ),
        ]

    def export_rows(self, *, plan, user):
        commitments = (
            Commitment.objects.visible_to(user)
            .filter(plan=plan)
            .select_related("lead_institution")
            .order_by("number")
        )
        rows = []
        for commitment in commitments:
            row = {
                name: getattr(commitment, name)
                for name in (
                    "number",
                    "ogp_id",
                    "starts_on",
                    "ends_on",
                    "status",
                    "contact_name",
                    "contact_email",
                )
            }
            for base in COMMITMENT_TEXTS:
                for code in ("ar", "en"):
                    row[f"{base}_{code}"] = getattr(commitment, f"{base}_{code}").strip()
            row["lead_institution"] = commitment.lead_institution.name_ar
            rows.append(row)
        return rows

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        ours = list(
            Commitment.objects.filter(plan=plan)
            .select_related("plan", "lead_institution")
            .order_by("number")
        )
        by_number = {commitment.number: commitment for commitment in ours}
        ids = {
            normalise(c.ogp_id): c
            for c in Commitment.objects.exclude(ogp_id="").select_related(
                "plan", "lead_institution"
            )
        }
        # What a changed or new row could clash with: this plan's numbers, every OGP id.
        saved = SavedRows([*ours, *ids.values()])
        results, datas = [], []
        seen_ids, seen_numbers = {}, {}
        for index, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            data = self.read_row(table, index, result)
            if "ogp_id" in data:
                data["ogp_id"] = data["ogp_id"].upper()
                first = seen_ids.setdefault(normalise(data["ogp_id"]), number)
                if first != number:
                    result.error(
                        self.column("ogp_id").label,
                        gettext_now("Row %(first)s already has the same %(columns)s.")
                        % {"first": first, "columns": self.column("ogp_id").label},
                    )
            if "number" in data:
                first = seen_numbers.setdefault(data["number"], number)
                if first != number:
                    result.error(
                        self.column("number").label,
                        gettext_now("Row %(first)s already has the same %(columns)s.")
                        % {"first": first, "columns": self.column("number").label},
                    )
            results.append(result)
            datas.append(data)
        index = OrganisationIndex()
        resolved, preview.mappings, problems = unknown_organisations(
            [data["lead_institution"] for data in datas if "lead_institution" in data],
            index,
            choices,
        )
        preview.problems.extend(problems)
        leads = [
            resolved.get(normalise(data["lead_institution"]))
            if "lead_institution" in data
            else None
            for data in datas
        ]

        # Match: by OGP id, else by number; rows whose OGP id is new to us wait for pairing.
        matched: dict[int, Commitment] = {}
        to_pair = []
        for position, (result, data) in enumerate(zip(results, datas, strict=True)):
            if result.action == "error":
                continue
            ogp_id = data.get("ogp_id")
            number = data.get("number")
            if ogp_id:
                commitment = ids.get(normalise(ogp_id))
                if commitment is not None and commitment.plan_id != plan.pk:
                    result.error(
                        self.column("ogp_id").label,
                        gettext_now("OGP id %(id)s belongs to a commitment of plan %(plan)s.")
                        % {"id": ogp_id, "plan": commitment.plan.number},
                    )
                elif commitment is not None:
                    if number is not None and number != commitment.number:
                        self.flag(result, commitment, by_number.get(number), data)
                    else:
                        matched[position] = commitment
                elif number is not None and by_number.get(number) and by_number[number].ogp_id:
                    self.flag(result, None, by_number[number], data)
                else:
                    to_pair.append(position)
            elif number is not None:
                if number in by_number:
                    matched[position] = by_number[number]
                else:
                    result.action = "create"
            else:
                result.error("", gettext_now("The row needs an OGP id or a commitment number."))
        self.known_by_id(preview, matched, datas, leads, resolved)
        moved_proposals = self.pair(to_pair, results, datas, leads, ours, matched, choices)
        taken = {}
        for position, commitment in list(matched.items()):
            first = taken.setdefault(commitment.pk, results[position].number)
            if first != results[position].number:
                results[position].error(
                    "",
                    gettext_now("Row %(first)s is already paired with commitment %(number)s.")
                    % {"first": first, "number": commitment.number},
                )
                del matched[position]
        for position, (result, data) in enumerate(zip(results, datas, strict=True)):
            if result.action == "error":
                continue
            result.data = data
            if position in matched:
                self.describe_update(result, matched[position], data, leads[position], saved)
            elif result.action == "create":
                self.describe_create(result, data, leads[position], plan, saved)
        preview.rows = results
        preview.context = {"leads": leads, "resolved": resolved}
        preview.needs_review = moved_proposals
        return preview

    def known_by_id(self, preview, matched, datas, leads, resolved):
        """An unknown institution name used only on rows matched by OGP id, whose
        commitments all have the same lead, is that lead (the user mapped it on an earlier
        import): no need to ask again, and the lead does not change."""
        for mapping in list(preview.mappings):
            if mapping["choice"]:
                continue
            key = normalise(mapping["name"])
            positions = [
                p for p, data in enumerate(datas) if normalise(data.get("lead_institution")) == key
            ]
            if not positions or any(p not in matched for p in positions):
                continue
            current = {matched[p].lead_institution for p in positions}
            if len(current) != 1:
                continue
            organisation = current.pop()
            resolved[key] = organisation
            for p in positions:
                leads[p] = organisation
            preview.mappings.remove(mapping)
            preview.problems.remove(mapping["problem"])

    def flag(self, result, by_id, by_number, data):
        result.action = "flagged"
        target = by_number or by_id
        if target is not None:
            result.target, result.target_ar, result.target_en = (
                str(target.number),
                target.title_ar,
                target.title_en,
            )
        result.notes.append(
            gettext_now(
                "Number %(number)s in the file is our commitment %(number)s (OGP id “%(theirs)s”), "
                "but the row's OGP id is “%(ours)s”. Check the file: this row is not applied."
            )
            % {
                "number": data.get("number"),
                "theirs": by_number.ogp_id if by_number else "",
                "ours": data.get("ogp_id"),
            }
        )

    def pair(self, to_pair, results, datas, leads, ours, matched, choices):
        """Propose our commitments without an OGP id for rows whose OGP id is new; the
        user's choice (`pair-<row>`: a commitment's pk, "new" or "skip") wins. True when a
        proposal the user kept has moved since the last preview (they must look again).
        Nothing is kept on `self`: one sheet object serves every request."""
        moved = False
        free = [c for c in ours if not c.ogp_id and c not in matched.values()]
        proposal = {}
        scored = sorted(
            ((pairing_score(datas[p], leads[p], c), p, c.number, c) for p in to_pair for c in free),
            key=lambda item: (-item[0], item[1], item[2]),
        )
        used = set()
        for score, position, _number, commitment in scored:
            if score > 0 and position not in proposal and commitment.pk not in used:
                proposal[position] = commitment
                used.add(commitment.pk)
        left = [p for p in to_pair if p not in proposal]
        spare = [c for c in free if c.pk not in used]
        if len(left) == 1 and len(spare) == 1:
            # The last row and the last commitment without an OGP id: paired by elimination.
            proposal[left[0]] = spare[0]
        for position in to_pair:
            result = results[position]
            field = f"pair-{result.number}"
            proposed = proposal.get(position)
            proposed_value = str(proposed.pk) if proposed else "new"
            choice = choices.get(field)
            if choice is not None and choice == choices.get(f"proposed-{result.number}"):
                # The user kept what the last preview proposed: follow the proposal, which
                # may have moved since (an institution mapped in the same step).
                if choice != proposed_value:
                    moved = True
                choice = None
            options = [(str(c.pk), f"{c.number}. {c.title_ar.strip() or c.title_en}") for c in free]
            result.pairing = {
                "field": field,
                "options": options,
                "selected": choice or proposed_value,
                "proposed": proposed_value,
            }
            selected = result.pairing["selected"]
            if selected == "skip":
                result.action = "skip"
            elif selected == "new":
                result.action = "create"
            else:
                commitment = next((c for c in free if str(c.pk) == selected), None)
                if commitment is None:
                    result.error("", gettext_now("Choose one of the commitments listed."))
                else:
                    matched[position] = commitment
                    if choice is None:
                        result.notes.append(
                            gettext_now(
                                "Proposed by lead institution, dates and number: confirm or change."
                            )
                        )
        return moved

    def describe_update(self, result, commitment, data, lead, saved):
        result.obj = commitment
        result.target, result.target_ar, result.target_en = (
            str(commitment.number),
            commitment.title_ar,
            commitment.title_en,
        )
        labels = {"title": pgettext_label("title"), "description": pgettext_label("description")}
        changes = text_changes(commitment, data, COMMITMENT_TEXTS, labels)
        for name in COMMITMENT_PLAIN:
            if name == "lead_institution":
                if (
                    "lead_institution" in data
                    and lead is not None
                    and (isinstance(lead, dict) or lead.pk != commitment.lead_institution_id)
                ):
                    changes.append(
                        Change(
                            label=self.column(name).label,
                            old=commitment.lead_institution.name,
                            new=organisation_label(lead),
                        )
                    )
                continue
            if name in data and getattr(commitment, name) != data[name]:
                changes.append(
                    Change(
                        label=self.column(name).label,
                        old=display(getattr(commitment, name)),
                        new=display(data[name]),
                    )
                )
        result.changes = changes
        result.action = "update" if changes else "unchanged"
        if changes:
            self.check(result, commitment, data, lead, saved)

    def describe_create(self, result, data, lead, plan, saved):
        result.action = "create"
        if not data.get("title_ar") and not data.get("title_en"):
            result.error(
                self.column("title_ar").label,
                gettext_now("A new commitment needs a title in Arabic or English."),
            )
            return
        if "lead_institution" not in data:
            result.error(
                self.column("lead_institution").label,
                gettext_now("A new commitment needs its lead institution."),
            )
            return
        result.target_ar, result.target_en = data.get("title_ar", ""), data.get("title_en", "")
        if not data.get("title_ar") or not data.get("title_en"):
            result.notes.append(
                gettext_now("Translation missing: created as an unpublished draft.")
            )
        for name, value in data.items():
            label = self.column(name).label
            shown = organisation_label(lead) if name == "lead_institution" else display(value)
            result.changes.append(Change(label=label, new=shown))
        if lead is not None:
            candidate = self.new_commitment(plan, data, lead, number=data.get("number") or 0)
            self.check(result, candidate, {}, lead, saved, creating=True)

    def new_commitment(self, plan, data, lead, number):
        commitment = Commitment(plan=plan, number=number)
        for name in services.COMMITMENT_EDIT_FIELDS:
            if name in data and name != "lead_institution":
                setattr(commitment, name, data[name])
        if not commitment.title_ar:
            commitment.title_ar = TRANSLATION_MISSING
        commitment.status = data.get("status", CommitmentStatus.DRAFT)
        if not isinstance(lead, dict):
            commitment.lead_institution = lead
        return commitment

    def check(self, result, commitment, data, lead, saved, creating=False):
        """Run the model's checks on the row as it would be saved: errors beside the row.
        From the rows loaded for the file (`saved`), not a query per row."""
        import copy

        candidate = commitment if creating else copy.copy(commitment)
        for name, value in data.items():
            if name in services.COMMITMENT_EDIT_FIELDS and name != "lead_institution":
                setattr(candidate, name, value)
        exclude = ["lead_institution"] if isinstance(lead, dict) or lead is None else []
        if creating and not candidate.number:
            exclude.append("number")
        problems = problems_without_queries(
            candidate,
            others=saved,
            exclude=exclude,
            constraint_fields={"commitment_dates_in_order": "ends_on"},
        )
        for name, messages in problems.items():
            column = next((c.label for c in self.columns if c.name == name), "")
            for message in messages:
                result.error(column, message)

    def apply(self, preview, *, plan, user, now):
        resolved = created_organisations(preview.context["resolved"], user)
        next_number = (
            Commitment.objects.filter(plan=plan).aggregate(m=models_max("number"))["m"] or 0
        ) + 1
        for result in preview.rows:
            data = dict(result.data)
            if "lead_institution" in data:
                data["lead_institution"] = resolved[normalise(data["lead_institution"])]
            data = {k: v for k, v in data.items() if k in services.COMMITMENT_EDIT_FIELDS}
            try:
                if result.action == "update":
                    data.pop("number", None)
                    services.update_commitment(
                        commitment=result.obj,
                        data=data,
                        expected_version=result.obj.version,
                        by=user,
                    )
                elif result.action == "create":
                    if not data.get("number"):
                        data["number"] = next_number
                    next_number = max(next_number, data["number"]) + 1
                    if not data.get("title_ar"):
                        data["title_ar"] = TRANSLATION_MISSING
                    data.setdefault("status", CommitmentStatus.DRAFT)
                    services.create_commitment(plan=plan, data=data, by=user)
            except ValidationError as error:
                raise ValidationError(
                    [
                        gettext_now("Row %(row)s: %(error)s")
                        % {"row": result.number, "error": message}
                        for message in error.messages
                    ]
                ) from error


def pgettext_label(base):
    return {"title": _("title"), "description": _("brief description")}[base]


def models_max(name):
    from django.db.models import Max

    return Max(name)


class ProgressSheet(Sheet):
    """The ministries' quarterly sheet: one row per milestone reported on. Only the listed
    milestones change, each through `report_progress` (kept as a progress report)."""

    kind = "progress"
    title = _("Milestone progress")
    description = _(
        "Progress of milestones as the ministries report it: commitment (number or OGP id), "
        "milestone number, status, percent done, what was done."
    )
    import_permissions = ("commitments.change_commitment", "commitments.add_progressreport")
    export_permissions = ("commitments.view_milestone", "commitments.change_milestone")

    @property
    def columns(self):
        return [
            Column(
                "commitment",
                field_label(Milestone, "commitment"),
                "key",
                required=True,
                help=_("Our commitment number, or its OGP id."),
                example="3",
                aliases=("رقم الالتزام", "commitment number", "ogp id"),
            ),
            Column(
                "milestone",
                field_label(ProgressReport, "milestone"),
                "int",
                required=True,
                help=_("Number of the milestone within the commitment."),
                example="2",
                aliases=("رقم النشاط", "النشاط", "milestone number"),
            ),
            Column(
                "title",
                field_label(Milestone, "title_ar"),
                help=_("For reading only; not imported."),
                aliases=("اسم النشاط", "عنوان النشاط"),
            ),
            Column(
                "status",
                field_label(Milestone, "status"),
                "choice",
                help=_("Empty: unchanged."),
                example=MilestoneStatus.IN_PROGRESS,
                choices=MilestoneStatus.choices,
                aliases=("حالة النشاط",),
            ),
            Column(
                "progress_percent",
                field_label(Milestone, "progress_percent"),
                "percent",
                help=_("0 to 100; empty: unchanged."),
                example="40",
                aliases=("نسبة الإنجاز", "الإنجاز", "percent", "progress"),
            ),
            Column(
                "narrative",
                field_label(ProgressReport, "narrative"),
                help=_("What was done in the period."),
                aliases=("ملاحظات", "ما تم إنجازه", "الإنجازات", "narrative", "notes"),
            ),
        ]

    def milestones(self, plan, user):
        return (
            Milestone.objects.filter(
                commitment__in=Commitment.objects.visible_to(user).filter(plan=plan)
            )
            .select_related("commitment")
            .order_by("commitment__number", "number")
        )

    def export_rows(self, *, plan, user):
        return [
            {
                "commitment": milestone.commitment.number,
                "milestone": milestone.number,
                "title": milestone.title_ar,
                "status": milestone.status,
                "progress_percent": milestone.progress_percent,
                "narrative": "",
            }
            for milestone in self.milestones(plan, user)
        ]

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        milestones = list(self.milestones(plan, user))
        by_key = {}
        for milestone in milestones:
            commitment = milestone.commitment
            by_key[(str(commitment.number), milestone.number)] = milestone
            if commitment.ogp_id:
                by_key[(normalise(commitment.ogp_id), milestone.number)] = milestone
        statuses = dict(MilestoneStatus.choices)
        seen = {}
        for index, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            data = self.read_row(table, index, result)
            for name in ("commitment", "milestone"):
                if name not in data and result.action != "error":
                    result.error(self.column(name).label, gettext_now("This cell is required."))
            if result.action == "error":
                preview.rows.append(result)
                continue
            key = (normalise(data["commitment"]), data["milestone"])
            milestone = by_key.get(key)
            if milestone is None:
                result.error(
                    self.column("milestone").label,
                    gettext_now(
                        "Commitment %(commitment)s has no milestone %(milestone)s in this plan."
                    )
                    % {"commitment": data["commitment"], "milestone": data["milestone"]},
                )
                preview.rows.append(result)
                continue
            first = seen.setdefault(milestone.pk, number)
            if first != number:
                result.error(
                    self.column("milestone").label,
                    gettext_now("Row %(first)s already reports on this milestone.")
                    % {"first": first},
                )
                preview.rows.append(result)
                continue
            result.obj = milestone
            result.target = f"{milestone.commitment.number}.{milestone.number}"
            result.target_ar, result.target_en = milestone.title_ar, milestone.title_en
            status = data.get("status", milestone.status)
            percent = (
                100
                if status == MilestoneStatus.COMPLETED
                else data.get("progress_percent", milestone.progress_percent)
            )
            narrative = data.get("narrative", "")
            result.data = {"status": status, "progress_percent": percent, "narrative": narrative}
            if status != milestone.status:
                result.changes.append(
                    Change(
                        label=self.column("status").label,
                        old=statuses[milestone.status],
                        new=statuses[status],
                    )
                )
            if percent != milestone.progress_percent:
                result.changes.append(
                    Change(
                        label=self.column("progress_percent").label,
                        old=f"{milestone.progress_percent}%",
                        new=f"{percent}%",
                    )
                )
            if narrative:
                result.changes.append(Change(label=self.column("narrative").label, new=narrative))
            result.action = "update" if result.changes else "unchanged"
            preview.rows.append(result)
        return preview

    def apply(self, preview, *, plan, user, now):
        for result in preview.rows:
            if result.action != "update":
                continue
            try:
                services.report_progress(milestone=result.obj, by=user, now=now, **result.data)
            except ValidationError as error:
                raise ValidationError(
                    [
                        gettext_now("Row %(row)s: %(error)s")
                        % {"row": result.number, "error": message}
                        for message in error.messages
                    ]
                ) from error


MILESTONE_TEXTS = ["title", "expected_output"]
MILESTONE_PLAIN = ["starts_on", "ends_on", "weight"]
# A new milestone needs these cells (the commitment form requires them too).
NEW_MILESTONE_NEEDS = ["title_ar", "starts_on", "ends_on", "weight"]


def same_value(old, new) -> bool:
    """A cell equal to what is saved: texts compared as exported (ends trimmed, one kind of
    line end), so an exported sheet imports back with no change."""
    if isinstance(old, str) and isinstance(new, str):
        return old.replace("\r\n", "\n").strip() == new.replace("\r\n", "\n").strip()
    return old == new


class MilestoneSheet(Sheet):
    """The milestones' wording, dates and weights, one row per milestone, matched by
    commitment and milestone number. Each commitment the file changes is saved through
    `services.update_milestones`, the commitment form's save: the weights must add up to
    100, and an approval letter for the earlier wording no longer matches."""

    kind = "milestones"
    title = _("Milestones and weights")
    description = _(
        "Create and edit the milestones of a plan's commitments: titles and expected outputs "
        "in Arabic and English, start and end dates, weights. A row is matched by commitment "
        "and milestone number; an empty cell changes nothing. Each commitment's weights must "
        "still add up to 100. Status and percent done are in the milestone progress sheet."
    )
    import_permissions = (
        "commitments.change_commitment",
        "commitments.add_milestone",
        "commitments.change_milestone",
    )
    export_permissions = ("commitments.view_milestone", "commitments.change_milestone")

    @property
    def columns(self):
        label = lambda name: field_label(Milestone, name)  # noqa: E731
        return [
            Column(
                "commitment",
                label("commitment"),
                "key",
                required=True,
                help=_("Our commitment number in the plan, or its OGP id."),
                example="3",
                aliases=("رقم الالتزام", "commitment number", "ogp id", "commitment id"),
            ),
            Column(
                "milestone",
                field_label(ProgressReport, "milestone"),
                "int",
                required=True,
                help=_(
                    "Number of the milestone within the commitment. A number the commitment "
                    "does not have yet adds a milestone: number new ones on from the last."
                ),
                example="2",
                aliases=("number", "milestone number", "رقم النشاط", "النشاط"),
            ),
            Column(
                "title_ar",
                label("title_ar"),
                help=_("Required for a new milestone."),
                example="إطلاق منصة البيانات المفتوحة",
                aliases=("اسم النشاط", "عنوان النشاط"),
            ),
            Column(
                "title_en",
                label("title_en"),
                example="Launch of the open data platform",
                aliases=("title", "milestone title"),
            ),
            Column("expected_output_ar", label("expected_output_ar")),
            Column("expected_output_en", label("expected_output_en")),
            Column(
                "starts_on",
                label("starts_on"),
                "date",
                help=_("Required for a new milestone."),
                example="2022-01-01",
                aliases=("start date", "start"),
            ),
            Column(
                "ends_on",
                label("ends_on"),
                "date",
                help=_("Required for a new milestone."),
                example="2022-06-30",
                aliases=("end date", "end"),
            ),
            Column(
                "weight",
                label("weight"),
                "int",
                help=_(
                    "Share of the commitment's progress. Required for a new milestone; the "
                    "weights of a commitment's milestones add up to 100."
                ),
                example="25",
                aliases=("الوزن النسبي",),
            ),
        ]

    def commitments(self, plan, user):
        from django.db.models import Prefetch

        return list(
            Commitment.objects.visible_to(user)
            .filter(plan=plan)
            .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("number")))
            .order_by("number")
        )

    def export_rows(self, *, plan, user):
        rows = []
        for commitment in self.commitments(plan, user):
            for milestone in commitment.milestones.all():
                row = {"commitment": commitment.number, "milestone": milestone.number}
                for name in services.MILESTONE_EDIT_FIELDS:
                    value = getattr(milestone, name)
                    row[name] = value.strip() if isinstance(value, str) else value
                rows.append(row)
        return rows

    def analyse(self, table, *, plan, user, choices):
        preview = Preview()
        commitments = self.commitments(plan, user)
        by_key = {}
        for commitment in commitments:
            by_key[str(commitment.number)] = commitment
            if commitment.ogp_id:
                by_key[normalise(commitment.ogp_id)] = commitment
        saved = SavedRows(m for c in commitments for m in c.milestones.all())
        approved = self.approved_for_current_text(plan, commitments)
        changes: dict[int, dict] = {}  # commitment pk → {milestone number → fields}
        rows_of: dict[int, list] = {}  # commitment pk → its changing rows
        seen = {}
        for index, number in enumerate(table.row_numbers):
            result = RowResult(number=number)
            preview.rows.append(result)
            data = self.read_row(table, index, result)
            for name in ("commitment", "milestone"):
                label = self.column(name).label
                if name not in data and not any(column == label for column, _m in result.errors):
                    result.error(label, gettext_now("This cell is required."))
            commitment = None
            if "commitment" in data:
                commitment = by_key.get(normalise(data["commitment"]))
                if commitment is None:
                    result.error(
                        self.column("commitment").label,
                        gettext_now("There is no commitment %(commitment)s in this plan.")
                        % {"commitment": data["commitment"]},
                    )
            if result.action == "error":
                continue
            position = data["milestone"]
            first = seen.setdefault((commitment.pk, position), number)
            if first != number:
                result.error(
                    self.column("milestone").label,
                    gettext_now("Row %(first)s already has the same %(columns)s.")
                    % {
                        "first": first,
                        "columns": f"{self.column('commitment').label}, "
                        f"{self.column('milestone').label}",
                    },
                )
                continue
            milestone = next((m for m in commitment.milestones.all() if m.number == position), None)
            fields = {name: data[name] for name in services.MILESTONE_EDIT_FIELDS if name in data}
            result.target = f"{commitment.number}.{position}"
            if milestone is None:
                self.describe_create(result, commitment, position, fields, saved)
            else:
                fields = {
                    name: value
                    for name, value in fields.items()
                    if not same_value(getattr(milestone, name), value)
                }
                self.describe_update(result, milestone, fields, saved)
            if result.action in ("create", "update", "error"):
                changes.setdefault(commitment.pk, {})[position] = fields
                rows_of.setdefault(commitment.pk, []).append(result)
            if result.action in ("create", "update") and commitment.pk in approved:
                result.notes.append(
                    gettext_now(
                        "The lead institution approved this commitment's current text; after "
                        "this change its approval letter is for an earlier text."
                    )
                )
        for commitment in commitments:
            if commitment.pk in changes:
                preview.problems.extend(
                    self.commitment_problems(commitment, changes[commitment.pk], rows_of)
                )
        preview.context = {
            "changes": [(c, changes[c.pk]) for c in commitments if c.pk in changes],
        }
        return preview

    def approved_for_current_text(self, plan, commitments) -> set[int]:
        """Commitments whose lead institution approved the text they have now."""
        from .models import ApprovalLetter, Decision

        current = {c.pk: c for c in commitments}
        approved = set()
        letters = ApprovalLetter.objects.filter(
            commitment__plan=plan, decision=Decision.APPROVED
        ).only("commitment_id", "organisation_id", "text_fingerprint")
        for letter in letters:
            commitment = current.get(letter.commitment_id)
            if (
                commitment is not None
                and letter.organisation_id == commitment.lead_institution_id
                and letter.text_fingerprint == commitment.text_fingerprint()
            ):
                approved.add(commitment.pk)
        return approved

    def commitment_problems(self, commitment, changes, rows_of) -> list[str]:
        """The commitment form's rules on the commitment as the file leaves it."""
        milestones = list(commitment.milestones.all())
        problems = services.numbering_problems(milestones, changes)
        if not any(row.action == "error" for row in rows_of[commitment.pk]):
            rows = services.merged_milestones(milestones, changes)
            total = sum(int(row.data.get("weight") or 0) for row in rows)
            if total != services.TOTAL_WEIGHT:
                problems.append(
                    gettext_now(
                        "The milestone weights would add up to %(total)s; they must add up "
                        "to %(expected)s."
                    )
                    % {"total": total, "expected": services.TOTAL_WEIGHT}
                )
        return [
            gettext_now("Commitment %(number)s: %(problem)s")
            % {"number": commitment.number, "problem": problem}
            for problem in problems
        ]

    def describe_update(self, result, milestone, fields, saved):
        result.obj = milestone
        result.target_ar, result.target_en = milestone.title_ar, milestone.title_en
        result.data = fields
        labels = {
            "title": gettext_now("Milestone title"),
            "expected_output": gettext_now("Expected output"),
        }
        result.changes = text_changes(milestone, fields, MILESTONE_TEXTS, labels)
        for name in MILESTONE_PLAIN:
            if name in fields:
                change = field_change(milestone, name, fields[name], self.column(name).label)
                if change:
                    result.changes.append(change)
        result.action = "update" if result.changes else "unchanged"
        if result.changes:
            import copy

            candidate = copy.copy(milestone)
            for name, value in fields.items():
                setattr(candidate, name, value)
            self.check(result, candidate, saved)

    def describe_create(self, result, commitment, position, fields, saved):
        result.action = "create"
        result.data = fields
        result.target_ar = fields.get("title_ar", "")
        result.target_en = fields.get("title_en", "")
        for name in NEW_MILESTONE_NEEDS:
            if name not in fields:
                result.error(
                    self.column(name).label, gettext_now("A new milestone needs this cell.")
                )
        for name, value in fields.items():
            result.changes.append(Change(label=self.column(name).label, new=display(value)))
        if result.action != "error":
            candidate = Milestone(commitment=commitment, number=position, **fields)
            self.check(result, candidate, saved)

    def check(self, result, candidate, saved):
        """The model's checks on the milestone as it would be saved, from what is loaded."""
        problems = problems_without_queries(
            candidate,
            others=saved,
            constraint_fields={"milestone_dates_in_order": "ends_on"},
        )
        for name, messages in problems.items():
            column = "milestone" if name == "number" else name
            label = next((c.label for c in self.columns if c.name == column), "")
            for message in messages:
                result.error(label, message)

    def apply(self, preview, *, plan, user, now):
        for commitment, changes in preview.context["changes"]:
            try:
                services.update_milestones(
                    commitment=commitment,
                    changes=changes,
                    expected_version=commitment.version,
                    by=user,
                )
            except StaleEdit:
                raise ValidationError(
                    gettext_now(
                        "Commitment %(number)s was saved by someone else during the import. "
                        "Upload the file again to see the changes against it."
                    )
                    % {"number": commitment.number}
                ) from None
            except ValidationError as error:
                raise ValidationError(
                    [
                        gettext_now("Commitment %(number)s: %(problem)s")
                        % {"number": commitment.number, "problem": message}
                        for message in error.messages
                    ]
                ) from error


register(CommitmentSheet())
register(MilestoneSheet())
register(ProgressSheet())
