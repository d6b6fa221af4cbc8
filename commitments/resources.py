"""Spreadsheet import/export of commitments and milestones.

A commitment row names its plan by number and its institutions by their Arabic names;
a milestone row names its commitment by plan number and commitment number.
"""

import copy
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy
from import_export import fields, widgets

from core.arabic import normalise
from core.concurrency import StaleEdit
from core.i18n import isolated
from core.sheets import (
    Change,
    Column,
    Preview,
    RowResult,
    Sheet,
    Write,
    display,
    dry_run,
    field_change,
    field_label,
    model_problems,
    register,
    report_problems,
    row_error,
    text_changes,
)
from core.spreadsheets import (
    SpreadsheetResource,
    list_text,
)
from plans.models import ActionPlan, Organisation, OrganisationName, Sector
from plans.services import create_organisation, remember_organisation_name

from . import services
from .models import (
    APPROVED_TEXT_FIELDS,
    ApprovalLetter,
    Commitment,
    CommitmentStatus,
    Decision,
    Milestone,
    MilestoneStatus,
    PolicyArea,
    ProgressReport,
)


class CommitmentResource(SpreadsheetResource):
    plan = fields.Field(
        attribute="plan", column_name="plan", widget=widgets.ForeignKeyWidget(ActionPlan, "number")
    )
    lead_institution = fields.Field(
        attribute="lead_institution",
        column_name="lead_institution",
        widget=widgets.ForeignKeyWidget(Organisation, "name_ar"),
    )
    supporting_institutions = fields.Field(
        attribute="supporting_institutions",
        column_name="supporting_institutions",
        widget=widgets.ManyToManyWidget(Organisation, separator="|", field="name_ar"),
    )
    policy_areas = fields.Field(
        attribute="policy_areas",
        column_name="policy_areas",
        widget=widgets.ManyToManyWidget(PolicyArea, separator="|", field="name_ar"),
    )
    constraint_fields = {"commitment_dates_in_order": "ends_on"}
    export_select_related = ("plan", "lead_institution")
    export_prefetch_related = ("supporting_institutions", "policy_areas")

    class Meta:
        model = Commitment
        # Every field the services write, then what moves through its own service.
        fields = (
            "plan",
            *services.COMMITMENT_EDIT_FIELDS,
            "policy_areas",
            "supporting_institutions",
            "is_published",
        )


class MilestoneResource(SpreadsheetResource):
    # A milestone's commitment is its number within the plan of the `plan` column.
    plan = fields.Field(attribute="commitment__plan__number", column_name="plan", readonly=True)
    commitment = fields.Field(
        attribute="commitment",
        column_name="commitment",
        widget=widgets.ForeignKeyWidget(Commitment, "number"),
    )
    constraint_fields = {"milestone_dates_in_order": "ends_on"}
    export_select_related = ("commitment__plan",)

    class Meta:
        model = Milestone
        fields = (
            "plan",
            "commitment",
            "number",
            *services.MILESTONE_EDIT_FIELDS,
            *services.MILESTONE_PROGRESS_FIELDS,
        )


# Workspace sheets (imports.views): commitments as OGP lists them, milestones, progress


# A commitment created from a row that has only the English title keeps its Arabic title
# empty until someone translates it; that counts as missing for `missing_translations`, the
# stage-4 gate and publishing.
TRANSLATION_MISSING = ""


class OrganisationIndex:
    """Organisations found by Arabic name, English name, acronym or another name a user
    confirmed on an earlier import (`OrganisationName`), after `normalise`."""

    def __init__(self):
        self.organisations = list(Organisation.objects.order_by("pk"))
        by_pk = {organisation.pk: organisation for organisation in self.organisations}
        self.by_key: dict[str, list] = {}
        for organisation in self.organisations:
            keys = {organisation.name_ar, organisation.name_en, organisation.acronym}
            for key in {normalise(key) for key in keys if key}:
                self.by_key.setdefault(key, []).append(organisation)
        self.remembered = {
            other.key: by_pk[other.organisation_id]
            for other in OrganisationName.objects.all()
            if other.organisation_id in by_pk
        }
        # The same words in another spelling ("&" for "and", another case or article).
        self.by_words: dict[frozenset, set] = {}
        for organisation in self.organisations:
            for name in (organisation.name_ar, organisation.name_en):
                if len(words(name)) >= 2:
                    self.by_words.setdefault(frozenset(words(name)), set()).add(organisation)

    def find(self, name):
        """(organisation or None, ambiguous?): by one of its names or acronym, by a name a
        user confirmed before, or by the same words written another way."""
        key = normalise(name)
        found = self.by_key.get(key, [])
        if len(found) > 1:
            return None, True
        if found:
            return found[0], False
        if key in self.remembered:
            return self.remembered[key], False
        same = self.by_words.get(frozenset(words(name)), set())
        if len(same) > 1:
            return None, True
        return next(iter(same), None), False

    def get(self, pk):
        return next((o for o in self.organisations if str(o.pk) == str(pk)), None)

    def alike(self, name) -> list:
        """Organisations whose names share most words with `name`, best first."""
        scored = []
        for organisation in self.organisations:
            names = (organisation.name_ar, organisation.name_en)
            ratio = max(similarity(name, other) for other in names)
            if ratio >= NAME_ALIKE:
                scored.append((-ratio, organisation.pk, organisation))
        return [organisation for _ratio, _pk, organisation in sorted(scored)]


