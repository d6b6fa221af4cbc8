"""Commitments (the OGP template), milestones, agency approval letters, IRM assessments."""

import functools
import hashlib
import json
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import not_before, not_empty, one_of, percent_done, positive
from core.i18n import Translated, bilingual_names, choice_label
from core.roles import is_agency_scoped
from core.storage import private_storage
from plans.models import ActionPlan, Organisation, on_public_plan


class PolicyArea(models.Model):
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    name = Translated("name")

    class Meta:
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")
        ordering = ["name_ar"]
        constraints = [
            models.UniqueConstraint(fields=["name_ar"], name="policyarea_unique_name_ar"),
        ]

    def __str__(self):
        return self.name


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under review")
    AGREED = "agreed", _("Agreed")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The parts of the OGP template with the headings every page, letter and document gives
# them, in the template's order: the texts each commitment needs (the title first; its
# relevance stands with the OGP values), and the optional additional information. Stage 4
# ("develop commitments") completes only when every needed text is written in both
# languages (`Commitment.template_gaps`).
TEMPLATE_SECTIONS = [
    ("title", _("Title")),
    ("description", _("Brief description")),
    ("problem", _("Problem addressed")),
    ("causes", _("Causes of the problem")),
    ("status_quo", _("What has been done so far")),
    ("solution", _("What the commitment does")),
    ("how_it_solves", _("How it solves the problem")),
    ("results", _("Results expected")),
]
RELEVANCE_SECTION = ("relevance", _("Relevance to OGP values"))
ADDITIONAL_SECTIONS = [
    ("budget", _("Budget")),
    ("national_plan_links", _("Links to national plans and strategies")),
]
TEMPLATE_TEXT_NAMES = [name for name, _heading in [*TEMPLATE_SECTIONS, RELEVANCE_SECTION]]
ADDITIONAL_TEXT_NAMES = [name for name, _heading in ADDITIONAL_SECTIONS]

# The parts of the commitment whose wording an agency approves: the template text and
# the milestones (see `Commitment.approved_text`). Editing any of them makes earlier
# approval letters stale.
APPROVED_TEXT_FIELDS = bilingual_names(TEMPLATE_TEXT_NAMES)
# The milestone fields staff write (the workspace form, the admin, the sheets); an agency
# approves them with the milestone's number.
MILESTONE_EDIT_FIELDS = [
    "title_ar",
    "title_en",
    "expected_output_ar",
    "expected_output_en",
    "starts_on",
    "ends_on",
    "weight",
]
APPROVED_MILESTONE_FIELDS = ["number", *MILESTONE_EDIT_FIELDS]

# The 17 Sustainable Development Goals, by number.
SDG_CHOICES = [(number, str(number)) for number in range(1, 18)]


OGP_VALUE_FIELDS = [
    "transparency",
    "civic_participation",
    "public_accountability",
    "technology_innovation",
]


class CommitmentQuerySet(models.QuerySet):
    def published(self):
        """What the public may read: published commitments of the site's public plans."""
        return self.filter(on_public_plan(), is_published=True)

    def in_plan(self, plan):
        return self.filter(plan=plan)

    def of_agencies(self, user):
        """Commitments whose lead or supporting institution has `user` as a focal point."""
        return self.filter(
            Q(lead_institution__focal_points=user) | Q(supporting_institutions__focal_points=user)
        ).distinct()

    def visible_to(self, user):
        """What a workspace user may open: everything, except that an agency focal point
        sees only the commitments of their own agencies."""
        if is_agency_scoped(user):
            return self.of_agencies(user)
        return self

    def for_listing(self):
        """What a list of commitments shows: lead institution, milestone weights, and the
        plan (each card links through `plan.number`)."""
        return self.select_related("plan", "lead_institution").prefetch_related("milestones")

    def for_detail(self):
        """Everything a commitment's detail pages show, in a fixed number of queries."""
        return self.with_milestones().prefetch_related("supporting_institutions", "policy_areas")

    def with_milestones(self):
        """The commitments with their plan, lead institution and IRM assessment, and their
        milestones in their order within their commitment (the model's own ordering, by
        commitment and hence by plan, would join both tables to sort them again)."""
        return self.select_related(
            "plan",
            "lead_institution",
            "irm_assessment__design_report",
            "irm_assessment__results_report",
        ).prefetch_related(
            models.Prefetch("milestones", queryset=Milestone.objects.order_by("number"))
        )

    def with_civil_society_ratings(self):
        """Each milestone's civil-society ratings with their organisation (one query), for
        the public page that shows them beside the government's record; in their order
        within their milestone, without the join of the model's ordering by milestone."""
        return self.prefetch_related(
            models.Prefetch(
                "milestones__civil_society_ratings",
                queryset=CivilSocietyRating.objects.select_related("organisation").order_by(
                    "organisation__name_ar"
                ),
            )
        )

    def for_public_page(self):
        """What the public commitment page loads (the page itself, and a refused comment
        shown back on it): `with_milestones` and the civil-society ratings. The page reads
        its one commitment's supporting institutions and policy areas itself, a query each:
        cheaper than prefetching them for a single row."""
        return self.with_milestones().with_civil_society_ratings()


