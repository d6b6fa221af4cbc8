"""Action plans, the seven-stage methodology, organisations and the document repository.

`plans` knows none of the other apps. Facts owned by other apps (is every commitment
approved? is every comment answered?) reach the stage gates through `plans.gates`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.constraints import language, not_before, not_empty, one_of, positive
from core.i18n import Translated, choice_label
from core.pdf import failure_text


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    PARLIAMENT = "parliament", _("Parliament")
    YOUTH = "youth", _("Youth")
    INTERNATIONAL = "international", _("International organisation")
    MEDIA = "media", _("Media")


class OrganisationQuerySet(models.QuerySet):
    def by_sector(self, sector: str):
        return self.filter(sector=sector)


class Organisation(models.Model):
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    website = models.URLField(_("website"), blank=True)
    focal_points = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agency focal points"),
        related_name="focal_point_for",
        blank=True,
        help_text=_("Staff accounts that confirm commitment texts and report progress for it."),
    )

    name = Translated("name")
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_ar"]
        constraints = [
            models.UniqueConstraint(fields=["name_ar"], name="organisation_unique_name_ar"),
            one_of("organisation", "sector", Sector.values),
            not_empty("organisation", "name_ar"),
        ]

    def __str__(self):
        return self.name


class OrganisationName(models.Model):
    """Another name an organisation goes by in the files we import (OGP's English name, a
    department's name where we name its ministry): a mapping a user confirmed once, so the
    next import finds the organisation by it. `key` is the name after `core.arabic.normalise`."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="other_names",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("name for comparison"), max_length=200, editable=False)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("other name of an organisation")
        verbose_name_plural = _("other names of organisations")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="organisationname_unique_key"),
            not_empty("organisationname", "key"),
        ]

    def __str__(self):
        return self.name


class PlanStatus(models.TextChoices):
    DRAFTING = "drafting", _("Drafting")
    CONSULTATION = "consultation", _("Public consultation")
    FINAL = "final", _("Final")
    PUBLISHED = "published", _("Published")
    IMPLEMENTATION = "implementation", _("Implementation")
    CLOSED = "closed", _("Closed")


PUBLISHED_PLAN_STATUSES = [PlanStatus.PUBLISHED, PlanStatus.IMPLEMENTATION, PlanStatus.CLOSED]


# The order a plan's status follows: each status may move to the ones listed (forward one
# step, or back one step while the plan is still being made).
PLAN_STATUS_MOVES = {
    PlanStatus.DRAFTING: [PlanStatus.CONSULTATION],
    PlanStatus.CONSULTATION: [PlanStatus.FINAL, PlanStatus.DRAFTING],
    PlanStatus.FINAL: [PlanStatus.PUBLISHED, PlanStatus.CONSULTATION],
    PlanStatus.PUBLISHED: [PlanStatus.IMPLEMENTATION],
    PlanStatus.IMPLEMENTATION: [PlanStatus.CLOSED],
    PlanStatus.CLOSED: [],
}


def period_label(starts_on, ends_on) -> str:
    """A plan's period as people name it: "2021–2025"."""
    return f"{starts_on.year}–{ends_on.year}"


def on_public_plan(path: str = "plan", *, or_no_plan: bool = False) -> Q:
    """The public site's rule for a row reached through the plan at `path`: the plan is
    made public and belongs to this site's country (plan numbers repeat across countries).
    `or_no_plan`: a row that belongs to no plan (a forum shared by every plan) is public
    too. Every model's `public()` builds on this one condition."""
    condition = Q(
        **{f"{path}__is_public": True, f"{path}__country_code": settings.OGP_COUNTRY_CODE}
    )
    return Q(**{f"{path}__isnull": True}) | condition if or_no_plan else condition


class ActionPlanQuerySet(models.QuerySet):
    def for_country(self, country_code: str):
        return self.filter(country_code=country_code)

    def public(self):
        """Plans the public site shows: made public by the coordinator (a plan being
        prepared stays in the workspace), of this site's country."""
        return self.filter(is_public=True, country_code=settings.OGP_COUNTRY_CODE)

    def current(self):
        """The newest plan of this queryset (the public home uses `public().current()`)."""
        return self.order_by("-number").first()