# Words that say little about which commitment or organisation a text names.
STOP_WORDS = {"the", "and", "for", "with", "from", "into", "through", "its", "their", "ogp"}
ARTICLES = ("وال", "بال", "لل", "ال")
# Shares of words in common from which two titles, or two names, count as alike.
TITLE_ALIKE = 0.34
NAME_ALIKE = 0.5


def words(text) -> set[str]:
    """The words of `text` that carry meaning, after `normalise`: no punctuation, no short
    or common words, the Arabic article taken off."""
    found = set()
    for word in re.split(r"\W+", normalise(text)):
        for article in ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= 3:
                word = word[len(article) :]
                break
        if len(word) >= 3 and word not in STOP_WORDS:
            found.add(word)
    return found


def similarity(one, other) -> float:
    """The share of words two texts have in common (Dice), 0 when either is empty."""
    first, second = words(one), words(other)
    if not first or not second:
        return 0.0
    return 2 * len(first & second) / (len(first) + len(second))


def unknown_organisations(names: list[str], index: OrganisationIndex, choices: dict):
    """Resolve institution names; each unknown name is listed once, with the user's choice.

    Returns (resolved: normalised name → Organisation | unsaved Organisation to create |
    None, mappings for the preview, problems). A choice is posted as `map-<i>` = "create" or
    an organisation's pk, with `map-<i>-name_ar` and `map-<i>-sector` for a new one.
    """
    resolved, mappings, problems, unknown = {}, [], [], []
    for name in names:
        key = normalise(name)
        if key in resolved:
            continue
        organisation, ambiguous = index.find(name)
        resolved[key] = organisation
        if organisation is None:
            unknown.append(name)
            if ambiguous:
                problems.append(
                    gettext("More than one organisation is called “%(name)s”.")
                    % {"name": isolated(name)}
                )
    to_create: dict[str, Organisation] = {}
    for position, name in enumerate(unknown):
        key, prefix = normalise(name), f"map-{position}"
        choice = choices.get(prefix, "")
        latin = not any("\u0600" <= letter <= "\u06ff" for letter in name)
        alike = index.alike(name)
        mapping = {
            "prefix": prefix,
            "name": name,
            "key": key,
            "choice": choice,
            "name_ar": choices.get(f"{prefix}-name_ar", "" if latin else name),
            "name_en": name if latin else "",
            "sector": choices.get(f"{prefix}-sector", Sector.GOVERNMENT),
            "alike": alike[:3],
            "organisations": alike + [o for o in index.organisations if o not in alike],
            "sectors": Sector.choices,
            "error": "",
        }
        if choice == "create":
            mapping["error"] = new_organisation_problem(mapping, index)
            if not mapping["error"]:
                data = {
                    "name_ar": mapping["name_ar"].strip(),
                    "name_en": mapping["name_en"],
                    "sector": mapping["sector"],
                }
                resolved[key] = to_create.setdefault(data["name_ar"], Organisation(**data))
        elif choice and index.get(choice):
            resolved[key] = index.get(choice)
        else:
            mapping["error"] = gettext(
                "Choose whether to create this organisation or which existing one it is."
            )
        if mapping["error"]:
            mapping["problem"] = gettext("Institution “%(name)s”: %(error)s") % {
                "name": isolated(name),
                "error": mapping["error"],
            }
            problems.append(mapping["problem"])
        mappings.append(mapping)
    return resolved, mappings, problems


def new_organisation_problem(mapping, index) -> str:
    """Why the organisation the user asked to create cannot be, or ""."""
    name_ar = mapping["name_ar"].strip()
    if not name_ar:
        return gettext("Write the Arabic name of the new organisation.")
    if mapping["sector"] not in Sector.values:
        return gettext("Choose the sector of the new organisation.")
    existing, _ambiguous = index.find(name_ar)
    if existing is not None or normalise(name_ar) in index.by_key:
        return gettext(
            "An organisation is already called “%(name)s”: choose it in the list instead."
        ) % {"name": isolated(name_ar)}
    problems = model_problems(Organisation(name_ar=name_ar, sector=mapping["sector"]))
    return " ".join(message for messages in problems.values() for message in messages)


def organisation_label(value) -> str:
    if value is None:
        return ""
    if value.pk is None:
        return gettext("%(name)s (new)") % {"name": value.name_en or value.name_ar}
    return value.name


def created_organisations(resolved: dict, user) -> dict:
    """Create the organisations the user chose to create; normalised name → Organisation."""
    made = {}
    for key, value in resolved.items():
        if value is not None and value.pk is None:
            if value.name_ar not in made:
                made[value.name_ar] = create_organisation(
                    data={
                        "name_ar": value.name_ar,
                        "name_en": value.name_en,
                        "sector": value.sector,
                    },
                    by=user,
                )
            resolved[key] = made[value.name_ar]
    return resolved


COMMITMENT_TEXTS = ["title", "description"]
COMMITMENT_PLAIN = [
    "number",
    "ogp_id",
    "lead_institution",
    "starts_on",
    "ends_on",
    "status",
    "contact_name",
    "contact_email",
]
# Fields of a commitment the public site never shows.
PRIVATE_FIELDS = {"contact_name", "contact_title", "contact_email", "contact_phone"}
# Below this, the evidence is too thin to propose a pairing: the user chooses.
PROPOSAL_SCORE = 30