class Commitment(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="commitments", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    ogp_id = models.CharField(
        _("OGP id"), max_length=20, blank=True, help_text=_("For example JO0064.")
    )
    # One title at least; an import from OGP's English list may bring the English one first.
    title_ar = models.CharField(_("title (Arabic)"), max_length=400, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    # OGP's "Short Title" column: a few words that name the commitment in its lists.
    short_title_ar = models.CharField(_("short title (Arabic)"), max_length=150, blank=True)
    short_title_en = models.CharField(_("short title (English)"), max_length=150, blank=True)
    description_ar = models.TextField(_("brief description (Arabic)"), blank=True)
    description_en = models.TextField(_("brief description (English)"), blank=True)
    problem_ar = models.TextField(_("problem addressed (Arabic)"), blank=True)
    problem_en = models.TextField(_("problem addressed (English)"), blank=True)
    causes_ar = models.TextField(_("causes of the problem (Arabic)"), blank=True)
    causes_en = models.TextField(_("causes of the problem (English)"), blank=True)
    solution_ar = models.TextField(_("what the commitment does (Arabic)"), blank=True)
    solution_en = models.TextField(_("what the commitment does (English)"), blank=True)
    how_it_solves_ar = models.TextField(_("how it solves the problem (Arabic)"), blank=True)
    how_it_solves_en = models.TextField(_("how it solves the problem (English)"), blank=True)
    status_quo_ar = models.TextField(_("what has been done so far (Arabic)"), blank=True)
    status_quo_en = models.TextField(_("what has been done so far (English)"), blank=True)
    results_ar = models.TextField(_("results expected (Arabic)"), blank=True)
    results_en = models.TextField(_("results expected (English)"), blank=True)
    budget_ar = models.TextField(_("budget (Arabic)"), blank=True)
    budget_en = models.TextField(_("budget (English)"), blank=True)
    national_plan_links_ar = models.TextField(
        _("links to national plans and strategies (Arabic)"), blank=True
    )
    national_plan_links_en = models.TextField(
        _("links to national plans and strategies (English)"), blank=True
    )
    sdgs = models.JSONField(
        _("Sustainable Development Goals"),
        default=list,
        blank=True,
        help_text=_("The numbers (1 to 17) of the goals this commitment contributes to."),
    )
    # Relevance to OGP values: a flag per value and the reasoning in both languages.
    transparency = models.BooleanField(_("transparency"), default=False)
    civic_participation = models.BooleanField(_("civic participation"), default=False)
    public_accountability = models.BooleanField(_("public accountability"), default=False)
    technology_innovation = models.BooleanField(_("technology and innovation"), default=False)
    relevance_ar = models.TextField(_("relevance to OGP values (Arabic)"), blank=True)
    relevance_en = models.TextField(_("relevance to OGP values (English)"), blank=True)
    policy_areas = models.ManyToManyField(
        PolicyArea, verbose_name=_("policy areas"), related_name="commitments", blank=True
    )
    lead_institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_commitments",
        verbose_name=_("lead institution"),
    )
    supporting_institutions = models.ManyToManyField(
        Organisation,
        verbose_name=_("supporting institutions"),
        related_name="supported_commitments",
        blank=True,
        help_text=_("Shown grouped by each organisation's sector."),
    )
    # Contact: private, never on the public site.
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_title = models.CharField(_("contact title"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.DRAFT
    )
    is_published = models.BooleanField(_("published"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[policy_areas, supporting_institutions])

    title = Translated("title")
    description = Translated("description")
    problem = Translated("problem")
    causes = Translated("causes")
    solution = Translated("solution")
    how_it_solves = Translated("how_it_solves")
    status_quo = Translated("status_quo")
    results = Translated("results")
    relevance = Translated("relevance")
    budget = Translated("budget")
    national_plan_links = Translated("national_plan_links")
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["plan", "number"]
        permissions = [("publish_commitment", _("Can publish and unpublish commitments"))]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="commitment_unique_number_per_plan"
            ),
            models.UniqueConstraint(
                fields=["ogp_id"],
                condition=~Q(ogp_id=""),
                name="commitment_unique_ogp_id",
                violation_error_message=_("Another commitment already has this OGP id."),
            ),
            positive("commitment", "number", _("The commitment number must be 1 or more.")),
            one_of("commitment", "status", CommitmentStatus.values),
            not_before(
                "ends_on",
                "starts_on",
                name="commitment_dates_in_order",
                message=_("The commitment must not end before it starts."),
                optional=("ends_on", "starts_on"),
            ),
            models.CheckConstraint(
                condition=~Q(title_ar="") | ~Q(title_en=""),
                name="commitment_has_a_title",
                violation_error_message=_("Give the commitment a title."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse(
            "commitments:detail", kwargs={"plan_number": self.plan.number, "number": self.number}
        )

    def get_status_display(self):
        return choice_label(CommitmentStatus, self.status)

    @property
    def ogp_values(self) -> list[str]:
        """Labels of the OGP values this commitment is relevant to."""
        return [
            self._meta.get_field(flag).verbose_name
            for flag in OGP_VALUE_FIELDS
            if getattr(self, flag)
        ]

    def approved_text(self) -> dict:
        """The wording an agency approves, as plain data: what a letter keeps of the text it
        sent. Uses prefetched milestones when present."""
        text = {name: getattr(self, name) for name in APPROVED_TEXT_FIELDS}
        text["milestones"] = [
            {name: str(getattr(milestone, name)) for name in APPROVED_MILESTONE_FIELDS}
            for milestone in sorted(self.milestones.all(), key=lambda m: m.number)
        ]
        return text

    def text_fingerprint(self) -> str:
        """A digest of the wording an agency approves; it changes when that wording changes."""
        return fingerprint(self.approved_text())

    def template_gaps(self) -> list[str]:
        """What this commitment still lacks of the OGP template, in both languages: the one
        rule of "complete" for the stage-4 gate and the final plan document. Uses prefetched
        milestones when present."""
        missing = []
        for name in TEMPLATE_TEXT_NAMES:
            for code in ("ar", "en"):
                if not getattr(self, f"{name}_{code}").strip():
                    missing.append(str(self._meta.get_field(f"{name}_{code}").verbose_name))
        if self.starts_on is None or self.ends_on is None:
            missing.append(gettext("start and end dates"))
        if not any(getattr(self, flag) for flag in OGP_VALUE_FIELDS):
            missing.append(gettext("at least one OGP value"))
        milestones = sorted(self.milestones.all(), key=lambda m: m.number)
        if not milestones:
            missing.append(gettext("at least one milestone"))
        for milestone in milestones:
            if not milestone.title_ar.strip() or not milestone.title_en.strip():
                missing.append(
                    gettext("the title of milestone %(number)s in both languages")
                    % {"number": milestone.number}
                )
        return missing

    def template_problem(self) -> str:
        """The sentence staff read when the commitment is incomplete (empty when complete)."""
        missing = self.template_gaps()
        if not missing:
            return ""
        return gettext("Commitment %(number)s is missing: %(fields)s.") % {
            "number": self.number,
            "fields": pgettext("list separator", ", ").join(missing),
        }

    def text_sections(self, *, relevance: bool = False) -> list[tuple[str, object]]:
        """(field, heading) of the template's texts after the title, as pages and documents
        show them: every needed part, `relevance` with them if asked, then the additional
        parts this commitment fills in."""
        sections = [*TEMPLATE_SECTIONS[1:], *([RELEVANCE_SECTION] if relevance else [])]
        return sections + [(name, h) for name, h in ADDITIONAL_SECTIONS if getattr(self, name)]

    def missing_translations(self) -> list[str]:
        """Labels of the template fields written in one language only."""
        missing = []
        for name in TEMPLATE_TEXT_NAMES + ADDITIONAL_TEXT_NAMES:
            arabic, english = getattr(self, f"{name}_ar"), getattr(self, f"{name}_en")
            if bool(arabic.strip()) != bool(english.strip()):
                language = "en" if arabic.strip() else "ar"
                missing.append(self._meta.get_field(f"{name}_{language}").verbose_name)
        return missing

    @property
    def has_civil_society_ratings(self) -> bool:
        """Whether civil society rated any milestone (reads `for_public_page()`'s prefetch)."""
        return any(m.civil_society_ratings.all() for m in self.milestones.all())

    @property
    def irm(self):
        """The IRM's assessment of this commitment, or None (never part of `progress`)."""
        try:
            return self.irm_assessment
        except IRMAssessment.DoesNotExist:
            return None

    @cached_property
    def progress(self) -> Decimal:
        """Weighted milestone completion, 0-100; uses prefetched milestones when present.
        A list page sets it for all its cards at once with `with_progress`."""
        return weighted_completion(self.milestones.all())


def fingerprint(text: dict) -> str:
    return hashlib.sha256(json.dumps(text, sort_keys=True).encode()).hexdigest()


def weighted_completion(milestones) -> Decimal:
    """Percent of milestone weight completed (0 when there are no milestones): each
    milestone counts its weight times its own completion (100 once completed)."""
    milestones = list(milestones)
    total = sum(m.weight for m in milestones)
    if not total:
        return Decimal(0)
    done = sum(m.weight * m.completion_percent for m in milestones)
    return (Decimal(done) / total).quantize(Decimal("0.1"))


def with_progress(commitments) -> list:
    """The commitments, each with its `progress` computed from one query over their
    milestones' weights: cheaper than prefetching the milestones (bench/README.md)."""
    commitments = list(commitments)
    milestones = defaultdict(list)
    for row in milestone_weight_rows().filter(
        commitment_id__in=[commitment.pk for commitment in commitments]
    ):
        milestone = MilestoneWeight._make(row)
        milestones[milestone.commitment_id].append(milestone)
    for commitment in commitments:
        commitment.progress = weighted_completion(milestones[commitment.pk])
    return commitments


def plan_achievement(commitments) -> Decimal:
    """A plan's achievement rate: the mean progress of its commitments (milestones prefetched)."""
    commitments = list(commitments)
    if not commitments:
        return Decimal(0)
    total = sum(commitment.progress for commitment in commitments)
    return (total / len(commitments)).quantize(Decimal("0.1"))


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    DELAYED = "delayed", _("Delayed")


class Milestone(models.Model):
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("commitment"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_ar = models.CharField(_("title (Arabic)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    expected_output_ar = models.TextField(_("expected output (Arabic)"), blank=True)
    expected_output_en = models.TextField(_("expected output (English)"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("Share of the commitment's progress.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.NOT_STARTED,
    )
    evidence_ar = models.TextField(_("evidence (Arabic)"), blank=True)
    evidence_en = models.TextField(_("evidence (English)"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to="milestone-evidence/%Y/",
        storage=private_storage,
        blank=True,
    )
    progress_percent = models.PositiveSmallIntegerField(
        _("percent done"), default=0, help_text=_("0 to 100; a completed milestone counts 100.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    title = Translated("title")
    expected_output = Translated("expected_output")
    evidence = Translated("evidence")

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["commitment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "number"], name="milestone_unique_number_per_commitment"
            ),
            positive("milestone", "number", _("The milestone number must be 1 or more.")),
            positive("milestone", "weight", _("The milestone weight must be 1 or more.")),
            not_before(
                "ends_on",
                "starts_on",
                name="milestone_dates_in_order",
                message=_("The milestone must not end before it starts."),
            ),
            one_of("milestone", "status", MilestoneStatus.values),
            percent_done("milestone"),
        ]

    def __str__(self):
        return f"{self.commitment.number}.{self.number} {self.title}"

    def get_status_display(self):
        return choice_label(MilestoneStatus, self.status)

    @property
    def completion_percent(self) -> int:
        return 100 if self.status == MilestoneStatus.COMPLETED else self.progress_percent


class MilestoneWeight(NamedTuple):
    """What `with_progress` reads of one milestone: a plain row, cheaper than an instance."""

    commitment_id: int
    weight: int
    status: str
    progress_percent: int

    completion_percent = Milestone.completion_percent  # the model's own rule


@functools.cache
def milestone_weight_rows():
    """The milestones as MilestoneWeight rows; built once, on first use (a values queryset
    needs every model loaded), and each page filters a copy."""
    return Milestone.objects.order_by().values_list(*MilestoneWeight._fields)


class ProgressReport(models.Model):
    """One progress update of a milestone, as the agency's focal point reported it."""

    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="progress_reports",
        verbose_name=_("milestone"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=MilestoneStatus.choices)
    progress_percent = models.PositiveSmallIntegerField(_("percent done"))
    narrative = models.TextField(_("what was done"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"),
        upload_to="milestone-evidence/%Y/",
        storage=private_storage,
        blank=True,
    )

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["milestone", "-reported_at"]
        constraints = [
            one_of("progressreport", "status", MilestoneStatus.values),
            percent_done("progressreport"),
        ]

    def __str__(self):
        return f"{self.milestone} – {self.progress_percent}%"

    @property
    def reporter_name(self) -> str:
        """Who reported it; empty once that account is deleted."""
        user = self.reported_by
        return (user.get_full_name() or user.get_username()) if user else ""


class Decision(models.TextChoices):
    PENDING = "pending", _("Awaiting reply")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    DECLINED = "declined", _("Declined")


class ApprovalLetterQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(decision=Decision.APPROVED)


class ApprovalLetter(models.Model):
    """A letter asking the lead agency to confirm one version of a commitment's text."""

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.CASCADE,
        related_name="approval_letters",
        verbose_name=_("commitment"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="approval_letters",
        verbose_name=_("agency"),
    )
    text_fingerprint = models.CharField(
        _("fingerprint of the text sent"), max_length=64, editable=False
    )
    text_snapshot = models.JSONField(
        _("text sent"),
        default=dict,
        editable=False,
        help_text=_("The exact wording of the commitment the letter asked the agency to approve."),
    )
    reference = models.CharField(_("letter reference"), max_length=100, blank=True)
    sent_on = models.DateField(_("sent on"))
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    received_on = models.DateField(_("reply received"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    notes = models.TextField(_("notes"), blank=True)
    scan = models.FileField(
        _("scanned letter"),
        upload_to="approval-letters/%Y/",
        storage=private_storage,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    objects = ApprovalLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval letter")
        verbose_name_plural = _("approval letters")
        ordering = ["commitment", "-sent_on"]
        constraints = [
            one_of("approval", "decision", Decision.values),
            not_before(
                "due_on",
                "sent_on",
                name="approval_due_after_sent",
                message=_("The reply cannot be due before the letter was sent."),
                optional=("due_on",),
            ),
            not_before(
                "received_on",
                "sent_on",
                name="approval_received_after_sent",
                message=_("The reply cannot arrive before the letter was sent."),
                optional=("received_on",),
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING) | Q(received_on__isnull=False),
                name="approval_decision_has_reply_date",
                violation_error_message=_("A decision needs the date its reply was received."),
            ),
        ]

    def __str__(self):
        return f"{self.commitment} – {self.get_decision_display()}"

    def save(self, *args, **kwargs):
        if not self.text_snapshot:
            self.text_snapshot = self.commitment.approved_text()
        self.text_fingerprint = fingerprint(self.text_snapshot)
        super().save(*args, **kwargs)

    def is_current(self) -> bool:
        """True while the commitment's text is still the one this letter was about."""
        return self.text_fingerprint == self.commitment.text_fingerprint()

    def approves_current_text(self) -> bool:
        """Approved, by the commitment's lead institution, for the text it has now."""
        return (
            self.decision == Decision.APPROVED
            and self.organisation_id == self.commitment.lead_institution_id
            and self.is_current()
        )

    def is_overdue(self, today) -> bool:
        return self.decision == Decision.PENDING and self.due_on is not None and self.due_on < today


class Potential(models.TextChoices):
    UNCLEAR = "unclear", _("Unclear")
    MODEST = "modest", _("Modest")
    SUBSTANTIAL = "substantial", _("Substantial")


class Completion(models.TextChoices):
    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class EarlyResults(models.TextChoices):
    NO_NOTABLE = "no_notable", _("No notable results")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class OpenedGovernment(models.TextChoices):
    """The IRM's "Did it open government?" scale, worst to best."""

    WORSENED = "worsened", _("Worsened")
    DID_NOT_CHANGE = "did_not_change", _("Did not change")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class IRMReportKind(models.TextChoices):
    DESIGN = "design", _("Action plan review (design)")
    RESULTS = "results", _("Results report")


class IRMReportQuerySet(models.QuerySet):
    def public(self):
        """The reports of the site's public plans."""
        return self.filter(on_public_plan())


class IRMReport(models.Model):
    """A report the IRM published on one plan: where the assessments come from."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="irm_reports", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IRMReportKind.choices)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    url = models.URLField(_("link to the report"), max_length=500)
    published_on = models.DateField(_("published on"))
    # Raised by each save of the report or its findings (`irm.save_irm_report`).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    title = Translated("title")
    objects = IRMReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("IRM report")
        verbose_name_plural = _("IRM reports")
        ordering = ["plan", "published_on", "pk"]
        constraints = [
            one_of("irmreport", "kind", IRMReportKind.values),
            not_empty("", "title_en", name="irmreport_title_not_empty"),
        ]

    def __str__(self):
        return self.title


class RequirementVerdict(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_ASSESSED = "not_assessed", _("Not assessed")


class MinimumRequirement(models.TextChoices):
    """The OGP minimum requirements the portal checks itself (`public.compliance` uses
    these keys for its own checks)."""

    FORUM = "forum", _("The forum meets at least every 6 months")
    IMPLEMENTATION = "implementation", _("Forum meetings with civil society during implementation")
    TIMELINE = "timeline", _("Timeline published before co-creation")
    WINDOWS = "windows", _("Public comment windows")
    RESPONSES = "responses", _("Reasoned response to every input")
    REPOSITORY = "repository", _("Online repository kept up to date")


class IRMFinding(models.Model):
    """The IRM's finding on one OGP minimum requirement, as its report words it. The
    requirement keys are those of the portal's own checks (`public.compliance`), so the
    compliance page sets each beside the portal's computation."""

    report = models.ForeignKey(
        IRMReport, on_delete=models.CASCADE, related_name="findings", verbose_name=_("report")
    )
    requirement = models.CharField(
        _("requirement"), max_length=20, choices=MinimumRequirement.choices
    )
    verdict = models.CharField(
        _("IRM's finding"), max_length=20, choices=RequirementVerdict.choices
    )
    text_ar = models.TextField(_("IRM's text (Arabic)"), blank=True)
    text_en = models.TextField(_("IRM's text (English)"), blank=True)
    history = HistoricalRecords()

    text = Translated("text")

    class Meta:
        verbose_name = _("IRM finding on a minimum requirement")
        verbose_name_plural = _("IRM findings on minimum requirements")
        ordering = ["report", "requirement"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "requirement"], name="irmfinding_unique_requirement_per_report"
            ),
            one_of("irmfinding", "verdict", RequirementVerdict.values),
            one_of("irmfinding", "requirement", MinimumRequirement.values),
        ]

    def __str__(self):
        return f"{self.report} – {self.requirement}"


class IRMAssessment(models.Model):
    """The Independent Reporting Mechanism's view of one commitment: its design (from the
    action plan review) and its results (from the results report), each with the IRM's own
    words and the report it comes from. Never mixed with the government's own progress."""

    commitment = models.OneToOneField(
        Commitment,
        on_delete=models.CASCADE,
        related_name="irm_assessment",
        verbose_name=_("commitment"),
    )
    verifiable = models.BooleanField(_("verifiable"), default=True)
    ogp_values_lens = models.BooleanField(_("relevant through the OGP values lens"), default=True)
    potential_for_results = models.CharField(
        _("potential for results"), max_length=20, choices=Potential.choices, blank=True
    )
    completion = models.CharField(
        _("completion"), max_length=20, choices=Completion.choices, blank=True
    )
    early_results = models.CharField(
        _("early results"), max_length=20, choices=EarlyResults.choices, blank=True
    )
    notes_ar = models.TextField(_("IRM's text on the design (Arabic)"), blank=True)
    notes_en = models.TextField(_("IRM's text on the design (English)"), blank=True)
    report_url = models.URLField(_("IRM report"), blank=True)
    design_report = models.ForeignKey(
        IRMReport,
        on_delete=models.PROTECT,
        related_name="design_assessments",
        verbose_name=_("design assessed in"),
        null=True,
        blank=True,
    )
    promising = models.BooleanField(_("promising commitment"), default=False)
    results_report = models.ForeignKey(
        IRMReport,
        on_delete=models.PROTECT,
        related_name="results_assessments",
        verbose_name=_("results assessed in"),
        null=True,
        blank=True,
    )
    opened_government = models.CharField(
        _("did it open government?"), max_length=20, choices=OpenedGovernment.choices, blank=True
    )
    results_text_ar = models.TextField(_("IRM's text on the results (Arabic)"), blank=True)
    results_text_en = models.TextField(_("IRM's text on the results (English)"), blank=True)
    # Raised by each save (`irm.save_irm_assessment`).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    notes = Translated("notes")
    results_text = Translated("results_text")

    class Meta:
        verbose_name = _("IRM assessment")
        verbose_name_plural = _("IRM assessments")
        constraints = [
            one_of(
                "",
                "potential_for_results",
                Potential.values,
                blank=True,
                name="irm_potential_valid",
            ),
            one_of("", "completion", Completion.values, blank=True, name="irm_completion_valid"),
            one_of(
                "", "early_results", EarlyResults.values, blank=True, name="irm_early_results_valid"
            ),
            one_of(
                "",
                "opened_government",
                OpenedGovernment.values,
                blank=True,
                name="irm_opened_government_valid",
            ),
        ]

    def __str__(self):
        return str(self.commitment)

    def clean(self):
        for name, kind in (
            ("design_report", IRMReportKind.DESIGN),
            ("results_report", IRMReportKind.RESULTS),
        ):
            report = getattr(self, name)
            if report is None:
                continue
            if self.commitment_id and report.plan_id != self.commitment.plan_id:
                raise ValidationError({name: _("This report is about another plan.")})
            if report.kind != kind:
                raise ValidationError({name: _("This report is of the other kind.")})


class ProgressLevel(models.IntegerChoices):
    """One scale on which the government's progress of a milestone and a civil-society
    rating of it are compared: a step apart is a difference of view, more is a
    disagreement the dashboard shows."""

    NOT_STARTED = 0, _("Not started")
    LIMITED = 1, _("Limited")
    SUBSTANTIAL = 2, _("Substantial")
    COMPLETE = 3, _("Complete")


def government_level(milestone) -> int:
    """Where the government's own record puts `milestone` on `ProgressLevel`."""
    percent = milestone.completion_percent
    if percent >= 100:
        return ProgressLevel.COMPLETE
    if percent >= 50:
        return ProgressLevel.SUBSTANTIAL
    if percent > 0 or milestone.status in (MilestoneStatus.IN_PROGRESS, MilestoneStatus.DELAYED):
        return ProgressLevel.LIMITED
    return ProgressLevel.NOT_STARTED


class CivilSocietyRatingQuerySet(models.QuerySet):
    def public(self):
        """Ratings of the milestones of published commitments."""
        return self.filter(milestone__commitment__in=Commitment.objects.published())


class CivilSocietyRating(models.Model):
    """A civil-society organisation's own view of one milestone: status, rating and
    evidence, published beside the government's with its name and date. It never changes
    the milestone or the computed progress."""

    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="civil_society_ratings",
        verbose_name=_("milestone"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="milestone_ratings",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="milestone_ratings",
        verbose_name=_("rated by"),
        null=True,
    )
    status = models.CharField(
        _("status in their view"), max_length=20, choices=MilestoneStatus.choices
    )
    rating = models.PositiveSmallIntegerField(
        _("progress in their view"), choices=ProgressLevel.choices
    )
    evidence = models.TextField(_("evidence"), max_length=5000)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    rated_on = models.DateField(_("rated on"))
    history = HistoricalRecords()

    objects = CivilSocietyRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("civil-society rating")
        verbose_name_plural = _("civil-society ratings")
        ordering = ["milestone", "organisation__name_ar"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "organisation"], name="csrating_one_per_organisation"
            ),
            one_of("csrating", "status", MilestoneStatus.values),
            one_of("csrating", "rating", ProgressLevel.values),
            not_empty("csrating", "evidence"),
        ]

    def __str__(self):
        return f"{self.organisation} – {self.milestone}"

    @property
    def government_level(self) -> int:
        return government_level(self.milestone)

    @property
    def disagrees(self) -> bool:
        """More than one step apart from the government's own record."""
        return abs(self.rating - self.government_level) > 1