class ActionPlan(models.Model):
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("4 for the 4th plan."))
    country_code = models.CharField(_("country code"), max_length=2, default="JO")
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_ar = models.TextField(_("summary (Arabic)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFTING
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    is_public = models.BooleanField(
        _("shown on the public site"),
        default=False,
        help_text=_("Only the coordinator makes a plan public."),
    )
    # The narrative sections of the plan document (plain text; blank lines part paragraphs).
    introduction_ar = models.TextField(_("introduction (Arabic)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    context_ar = models.TextField(_("context and open-government efforts (Arabic)"), blank=True)
    context_en = models.TextField(_("context and open-government efforts (English)"), blank=True)
    co_creation_ar = models.TextField(_("co-creation process (Arabic)"), blank=True)
    co_creation_en = models.TextField(_("co-creation process (English)"), blank=True)
    forum_ar = models.TextField(_("the multi-stakeholder forum (Arabic)"), blank=True)
    forum_en = models.TextField(_("the multi-stakeholder forum (English)"), blank=True)
    monitoring_ar = models.TextField(_("follow-up and monitoring (Arabic)"), blank=True)
    monitoring_en = models.TextField(_("follow-up and monitoring (English)"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    title = Translated("title")
    summary = Translated("summary")
    introduction = Translated("introduction")
    context = Translated("context")
    co_creation = Translated("co_creation")
    forum = Translated("forum")
    monitoring = Translated("monitoring")
    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-number"]
        permissions = [
            ("manage_stages", _("Can start and complete methodology stages")),
            ("publish_plan", _("Can change a plan's status and make it public")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "number"], name="actionplan_unique_number_per_country"
            ),
            positive("actionplan", "number", _("The plan number must be 1 or more.")),
            not_before(
                "ends_on",
                "starts_on",
                name="actionplan_period_in_order",
                message=_("The plan period must end after it starts."),
                strict=True,
            ),
            one_of("actionplan", "status", PlanStatus.values),
            models.CheckConstraint(
                condition=~Q(status__in=PUBLISHED_PLAN_STATUSES) | Q(published_on__isnull=False),
                name="actionplan_published_has_date",
                violation_error_message=_("A published plan needs its publication date."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plan", kwargs={"number": self.number})

    def get_status_display(self):
        return choice_label(PlanStatus, self.status)

    @property
    def period_label(self) -> str:
        return period_label(self.starts_on, self.ends_on)

    def allowed_statuses(self) -> list[str]:
        return list(PLAN_STATUS_MOVES[PlanStatus(self.status)])


STAGE_NAMES = {
    1: _("Prepare the methodology"),
    2: _("Collect proposals"),
    3: _("Form the national working group"),
    4: _("Develop commitments"),
    5: _("Review and approve commitments"),
    6: _("Prepare the draft plan"),
    7: _("Prepare the final plan"),
}
STAGE_COUNT = len(STAGE_NAMES)


class StageStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class MethodologyStage(models.Model):
    """One of the seven stages of one plan's co-creation methodology."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="stages", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("stage"), choices=list(STAGE_NAMES.items()))
    status = models.CharField(
        _("status"), max_length=20, choices=StageStatus.choices, default=StageStatus.NOT_STARTED
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    notes_ar = models.TextField(_("notes (Arabic)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    notes = Translated("notes")

    class Meta:
        verbose_name = _("methodology stage")
        verbose_name_plural = _("methodology stages")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="stage_unique_number_per_plan"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=STAGE_COUNT), name="stage_number_1_to_7"
            ),
            one_of("stage", "status", StageStatus.values),
            not_before(
                "planned_end",
                "planned_start",
                name="stage_planned_dates_in_order",
                message=_("The planned end must not be before the planned start."),
                optional=("planned_end", "planned_start"),
            ),
            not_before(
                "actual_end",
                "actual_start",
                name="stage_actual_dates_in_order",
                message=_("The actual end must not be before the actual start."),
                optional=("actual_end", "actual_start"),
            ),
            models.CheckConstraint(
                condition=~Q(status=StageStatus.COMPLETED) | Q(actual_end__isnull=False),
                name="stage_completed_has_end_date",
                violation_error_message=_("A completed stage needs its actual end date."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_status_display(self):
        return choice_label(StageStatus, self.status)

    @property
    def name(self):
        return STAGE_NAMES[self.number]

    @property
    def is_completed(self) -> bool:
        return self.status == StageStatus.COMPLETED


class DocumentKind(models.TextChoices):
    METHODOLOGY = "methodology", _("Methodology")
    TIMELINE = "timeline", _("Timeline")
    MINUTES = "minutes", _("Meeting minutes")
    DRAFT = "draft", _("Draft plan")
    FINAL_PLAN = "final_plan", _("Final plan")
    LETTER = "letter", _("Letter")
    PRESENTATION = "presentation", _("Presentation")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")


class DocumentQuerySet(models.QuerySet):
    def public(self):
        """The public repository: public documents, of public plans or of no plan."""
        return self.filter(on_public_plan(or_no_plan=True), is_public=True)


class Document(models.Model):
    """The OGP document repository: every published document, timestamped."""

    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("plan"),
        null=True,
        blank=True,
    )
    stage = models.ForeignKey(
        MethodologyStage,
        on_delete=models.SET_NULL,
        related_name="evidence",
        verbose_name=_("evidence for stage"),
        null=True,
        blank=True,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    language = models.CharField(
        _("language of the document"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )
    file = models.FileField(_("file"), upload_to="documents/%Y/", blank=True)
    url = models.URLField(_("link"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    title = Translated("title")
    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            one_of("document", "kind", DocumentKind.values),
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""),
                name="document_has_file_or_link",
                violation_error_message=_("Upload a file or give a link."),
            ),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(published_at__isnull=False),
                name="document_public_has_timestamp",
                violation_error_message=_("A public document needs its publication time."),
            ),
            language("document"),
        ]

    def __str__(self):
        return self.title

    def get_kind_display(self):
        return choice_label(DocumentKind, self.kind)

    @property
    def address(self) -> str:
        """Where the document is read: its stored file, else its link."""
        return self.file.url if self.file else self.url


# The narrative sections of a plan document, in their order: (field name, heading).
NARRATIVE_SECTIONS = [
    ("introduction", _("Introduction")),
    ("context", _("Context and the government’s open-government efforts")),
    ("co_creation", _("The co-creation process")),
    ("forum", _("The multi-stakeholder forum")),
    ("monitoring", _("Follow-up and monitoring")),
]


def plan_document_path(instance, filename: str) -> str:
    return f"plans/{instance.plan.country_code}-{instance.plan.number}/{filename}"


class PlanPublicationQuerySet(models.QuerySet):
    def rendered(self):
        """Publications whose PDF exists (rendering runs in the background)."""
        return self.exclude(file="")


class PlanPublication(models.Model):
    """One published final version of a plan document in one language: the PDF and the exact
    content it was made from. Never changed afterwards; a new version is a new row."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="publications", verbose_name=_("plan")
    )
    number = models.PositiveSmallIntegerField(_("version number"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
        null=True,
        blank=True,
    )
    snapshot = models.JSONField(_("content printed"), editable=False)
    content_key = models.CharField(_("content key"), max_length=64, editable=False)
    file = models.FileField(_("PDF"), upload_to=plan_document_path, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # Set when the render of the frozen snapshot failed (core.pdf); the file stays empty.
    failure = models.CharField(_("why the PDF could not be made"), max_length=20, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    objects = PlanPublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("plan publication")
        verbose_name_plural = _("plan publications")
        ordering = ["plan", "-number", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number", "language"], name="planpublication_unique_version"
            ),
            positive("planpublication", "number"),
            language("planpublication"),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number} ({self.language})"

    @property
    def failure_reason(self):
        """Why this version has no PDF, in the reader's language ("" unless it failed)."""
        return failure_text(self.failure) if self.failure else ""


class PdfAudience(models.TextChoices):
    PUBLIC = "public", _("Public (published commitments only)")
    STAFF = "staff", _("Staff (every commitment)")


class PlanPdf(models.Model):
    """A rendered draft PDF of a plan, stored under the key of the content it shows: the
    same content is never rendered twice; a change makes a new key and a new file."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="draft_pdfs", verbose_name=_("plan")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    audience = models.CharField(_("audience"), max_length=10, choices=PdfAudience.choices)
    content_key = models.CharField(_("content key"), max_length=64)
    # Empty when the render of this content failed: `failure` says why (core.pdf).
    file = models.FileField(_("PDF"), upload_to=plan_document_path, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    rendered_at = models.DateTimeField(_("rendered at"), default=timezone.now)
    failure = models.CharField(_("why the PDF could not be made"), max_length=20, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("draft plan PDF")
        verbose_name_plural = _("draft plan PDFs")
        ordering = ["plan", "language", "-rendered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "language", "audience", "content_key"],
                name="planpdf_unique_content",
            ),
            one_of("planpdf", "audience", PdfAudience.values),
            language("planpdf"),
            # A stored draft is either a file or the reason there is none, never both.
            models.CheckConstraint(
                condition=(Q(failure="") & ~Q(file="")) | (~Q(failure="") & Q(file="")),
                name="planpdf_file_or_failure",
            ),
        ]

    def __str__(self):
        return f"{self.plan} draft ({self.language}, {self.audience})"

    @property
    def failure_reason(self):
        """Why this content has no PDF, in the reader's language ("" when it has one)."""
        return failure_text(self.failure) if self.failure else ""


# --- Audit trail (audit.trail) ------------------------------------------------------
def all_stages(plan: ActionPlan, stages=None) -> list:
    """The seven stages in order; a stage without a row yet shows as not started (unsaved).
    `stages`: the plan's stages as already read (a queryset of some columns only, say)
    instead of `plan.stages.all()`."""
    stages = plan.stages.all() if stages is None else stages
    by_number = {stage.number: stage for stage in stages}
    return [
        by_number.get(number) or MethodologyStage(plan=plan, number=number)
        for number in range(1, STAGE_COUNT + 1)
    ]