def pairing_evidence(data, lead, lead_name, commitment) -> tuple[int, list[str]]:
    """How strongly the file's row and one of our commitments are the same commitment, and
    why, in words: titles alike in either language, the same lead institution (by any of
    its names), the same dates. The row's position and its number say nothing."""
    score, reasons = 0, []
    best = 0.0
    for code, label in (("ar", gettext("Arabic")), ("en", gettext("English"))):
        ratio = similarity(data.get(f"title_{code}"), getattr(commitment, f"title_{code}"))
        if ratio >= TITLE_ALIKE:
            best = max(best, ratio)
            reasons.append(
                gettext("The titles in %(language)s share %(percent)s%% of their words.")
                % {"language": label, "percent": round(ratio * 100)}
            )
    score += round(60 * best)
    ours = commitment.lead_institution
    if lead is not None and lead.pk is not None and lead.pk == ours.pk:
        score += 30
        if normalise(lead_name) in {normalise(lead.name_ar), normalise(lead.name_en)}:
            reasons.append(
                gettext("The same lead institution: %(name)s.") % {"name": isolated(lead.name)}
            )
        else:
            reasons.append(
                gettext("The same lead institution: %(name)s (the file says “%(file)s”).")
                % {"name": isolated(lead.name), "file": isolated(lead_name)}
            )
    elif lead is None and lead_name:
        # A name we do not know yet (the user is asked which organisation it is): a name
        # like our lead's is some evidence, less than the same organisation.
        ratio = max(similarity(lead_name, ours.name_ar), similarity(lead_name, ours.name_en))
        if ratio >= NAME_ALIKE:
            score += 20
            reasons.append(
                gettext("The file's lead institution “%(file)s” has a name like ours: %(name)s.")
                % {"file": isolated(lead_name), "name": isolated(ours.name)}
            )
    for name, reason in (
        ("starts_on", gettext("The same start date.")),
        ("ends_on", gettext("The same end date.")),
    ):
        if data.get(name) and data[name] == getattr(commitment, name):
            score += 5
            reasons.append(reason)
    return score, reasons


