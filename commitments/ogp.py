"""The commitments in OGP's own data columns: what OGP publishes for every member's
commitments, one row per commitment, in English with an Arabic twin. Open data
(`public.opendata`) and the IRM evidence package write these rows; the workspace import
reads a file in the same columns (`OGPCommitmentSheet`), so a file OGP publishes, or one we
exported, round-trips.

Theme is read from the commitment's policy areas, the country, region and year from its
plan, and the four assessment columns from the IRM's assessment (`commitments.irm`).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.sheets import Change, Column, display, register

from .models import OGP_VALUE_FIELDS, Commitment
from .resources import CommitmentSheet

# OGP's column names, in OGP's order (they are the file's headers in both languages).
IDENTIFIER = "Commitment Unique Identifier"
COUNTRY = "Country/Locality"
REGION = "Region"
THEME = "Theme"
YEAR = "Year Of Submission"
PLAN_NUMBER = "Action Plan Number"
NUMBER = "Commitment Number"
TITLE = "Title"
SHORT_TITLE = "Short Title"
FULL_TEXT = "Full Text"
LEAD = "Lead Institution"
SUPPORTING = "Supporting Institution(s)"
URL = "URL"
# The four OGP values, and the model's flag for each.
VALUE_COLUMNS = {
    "transparency": "Access to Information",
    "civic_participation": "Civic Participation",
    "public_accountability": "Public Accountability",
    "technology_innovation": "Technology & Innovation for Transparency & Accountability",
}
VERIFIABILITY = "Verifiability"
POTENTIAL = "Potential Impact"
COMPLETION = "Completion"
OPENED = "Did It Open Government?"

COLUMNS = [
    (IDENTIFIER, _("OGP identifier of the commitment, e.g. JO0064")),
    (COUNTRY, _("Country of the plan")),
    (REGION, _("OGP region of the country")),
    (THEME, _("Policy areas of the commitment, separated by semicolons")),
    (YEAR, _("Year the action plan was submitted")),
    (PLAN_NUMBER, _("Number of the action plan (4 for the 4th)")),
    (NUMBER, _("Number of the commitment in its plan")),
    (TITLE, _("Title")),
    (SHORT_TITLE, _("Short title")),
    (FULL_TEXT, _("Brief description")),
    (LEAD, _("Lead institution")),
    (SUPPORTING, _("Supporting institutions, separated by semicolons")),
    (URL, _("Address of the commitment page on this site")),
    *[
        (name, _("Yes when the commitment is relevant to this OGP value"))
        for name in VALUE_COLUMNS.values()
    ],
    (VERIFIABILITY, _("Whether the IRM found it verifiable (Specificity in older reports)")),
    (POTENTIAL, _("The IRM's potential impact")),
    (COMPLETION, _("The IRM's completion")),
    (OPENED, _("The IRM's answer to “Did it open government?”")),
]
COLUMN_NAMES = [name for name, _description in COLUMNS]

COUNTRIES = {"JO": (_("Jordan"), _("Middle East and North Africa"))}


def ogp_commitments(queryset):
    """The commitments with what the rows read, in plan and number order (four queries)."""
    return (
        queryset.select_related(
            "plan",
            "lead_institution",
            "irm_assessment__design_report",
            "irm_assessment__results_report",
        )
        .prefetch_related("supporting_institutions", "policy_areas")
        .order_by("plan__number", "number")
    )


def yes_no(value) -> str:
    return str(_("Yes") if value else _("No"))


def ogp_row(commitment: Commitment, language: str) -> dict:
    """One commitment in OGP's columns, its texts and labels in `language`."""
    plan = commitment.plan
    irm = commitment.irm
    with translation.override(language):
        country, region = COUNTRIES.get(plan.country_code, (plan.country_code, ""))
        year = plan.published_on or plan.starts_on
        separator = "؛ " if language == "ar" else "; "
        row = {
            IDENTIFIER: commitment.ogp_id,
            COUNTRY: str(country),
            REGION: str(region),
            THEME: separator.join(
                getattr(area, f"name_{language}") or area.name_ar
                for area in sorted(commitment.policy_areas.all(), key=lambda a: a.name_ar)
            ),
            YEAR: year.year if year else "",
            PLAN_NUMBER: plan.number,
            NUMBER: commitment.number,
            TITLE: getattr(commitment, f"title_{language}"),
            SHORT_TITLE: getattr(commitment, f"short_title_{language}"),
            FULL_TEXT: getattr(commitment, f"description_{language}"),
            LEAD: getattr(commitment.lead_institution, f"name_{language}")
            or commitment.lead_institution.name_ar,
            SUPPORTING: separator.join(
                getattr(o, f"name_{language}") or o.name_ar
                for o in sorted(commitment.supporting_institutions.all(), key=lambda o: o.name_ar)
            ),
            URL: settings.SITE_URL + commitment.get_absolute_url(),
            **{VALUE_COLUMNS[flag]: yes_no(getattr(commitment, flag)) for flag in OGP_VALUE_FIELDS},
            VERIFIABILITY: yes_no(irm.verifiable) if irm else "",
            POTENTIAL: irm.get_potential_for_results_display()
            if irm and irm.potential_for_results
            else "",
            COMPLETION: irm.get_completion_display() if irm and irm.completion else "",
            OPENED: irm.get_opened_government_display() if irm and irm.opened_government else "",
        }
    return {name: str(value) if value is not None else "" for name, value in row.items()}


# --- the workspace import -------------------------------------------------------------

# Our column, and the OGP headers that name it (besides the commitment sheet's own).
OGP_ALIASES = {
    "ogp_id": (IDENTIFIER,),
    "number": (NUMBER,),
    "title_en": (TITLE,),
    "description_en": (FULL_TEXT,),
    "lead_institution": (LEAD,),
}
EXTRA_FIELDS = ["short_title_en", *OGP_VALUE_FIELDS]


class OGPCommitmentSheet(CommitmentSheet):
    """The commitment sheet reading OGP's columns: the English file OGP publishes (or ours,
    from open data) updates the matching commitments, and one exported unchanged changes
    nothing. Columns the portal computes (country, region, year, URL, the IRM's) are read
    from elsewhere and ignored here."""

    kind = "ogp_commitments"
    title = _("Commitments in OGP's columns")
    description = _(
        "OGP's commitments data for a plan (the English file): matched by OGP id, like the"
        " commitments sheet, with short titles and the four OGP value flags."
    )

    @property
    def columns(self):
        columns = []
        for column in super().columns:
            extra = OGP_ALIASES.get(column.name)
            if extra:
                column.aliases = (*column.aliases, *extra)
            columns.append(column)
        columns.append(
            Column(
                "short_title_en",
                Commitment._meta.get_field("short_title_en").verbose_name,
                aliases=(SHORT_TITLE,),
            )
        )
        for flag in OGP_VALUE_FIELDS:
            columns.append(
                Column(
                    flag,
                    Commitment._meta.get_field(flag).verbose_name,
                    "bool",
                    aliases=(VALUE_COLUMNS[flag],),
                )
            )
        return columns

    def describe_update(self, result, commitment, data, lead, writes):
        super().describe_update(result, commitment, data, lead, writes)
        extra = [
            name
            for name in EXTRA_FIELDS
            if name in data and data[name] != getattr(commitment, name)
        ]
        if not extra:
            return
        for name in extra:
            result.changes.append(
                Change(
                    label=self.column(name).label,
                    old=display(getattr(commitment, name)),
                    new=display(data[name]),
                )
            )
        result.changed = set(result.changed) | set(extra)
        if result.action == "unchanged":
            result.action = "update"


register(OGPCommitmentSheet())