class CommitmentSheet(Sheet):
    kind = "commitments"
    title = gettext_lazy("Commitments")
    description = gettext_lazy(
        "A plan's commitments, for example OGP's published list: matched by OGP id, else "
        "paired with ours by the evidence in the file (titles, lead institution, dates) for "
        "you to confirm. The file's numbering never replaces ours unless you ask."
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
                help=gettext_lazy(
                    "Our number of the commitment in the plan. In a file from OGP, its own "
                    "order: it changes our numbers only if you ask."
                ),
                example="3",
                aliases=("رقم الالتزام", "commitment number", "no", "no.", "commitment no.", "#"),
            ),
            Column(
                "ogp_id",
                label("ogp_id"),
                "key",
                help=gettext_lazy("OGP's id of the commitment."),
                example="JO0064",
                aliases=("ogp id", "commitment id", "id", "رمز الالتزام"),
            ),
            Column(
                "title_ar",
                label("title_ar"),
                help=gettext_lazy("Title in Arabic."),
                example="تعزيز النزاهة على المستوى الوطني",
                aliases=("العنوان", "عنوان الالتزام"),
            ),
            Column(
                "title_en",
                label("title_en"),
                help=gettext_lazy("Title in English."),
                example="Strengthening integrity at the national level",
                aliases=("title", "commitment title", "commitment"),
            ),
            Column(
                "description_ar",
                label("description_ar"),
                help=gettext_lazy("Brief description in Arabic."),
                aliases=("الوصف",),
            ),
            Column(
                "description_en",
                label("description_en"),
                help=gettext_lazy("Brief description in English."),
                aliases=("description", "brief description"),
            ),
            Column(
                "lead_institution",
                label("lead_institution"),
                "key",
                help=gettext_lazy("Arabic name, English name or acronym of an organisation."),
                example="Ministry of Youth",
                aliases=(
                    "lead institution",
                    "lead institution en",
                    "lead_institution_en",
                    "lead institution ar",
                    "lead_institution_ar",
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
                help=gettext_lazy("Start date."),
                example="2021-09-01",
                aliases=("start date", "start"),
            ),
            Column(
                "ends_on",
                label("ends_on"),
                "date",
                help=gettext_lazy("End date."),
                example="2025-08-31",
                aliases=("end date", "end", "تاريخ الانتهاء"),
            ),
            Column(
                "status",
                label("status"),
                "choice",
                help=gettext_lazy("Status of the commitment."),
                example=CommitmentStatus.DRAFT,
                choices=CommitmentStatus.choices,
            ),
            Column(
                "contact_name",
                label("contact_name"),
                help=gettext_lazy("Private: never published."),
                private=True,
            ),
            Column(
                "contact_email",
                label("contact_email"),
                help=gettext_lazy("Private: never published."),
                private=True,
            ),
        ]

    def options(self, choices) -> dict:
        """The user's choices for the whole file, with their defaults."""
        numbers = choices.get("opt-numbers", "keep")
        text = choices.get("opt-text", "all")
        return {
            "numbers": numbers if numbers in ("keep", "file") else "keep",
            "text": text if text in ("all", "ids") else "all",
        }

    def option_fields(self, options) -> list:
        return [
            {
                "name": "opt-text",
                "label": gettext("What to take from the file"),
                "value": options["text"],
                "choices": [
                    ("all", gettext("The file's texts, dates and institutions, and OGP ids")),
                    ("ids", gettext("Only OGP ids: keep our texts as they are")),
                ],
            },
            {
                "name": "opt-numbers",
                "label": gettext("Commitment numbers"),
                "value": options["numbers"],
                "choices": [
                    ("keep", gettext("Keep our numbers (the file's numbering is OGP's order)")),
                    ("file", gettext("Number our commitments as the file does")),
                ],
            },
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
        options = self.options(choices)
        preview.options = self.option_fields(options)
        ours = list(
            Commitment.objects.filter(plan=plan)
            .select_related("plan", "lead_institution")
            .prefetch_related("milestones")
            .order_by("number")
        )
        by_number = {commitment.number: commitment for commitment in ours}
        ids = {
            normalise(c.ogp_id): c
            for c in Commitment.objects.exclude(ogp_id="").select_related(
                "plan", "lead_institution"
            )
        }
        results, datas = self.read_rows(table)
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

        # Match by OGP id, else by our number when the row has no OGP id; every other row
        # is paired from the evidence.
        matched: dict[int, Commitment] = {}
        to_pair = []
        for position, (result, data) in enumerate(zip(results, datas, strict=True)):
            if result.action == "error":
                continue
            ogp_id, number = data.get("ogp_id"), data.get("number")
            if ogp_id:
                commitment = ids.get(normalise(ogp_id))
                if commitment is not None and commitment.plan_id != plan.pk:
                    result.error(
                        self.column("ogp_id").label,
                        gettext("OGP id %(id)s belongs to a commitment of plan %(plan)s.")
                        % {"id": ogp_id, "plan": commitment.plan.number},
                    )
                elif commitment is not None:
                    matched[position] = commitment
                else:
                    to_pair.append(position)
            elif number is not None:
                # No OGP id: the file is ours (an export, the template) and so is its number.
                if number in by_number:
                    matched[position] = by_number[number]
                else:
                    result.action = "create"
            elif data.get("title_ar") or data.get("title_en"):
                to_pair.append(position)
            else:
                result.error(
                    "", gettext("The row needs an OGP id, a commitment number or a title.")
                )
        self.known_by_id(preview, matched, datas, leads, resolved)
        preview.needs_review = self.pair(to_pair, results, datas, leads, ours, matched, choices)
        taken = {}
        for position, commitment in list(matched.items()):
            first = taken.setdefault(commitment.pk, results[position].number)
            if first != results[position].number:
                results[position].error(
                    "",
                    gettext("Row %(first)s is already paired with commitment %(number)s.")
                    % {"first": first, "number": commitment.number},
                )
                del matched[position]
        new_numbers = self.new_numbers(results, datas, matched, by_number, options)
        writes, pending_leads = [], []
        for position, (result, data) in enumerate(zip(results, datas, strict=True)):
            if result.action == "error":
                continue
            if position in matched:
                fields = self.fields_to_change(result, matched[position], data, options)
                self.describe_update(
                    result, matched[position], fields, leads[position], (writes, pending_leads)
                )
            elif result.action == "create":
                if options["text"] == "ids":
                    result.action = "skip"
                    result.notes.append(gettext("Not created: you chose to record only OGP ids."))
                    continue
                result.data = {**data, "number": new_numbers[position]}
                self.describe_create(
                    result, result.data, leads[position], plan, (writes, pending_leads)
                )
        renumbered = [
            row.obj for row in results if row.action == "update" and "number" in row.changed
        ]
        dry_run(
            writes,
            label_of=self.label_of,
            before=lambda: self.before_writes(pending_leads, renumbered),
            constraint_fields=CommitmentResource.constraint_fields,
        )
        preview.rows = results
        preview.consequences = self.consequences(plan, ours, results)
        preview.context = {
            "resolved": resolved,
            "remember": [
                (mapping["name"], resolved[mapping["key"]])
                for mapping in preview.mappings
                if resolved.get(mapping["key"]) is not None
                and resolved[mapping["key"]].pk is not None
            ],
            "renumbered": renumbered,
        }
        return preview

    def read_rows(self, table):
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
                        gettext("Row %(first)s already has the same %(columns)s.")
                        % {"first": first, "columns": self.column("ogp_id").label},
                    )
            if "number" in data:
                first = seen_numbers.setdefault(data["number"], number)
                if first != number:
                    result.error(
                        self.column("number").label,
                        gettext("Row %(first)s already has the same %(columns)s.")
                        % {"first": first, "columns": self.column("number").label},
                    )
            results.append(result)
            datas.append(data)
        return results, datas

    def before_writes(self, pending_leads, renumbered):
        """In the dry run: the organisations the user chose to create exist (as twins, so
        that the ones the preview keeps stay unsaved), and the commitments to renumber are
        out of the way of each other's numbers."""
        made = {}
        for candidate, lead in pending_leads:
            if lead.name_ar not in made:
                twin = Organisation(name_ar=lead.name_ar, name_en=lead.name_en, sector=lead.sector)
                Organisation.objects.bulk_create([twin])
                made[lead.name_ar] = twin.pk
            candidate.lead_institution_id = made[lead.name_ar]
        if renumbered:
            services.make_room_for_numbers(commitments=renumbered)

    def known_by_id(self, preview, matched, datas, leads, resolved):
        """An unknown institution name used only on rows matched by OGP id, whose
        commitments all have the same lead, is that lead: no need to ask, and the lead
        does not change."""
        for mapping in list(preview.mappings):
            if mapping["choice"]:
                continue
            key = mapping["key"]
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

    def pair(self, to_pair, results, datas, leads, ours, matched, choices):
        """Pair the rows whose OGP id is new to us with our commitments that have none.

        The user's choice (`pair-<row>`: a commitment's pk, "new" or "skip") wins; the
        other rows get the best proposal the evidence supports (titles, lead institution,
        dates: `pairing_evidence`), each of our commitments proposed once, none when two
        fit equally well. True when a proposal the user kept has moved since the last
        preview (they must look again). Nothing is kept on `self`: one sheet object serves
        every request."""
        free = [c for c in ours if not c.ogp_id and c not in matched.values()]
        explicit = {}
        for position in to_pair:
            number = results[position].number
            choice = choices.get(f"pair-{number}")
            if choice is not None and choice != choices.get(f"proposed-{number}"):
                explicit[position] = choice
        chosen = {value for value in explicit.values() if value not in ("new", "skip")}
        evidence = {
            (position, c.pk): pairing_evidence(
                datas[position], leads[position], datas[position].get("lead_institution"), c
            )
            for position in to_pair
            for c in free
        }
        proposal = {}
        scored = sorted(
            (
                (-evidence[(p, c.pk)][0], p, c.number, c)
                for p in to_pair
                if p not in explicit
                for c in free
                if str(c.pk) not in chosen and evidence[(p, c.pk)][0] >= PROPOSAL_SCORE
            ),
            key=lambda item: item[:3],
        )
        used, undecided = set(), set()
        for negative, position, _number, commitment in scored:
            if position in proposal or position in undecided or commitment.pk in used:
                continue
            rivals = [
                c
                for c in free
                if c.pk != commitment.pk
                and c.pk not in used
                and str(c.pk) not in chosen
                and evidence[(position, c.pk)][0] == -negative
            ]
            if rivals:
                undecided.add(position)  # two of ours fit equally well: the user says
                continue
            proposal[position] = commitment
            used.add(commitment.pk)
        moved = False
        for position in to_pair:
            result = results[position]
            field = f"pair-{result.number}"
            proposed = proposal.get(position)
            # Nothing shows which of ours it is, or two fit equally: the user says (it may
            # be a new commitment); with none of ours free, it is new.
            fallback = "" if free else "new"
            proposed_value = str(proposed.pk) if proposed is not None else fallback
            choice = explicit.get(position)
            kept = choices.get(field)
            if choice is None and kept is not None and kept != proposed_value:
                moved = True  # the user kept a proposal that has changed since
            ranked = sorted(free, key=lambda c: (-evidence[(position, c.pk)][0], c.number))
            selected = choice or proposed_value
            result.pairing = {
                "field": field,
                "options": [
                    (str(c.pk), f"{c.number}. {c.title_ar.strip() or c.title_en}") for c in ranked
                ],
                "selected": selected,
                "proposed": proposed_value,
                "evidence": [],
            }
            if selected == "skip":
                result.action = "skip"
            elif selected == "new":
                result.action = "create"
            elif selected == "":
                result.error(
                    "",
                    gettext(
                        "The file does not show which of our commitments this row is: "
                        "choose it, or a new commitment, or skip the row."
                    ),
                )
            else:
                commitment = next((c for c in free if str(c.pk) == selected), None)
                if commitment is None:
                    result.error("", gettext("Choose one of the commitments listed."))
                    continue
                matched[position] = commitment
                reasons = evidence[(position, commitment.pk)][1]
                result.pairing["evidence"] = reasons or [
                    gettext("Nothing in the file links this row to the commitment chosen.")
                ]
                if choice is None:
                    result.notes.append(
                        gettext("Proposed from the evidence below: confirm or change.")
                    )
        return moved

    def fields_to_change(self, result, commitment, data, options) -> dict:
        """What the row may change on our commitment: with "only OGP ids", its OGP id; our
        number only if the user asked for the file's numbering."""
        if options["text"] == "ids":
            return {"ogp_id": data["ogp_id"]} if data.get("ogp_id") else {}
        fields = dict(data)
        number = fields.get("number")
        if options["numbers"] == "keep" or number is None:
            fields.pop("number", None)
            if number is not None and number != commitment.number:
                result.notes.append(
                    gettext(
                        "The file numbers this commitment %(file)s; it keeps our number %(ours)s."
                    )
                    % {"file": number, "ours": commitment.number}
                )
        return fields

    def new_numbers(self, results, datas, matched, by_number, options) -> dict[int, int]:
        """The number each new commitment gets: the file's when it is free (always, when the
        user asked for the file's numbering), otherwise the next free one."""
        taken = set(by_number)
        creating = [
            position
            for position, result in enumerate(results)
            if result.action == "create" and position not in matched
        ]
        numbers = {}
        for position in creating:
            number = datas[position].get("number")
            if number is not None and (options["numbers"] == "file" or number not in taken):
                numbers[position] = number
                taken.add(number)
        next_number = max(taken, default=0) + 1
        for position in creating:
            if position in numbers:
                continue
            numbers[position] = next_number
            wanted = datas[position].get("number")
            if wanted is not None:
                results[position].notes.append(
                    gettext(
                        "Number %(file)s is ours for another commitment: this one will be "
                        "%(number)s."
                    )
                    % {"file": wanted, "number": next_number}
                )
            next_number += 1
        return numbers

    def describe_update(self, result, commitment, data, lead, writes):
        result.obj = commitment
        result.data = data
        result.target, result.target_ar, result.target_en = (
            str(commitment.number),
            commitment.title_ar,
            commitment.title_en,
        )
        labels = {"title": text_label("title"), "description": text_label("description")}
        changes = text_changes(commitment, data, COMMITMENT_TEXTS, labels)
        changed = {
            f"{base}_{code}"
            for base in COMMITMENT_TEXTS
            for code in ("ar", "en")
            if f"{base}_{code}" in data
            and data[f"{base}_{code}"] != getattr(commitment, f"{base}_{code}")
        }
        for name in COMMITMENT_PLAIN:
            if name == "lead_institution":
                if (
                    "lead_institution" in data
                    and lead is not None
                    and (lead.pk is None or lead.pk != commitment.lead_institution_id)
                ):
                    changed.add(name)
                    changes.append(
                        Change(
                            label=self.column(name).label,
                            old=commitment.lead_institution.name,
                            new=organisation_label(lead),
                        )
                    )
                continue
            if name in data and getattr(commitment, name) != data[name]:
                changed.add(name)
                changes.append(
                    Change(
                        label=self.column(name).label,
                        old=display(getattr(commitment, name)),
                        new=display(data[name]),
                    )
                )
        result.changes = changes
        result.changed = changed
        result.action = "update" if changes else "unchanged"
        if changes:
            candidate = copy.copy(commitment)
            self.check(result, candidate, data, lead, writes, fields=sorted(changed))

    def describe_create(self, result, data, lead, plan, writes):
        result.action = "create"
        if not data.get("title_ar") and not data.get("title_en"):
            result.error(
                self.column("title_ar").label,
                gettext("A new commitment needs a title in Arabic or English."),
            )
            return
        if "lead_institution" not in data:
            result.error(
                self.column("lead_institution").label,
                gettext("A new commitment needs its lead institution."),
            )
            return
        result.target = str(data["number"])
        result.target_ar, result.target_en = data.get("title_ar", ""), data.get("title_en", "")
        if not data.get("title_ar") or not data.get("title_en"):
            result.notes.append(gettext("Translation missing: created as an unpublished draft."))
        for name, value in data.items():
            label = self.column(name).label
            shown = organisation_label(lead) if name == "lead_institution" else display(value)
            result.changes.append(Change(label=label, new=shown))
        if lead is not None:
            candidate = Commitment(plan=plan, number=data["number"])
            candidate.status = CommitmentStatus.DRAFT
            candidate.title_ar = TRANSLATION_MISSING
            self.check(result, candidate, data, lead, writes, fields=None)

    def check(self, result, candidate, data, lead, pending, *, fields):
        """The model's checks on the row as it would be saved, beside the row; the
        database's rules (unique numbers and OGP ids, dates in order...) in the dry run."""
        writes, pending_leads = pending
        for name, value in data.items():
            if name in services.COMMITMENT_EDIT_FIELDS and name != "lead_institution":
                setattr(candidate, name, value)
        exclude = []
        if lead is not None and "lead_institution" in data:
            if lead.pk is None:
                exclude.append("lead_institution")
                pending_leads.append((candidate, lead))
            else:
                candidate.lead_institution = lead
        report_problems(result, model_problems(candidate, exclude=exclude), self.label_of)
        writes.append(Write(result, candidate, fields))

    def consequences(self, plan, ours, results) -> list[str]:
        """What confirming changes beyond the rows, in words for the preview."""
        changing = {row.obj.pk: row for row in results if row.action == "update"}
        creating = [row for row in results if row.action == "create"]
        if not changing and not creating:
            return []
        found = []

        def ask(text):
            found.append({"text": text, "ask": True})

        def say(text):
            found.append({"text": text, "ask": False})

        stale = []
        approved = approved_for_current_text(plan, ours)
        for commitment in ours:
            row = changing.get(commitment.pk)
            if row is None:
                continue
            if commitment.pk in approved and row.changed & (
                set(APPROVED_TEXT_FIELDS) | {"lead_institution"}
            ):
                stale.append(commitment.number)
        if stale:
            ask(
                gettext(
                    "The lead institution's approval of commitments %(numbers)s will be for "
                    "an earlier text: each must be approved again before stage 5 can close."
                )
                % {"numbers": numbers_text(stale)}
            )
        public = set(Commitment.objects.published().filter(plan=plan).values_list("pk", flat=True))
        shown = sorted(
            commitment.number
            for commitment in ours
            if commitment.pk in public
            and commitment.pk in changing
            and changing[commitment.pk].changed - PRIVATE_FIELDS
        )
        if shown:
            ask(
                gettext(
                    "The public pages of commitments %(numbers)s will change, in Arabic and "
                    "English, and so will the public draft PDF of the plan."
                )
                % {"numbers": numbers_text(shown)}
            )
        say(
            gettext(
                "The staff draft PDF of the plan will be made again. Each changed commitment "
                "gets a new version: a form opened on it before the import can no longer be "
                "saved."
            )
        )
        if creating:
            say(
                gettext(
                    "%(count)s new commitments are created unpublished: the public site does "
                    "not show them until they are published."
                )
                % {"count": len(creating)}
            )
        return found

    def apply(self, preview, *, plan, user, now):
        resolved = created_organisations(preview.context["resolved"], user)
        for name, organisation in preview.context["remember"]:
            remember_organisation_name(organisation=organisation, name=name)
        if preview.context["renumbered"]:
            services.make_room_for_numbers(commitments=preview.context["renumbered"])
        for result in preview.rows:
            if result.action not in ("update", "create"):
                continue
            data = dict(result.data)
            if "lead_institution" in data:
                data["lead_institution"] = resolved[normalise(data["lead_institution"])]
            data = {k: v for k, v in data.items() if k in services.COMMITMENT_EDIT_FIELDS}
            try:
                if result.action == "update":
                    services.update_commitment(
                        commitment=result.obj,
                        data=data,
                        expected_version=result.obj.version,
                        by=user,
                    )
                else:
                    if not data.get("title_ar"):
                        data["title_ar"] = TRANSLATION_MISSING
                    data.setdefault("status", CommitmentStatus.DRAFT)
                    services.create_commitment(plan=plan, data=data, by=user)
            except StaleEdit:
                raise ValidationError(
                    gettext(
                        "Commitment %(number)s was saved by someone else during the import. "
                        "Upload the file again to see the changes against it."
                    )
                    % {"number": result.obj.number}
                ) from None
            except ValidationError as error:
                raise row_error(result.number, error) from error


def numbers_text(numbers) -> str:
    return list_text(str(number) for number in sorted(numbers))


def approved_for_current_text(plan, commitments) -> set[int]:
    """Commitments whose lead institution approved the text they have now (milestones
    prefetched on `commitments`)."""
    current = {c.pk: c for c in commitments}
    approved = set()
    letters = ApprovalLetter.objects.filter(commitment__plan=plan, decision=Decision.APPROVED).only(
        "commitment_id", "organisation_id", "text_fingerprint"
    )
    for letter in letters:
        commitment = current.get(letter.commitment_id)
        if (
            commitment is not None
            and letter.organisation_id == commitment.lead_institution_id
            and letter.text_fingerprint == commitment.text_fingerprint()
        ):
            approved.add(commitment.pk)
    return approved


def text_label(base):
    return {"title": gettext("title"), "description": gettext("brief description")}[base]


class ProgressSheet(Sheet):
    """The ministries' quarterly sheet: one row per milestone reported on. Only the listed
    milestones change, each through `report_progress` (kept as a progress report)."""

    kind = "progress"
    title = gettext_lazy("Milestone progress")
    description = gettext_lazy(
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
                help=gettext_lazy("Our commitment number, or its OGP id."),
                example="3",
                aliases=("رقم الالتزام", "commitment number", "ogp id"),
            ),
            Column(
                "milestone",
                field_label(ProgressReport, "milestone"),
                "int",
                required=True,
                help=gettext_lazy("Number of the milestone within the commitment."),
                example="2",
                aliases=("رقم النشاط", "النشاط", "milestone number"),
            ),
            Column(
                "title",
                field_label(Milestone, "title_ar"),
                help=gettext_lazy("For reading only; not imported."),
                aliases=("اسم النشاط", "عنوان النشاط"),
            ),
            Column(
                "status",
                field_label(Milestone, "status"),
                "choice",
                help=gettext_lazy("Empty: unchanged."),
                example=MilestoneStatus.IN_PROGRESS,
                choices=MilestoneStatus.choices,
                aliases=("حالة النشاط",),
            ),
            Column(
                "progress_percent",
                field_label(Milestone, "progress_percent"),
                "percent",
                help=gettext_lazy("0 to 100; empty: unchanged."),
                example="40",
                aliases=("نسبة الإنجاز", "الإنجاز", "percent", "progress"),
            ),
            Column(
                "narrative",
                field_label(ProgressReport, "narrative"),
                help=gettext_lazy("What was done in the period."),
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
                    result.error(self.column(name).label, gettext("This cell is required."))
            if result.action == "error":
                preview.rows.append(result)
                continue
            key = (normalise(data["commitment"]), data["milestone"])
            milestone = by_key.get(key)
            if milestone is None:
                result.error(
                    self.column("milestone").label,
                    gettext(
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
                    gettext("Row %(first)s already reports on this milestone.") % {"first": first},
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
                raise row_error(result.number, error) from error


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
    title = gettext_lazy("Milestones and weights")
    description = gettext_lazy(
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
                help=gettext_lazy("Our commitment number in the plan, or its OGP id."),
                example="3",
                aliases=("رقم الالتزام", "commitment number", "ogp id", "commitment id"),
            ),
            Column(
                "milestone",
                field_label(ProgressReport, "milestone"),
                "int",
                required=True,
                help=gettext_lazy(
                    "Number of the milestone within the commitment. A number the commitment "
                    "does not have yet adds a milestone: number new ones on from the last."
                ),
                example="2",
                aliases=("number", "milestone number", "رقم النشاط", "النشاط"),
            ),
            Column(
                "title_ar",
                label("title_ar"),
                help=gettext_lazy("Required for a new milestone."),
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
                help=gettext_lazy("Required for a new milestone."),
                example="2022-01-01",
                aliases=("start date", "start"),
            ),
            Column(
                "ends_on",
                label("ends_on"),
                "date",
                help=gettext_lazy("Required for a new milestone."),
                example="2022-06-30",
                aliases=("end date", "end"),
            ),
            Column(
                "weight",
                label("weight"),
                "int",
                help=gettext_lazy(
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
        writes = []
        approved = approved_for_current_text(plan, commitments)
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
                    result.error(label, gettext("This cell is required."))
            commitment = None
            if "commitment" in data:
                commitment = by_key.get(normalise(data["commitment"]))
                if commitment is None:
                    result.error(
                        self.column("commitment").label,
                        gettext("There is no commitment %(commitment)s in this plan.")
                        % {"commitment": data["commitment"]},
                    )
            if result.action == "error":
                continue
            position = data["milestone"]
            first = seen.setdefault((commitment.pk, position), number)
            if first != number:
                result.error(
                    self.column("milestone").label,
                    gettext("Row %(first)s already has the same %(columns)s.")
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
                self.describe_create(result, commitment, position, fields, writes)
            else:
                fields = {
                    name: value
                    for name, value in fields.items()
                    if not same_value(getattr(milestone, name), value)
                }
                self.describe_update(result, milestone, fields, writes)
            if result.action in ("create", "update", "error"):
                changes.setdefault(commitment.pk, {})[position] = fields
                rows_of.setdefault(commitment.pk, []).append(result)
            if result.action in ("create", "update") and commitment.pk in approved:
                result.notes.append(
                    gettext(
                        "The lead institution approved this commitment's current text; after "
                        "this change its approval letter is for an earlier text."
                    )
                )
        for commitment in commitments:
            if commitment.pk in changes:
                preview.problems.extend(
                    self.commitment_problems(commitment, changes[commitment.pk], rows_of)
                )
        dry_run(
            writes,
            label_of=self.label_of,
            constraint_fields=MilestoneResource.constraint_fields,
        )
        preview.context = {
            "changes": [(c, changes[c.pk]) for c in commitments if c.pk in changes],
        }
        return preview

    def commitment_problems(self, commitment, changes, rows_of) -> list[str]:
        """The commitment form's rules on the commitment as the file leaves it."""
        milestones = list(commitment.milestones.all())
        problems = services.numbering_problems(milestones, changes)
        if not any(row.action == "error" for row in rows_of[commitment.pk]):
            rows = services.merged_milestones(milestones, changes)
            total = sum(int(row.data.get("weight") or 0) for row in rows)
            if total != services.TOTAL_WEIGHT:
                problems.append(
                    gettext(
                        "The milestone weights would add up to %(total)s; they must add up "
                        "to %(expected)s."
                    )
                    % {"total": total, "expected": services.TOTAL_WEIGHT}
                )
        return [
            gettext("Commitment %(number)s: %(problem)s")
            % {"number": commitment.number, "problem": problem}
            for problem in problems
        ]

    def describe_update(self, result, milestone, fields, writes):
        result.obj = milestone
        result.target_ar, result.target_en = milestone.title_ar, milestone.title_en
        result.data = fields
        labels = {
            "title": gettext("Milestone title"),
            "expected_output": gettext("Expected output"),
        }
        result.changes = text_changes(milestone, fields, MILESTONE_TEXTS, labels)
        for name in MILESTONE_PLAIN:
            if name in fields:
                change = field_change(milestone, name, fields[name], self.column(name).label)
                if change:
                    result.changes.append(change)
        result.action = "update" if result.changes else "unchanged"
        if result.changes:
            candidate = copy.copy(milestone)
            for name, value in fields.items():
                setattr(candidate, name, value)
            self.check(result, candidate, writes, list(fields))

    def describe_create(self, result, commitment, position, fields, writes):
        result.action = "create"
        result.data = fields
        result.target_ar = fields.get("title_ar", "")
        result.target_en = fields.get("title_en", "")
        for name in NEW_MILESTONE_NEEDS:
            if name not in fields:
                result.error(self.column(name).label, gettext("A new milestone needs this cell."))
        for name, value in fields.items():
            result.changes.append(Change(label=self.column(name).label, new=display(value)))
        if result.action != "error":
            candidate = Milestone(commitment=commitment, number=position, **fields)
            self.check(result, candidate, writes, None)

    def check(self, result, candidate, writes, fields):
        """The model's checks on the milestone as it would be saved; the database's in the
        dry run of the whole file."""
        report_problems(result, model_problems(candidate), self.label_of)
        writes.append(Write(result, candidate, fields))

    def label_of(self, name):
        return super().label_of("milestone" if name == "number" else name)

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
                    gettext(
                        "Commitment %(number)s was saved by someone else during the import. "
                        "Upload the file again to see the changes against it."
                    )
                    % {"number": commitment.number}
                ) from None
            except ValidationError as error:
                raise ValidationError(
                    [
                        gettext("Commitment %(number)s: %(problem)s")
                        % {"number": commitment.number, "problem": message}
                        for message in error.messages
                    ]
                ) from error


register(CommitmentSheet())
register(MilestoneSheet())
register(ProgressSheet())
