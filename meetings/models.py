"""Forum bodies, people, memberships, meetings, attendance, agenda items, outcomes, minutes."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from commitments.models import Commitment
from core.constraints import not_before, not_empty, one_of, positive
from core.i18n import Translated, bilingual_names, choice_label
from core.storage import private_storage  # migration 0003 names it from here
from plans.models import ActionPlan, Organisation, Sector, on_public_plan

from . import calendar_rules


class BodyKind(models.TextChoices):
    FORUM = "forum", _("Multi-Stakeholder Forum")
    WORKING_GROUP = "working_group", _("National working group")
    TASK_FORCE = "task_force", _("Commitment task force")


class Body(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="bodies",
        verbose_name=_("plan"),
        null=True,
        blank=True,
        help_text=_("Empty for a standing body such as the forum."),
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="task_forces",
        verbose_name=_("commitment"),
        null=True,
        blank=True,
    )

    name = Translated("name")

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["kind", "name_ar"]
        constraints = [
            one_of("body", "kind", BodyKind.values),
            models.CheckConstraint(
                condition=(Q(kind=BodyKind.TASK_FORCE) & Q(commitment__isnull=False))
                | (~Q(kind=BodyKind.TASK_FORCE) & Q(commitment__isnull=True)),
                name="body_task_force_has_commitment",
                violation_error_message=_(
                    "A commitment task force needs its commitment; other bodies have none."
                ),
            ),
            models.UniqueConstraint(fields=["name_ar"], name="body_unique_name_ar"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:body_detail", kwargs={"pk": self.pk})

    def get_kind_display(self):
        return choice_label(BodyKind, self.kind)


class Honorific(models.TextChoices):
    """The title printed before a name, as the minutes write it. The three Arabic styles
    of address are told apart (each is kept as written) though English says "H.E." for all."""

    MR = "mr", _("Mr")
    MS = "ms", _("Ms")
    MRS = "mrs", _("Mrs")
    MISS = "miss", _("Miss")
    USTADH = "ust", pgettext_lazy("honorific: al-ustadh", "Mr")
    USTADHA = "usta", pgettext_lazy("honorific: al-ustadha", "Ms")
    DR = "dr", _("Dr")
    PROF = "prof", _("Prof.")
    ENG = "eng", _("Eng.")
    SAADA = "he", pgettext_lazy("honorific: sa'adat", "H.E.")
    MAALI = "hon", pgettext_lazy("honorific: ma'ali", "H.E.")
    ATUFA = "atf", pgettext_lazy("honorific: atufat", "H.E.")
    NONE = "", _("(none)")


class Person(models.Model):
    honorific = models.CharField(
        _("honorific"), max_length=5, choices=Honorific.choices, blank=True
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    email = models.EmailField(_("email (private)"), blank=True)
    phone = models.CharField(_("phone (private)"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name=_("staff account"),
        null=True,
        blank=True,
    )

    name = Translated("name")

    class Meta:
        # Two people may share a name: they are told apart by their organisation
        # (`meetings.matching`), never by a unique name.
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name_ar"]
        constraints = [
            not_empty("person", "name_ar"),
            one_of("person", "honorific", Honorific.values),
        ]

    def __str__(self):
        return self.name

    # The labels of a row's choices, as the minutes list them once per attendee
    # (`core.i18n.choice_label`: Django's own rebuilds every choice on each call).
    def get_honorific_display(self):
        return choice_label(Honorific, self.honorific)


class Role(models.TextChoices):
    CHAIR = "chair", _("Chair")
    COORDINATOR = "coordinator", _("Coordinator")
    ADVISER = "adviser", _("Adviser")
    LIAISON = "liaison", _("Liaison officer")
    MEMBER = "member", _("Member")


class MembershipQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Memberships whose term covers `on` (today by default); open ends count."""
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=day),
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
        )


class Membership(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("body")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    position_ar = models.CharField(_("position (Arabic)"), max_length=300, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=300, blank=True)
    starts_on = models.DateField(_("member since"), null=True, blank=True)
    ends_on = models.DateField(_("member until"), null=True, blank=True)

    position = Translated("position")
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["body", "person__name_ar"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "person", "organisation"], name="membership_unique_person_per_body"
            ),
            one_of("membership", "role", Role.values),
            not_before(
                "ends_on",
                "starts_on",
                name="membership_dates_in_order",
                message=_("A membership must not end before it starts."),
                optional=("ends_on", "starts_on"),
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.body}"

    def get_role_display(self):
        return choice_label(Role, self.role)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CIRCULATED = "circulated", _("Circulated to members")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


@dataclass(frozen=True)
class AttendanceShares:
    """Who was present at a meeting by their organisation's sector: government or not
    (civil society, private sector, academia, youth...), as counts and whole-number shares.

    OGP asks for both sides in the forum's meetings: `no_non_government` flags a meeting
    with attendance recorded and no one present from outside government."""

    government: int
    non_government: int

    @property
    def present(self) -> int:
        return self.government + self.non_government

    @property
    def recorded(self) -> bool:
        return self.present > 0

    @property
    def government_share(self) -> int:
        return round(100 * self.government / self.present) if self.present else 0

    @property
    def non_government_share(self) -> int:
        return 100 - self.government_share if self.present else 0

    @property
    def no_non_government(self) -> bool:
        return self.recorded and self.non_government == 0


def present_count(condition: Q) -> models.Count:
    """A meeting's attendees who were present and meet `condition` (on `attendances__`):
    the one rule of who counts as present, for every count by sector."""
    return models.Count(
        "attendances", filter=Q(attendances__status=AttendanceStatus.PRESENT) & condition
    )


class MeetingQuerySet(models.QuerySet):
    def of_forum(self, plan):
        """The meetings of `plan`'s Multi-Stakeholder Forum (OGP's minimum requirements
        count these, not other bodies' meetings)."""
        return self.filter(plan=plan, body__kind=BodyKind.FORUM)

    def published(self):
        """Meetings whose minutes are published, whatever their plan (the plan document
        prints its own plan's)."""
        return self.filter(minutes_state=MinutesState.PUBLISHED)

    def public(self):
        """What the public site shows: published minutes of the site's public plans, or
        of no plan."""
        return self.published().filter(on_public_plan(or_no_plan=True))

    def with_attendance_shares(self):
        """Count who was present by sector in the same query (no query per meeting);
        read the result as `meeting.attendance_shares`."""
        government = Q(attendances__organisation__sector=Sector.GOVERNMENT)
        return self.annotate(
            present_government=present_count(government),
            present_non_government=present_count(~government),
        )

    def with_presence_by_sector(self):
        """Count who was present from each sector (`present_<sector>`, as `Sector.values`
        names them) in the same query."""
        return self.annotate(
            **{
                f"present_{value}": present_count(Q(attendances__organisation__sector=value))
                for value in Sector.values
            }
        )

    def for_minutes(self):
        """What the minutes print (`meetings.pdf.minutes_part`), in a fixed number of
        queries: the body, attendees with person and organisation, agenda items with
        presenter, outcomes with owner. Each meeting's rows come in their order within it,
        without the join back to the meeting that their models' default order needs."""
        return self.select_related("body").prefetch_related(
            models.Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person", "organisation").order_by(
                    "order", "pk"
                ),
            ),
            models.Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("presenter").order_by("number"),
            ),
            models.Prefetch(
                "outcomes", queryset=Outcome.objects.select_related("owner").order_by("number")
            ),
        )

    def with_outcome_commitments(self):
        """Each outcome's published related commitments, each a link: its number, title and
        plan's number (read with `for_minutes()`)."""
        return self.prefetch_related(
            models.Prefetch(
                "outcomes__commitments",
                queryset=Commitment.objects.published()
                .select_related("plan")
                .only("number", "title_ar", "title_en", "plan__number"),
            ),
        )

    def for_public_page(self):
        """The public minutes page (`meetings.pdf.minutes_context`): `for_detail`, reading
        of the meeting, its body and its plan only what the page shows."""
        return self.for_detail().only(
            *bilingual_names(["title", "place", "minutes"]),
            "starts_at",
            "ends_at",
            "mode",
            "platform",
            "agenda_published_at",
            "minutes_published_at",
            "body__name_ar",
            "body__name_en",
            "plan__number",
            "plan__starts_on",
            "plan__ends_on",
        )

    def for_detail(self):
        """A meeting with its minutes in a fixed number of queries (the workspace meeting
        page, annex A of the plan document): what the minutes print (`for_minutes`), the
        plan, the attendance shares, and the outcomes' published related commitments."""
        return (
            self.for_minutes()
            .with_attendance_shares()
            .select_related("plan")
            .with_outcome_commitments()
        )


class Meeting(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("body")
    )
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("plan"),
        null=True,
        blank=True,
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    place_ar = models.CharField(_("place (Arabic)"), max_length=300, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=300, blank=True)
    platform = models.CharField(
        _("online platform"), max_length=100, blank=True, help_text=_("For example Webex.")
    )
    agenda_published_at = models.DateTimeField(
        _("agenda published at"),
        null=True,
        blank=True,
        help_text=_("When the agenda was made public; OGP expects it 7 days before the meeting."),
    )
    minutes_state = models.CharField(
        _("minutes"), max_length=20, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    minutes_ar = models.TextField(_("minutes (Arabic)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    minutes_circulated_at = models.DateTimeField(_("minutes circulated at"), null=True, blank=True)
    minutes_circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("minutes circulated by"),
        null=True,
        blank=True,
    )
    minutes_approved_at = models.DateTimeField(_("minutes approved at"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("minutes approved by"),
        null=True,
        blank=True,
    )
    minutes_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("minutes published by"),
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    title = Translated("title")
    place = Translated("place")
    minutes = Translated("minutes")
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at"]
        permissions = [("publish_minutes", _("Can publish meeting minutes"))]
        constraints = [
            one_of("meeting", "mode", Mode.values),
            one_of("meeting", "minutes_state", MinutesState.values),
            not_before(
                "ends_at",
                "starts_at",
                name="meeting_ends_after_start",
                message=_("The meeting must end after it starts."),
                strict=True,
                optional=("ends_at",),
            ),
            models.CheckConstraint(
                condition=Q(mode=Mode.IN_PERSON) | ~Q(platform=""),
                name="meeting_online_has_platform",
                violation_error_message=_("A remote or hybrid meeting needs its online platform."),
            ),
            models.CheckConstraint(
                condition=Q(mode=Mode.REMOTE) | ~Q(place_ar=""),
                name="meeting_in_person_has_place",
                violation_error_message=_("An in-person or hybrid meeting needs its place."),
            ),
            models.CheckConstraint(
                condition=~Q(minutes_state=MinutesState.PUBLISHED)
                | Q(minutes_published_at__isnull=False),
                name="meeting_published_minutes_have_date",
                violation_error_message=_("Published minutes need their publication time."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    def get_mode_display(self):
        return choice_label(Mode, self.mode)

    @property
    def is_published(self) -> bool:
        return self.minutes_state == MinutesState.PUBLISHED

    @property
    def agenda_due_on(self) -> datetime.date:
        """The last day (Amman) the agenda may be published on time (`calendar_rules`)."""
        return calendar_rules.agenda_due_on(self.starts_at)

    @property
    def minutes_due_on(self) -> datetime.date:
        """The last day (Amman) the minutes may be published on time (`calendar_rules`)."""
        return calendar_rules.minutes_due_on(self.starts_at)

    @property
    def attendance_shares(self) -> AttendanceShares:
        """Government and non-government attendance (needs `with_attendance_shares()`)."""
        return AttendanceShares(self.present_government, self.present_non_government)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


class Attendance(models.Model):
    """One person at one meeting, with title and organisation as the minutes recorded them."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("organisation"),
    )
    position_ar = models.CharField(_("position (Arabic)"), max_length=300, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=300, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("attendance"),
        max_length=10,
        choices=AttendanceStatus.choices,
        default=AttendanceStatus.PRESENT,
    )
    order = models.PositiveSmallIntegerField(_("order in the minutes"), default=0)
    history = HistoricalRecords()

    position = Translated("position")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_unique_person_per_meeting"
            ),
            one_of("attendance", "status", AttendanceStatus.values),
            one_of("attendance", "role", Role.values),
        ]

    def __str__(self):
        return f"{self.person} @ {self.meeting}"

    def get_role_display(self):
        return choice_label(Role, self.role)

    def get_status_display(self):
        return choice_label(AttendanceStatus, self.status)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title_ar = models.CharField(_("title (Arabic)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400, blank=True)
    discussion_ar = models.TextField(_("discussion (Arabic)"), blank=True)
    discussion_en = models.TextField(_("discussion (English)"), blank=True)
    presenter = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
        verbose_name=_("presenter"),
        null=True,
        blank=True,
    )
    presentation = models.FileField(_("presentation"), upload_to="presentations/%Y/", blank=True)
    history = HistoricalRecords()

    title = Translated("title")
    discussion = Translated("discussion")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="agendaitem_unique_number_per_meeting"
            ),
            positive("agendaitem", "number", _("The agenda item number must be 1 or more.")),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class OutcomeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Outcome(models.Model):
    """A decision the meeting agreed, with who does it and by when."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("meeting")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    decision_ar = models.TextField(_("decision (Arabic)"))
    decision_en = models.TextField(_("decision (English)"), blank=True)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="meeting_outcomes",
        verbose_name=_("owner"),
        null=True,
        blank=True,
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OutcomeStatus.choices, default=OutcomeStatus.OPEN
    )
    commitments = models.ManyToManyField(
        Commitment,
        verbose_name=_("related commitments"),
        related_name="meeting_outcomes",
        blank=True,
    )
    history = HistoricalRecords(m2m_fields=[commitments])

    decision = Translated("decision")

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="outcome_unique_number_per_meeting"
            ),
            positive("outcome", "number", _("The outcome number must be 1 or more.")),
            one_of("outcome", "status", OutcomeStatus.values),
            not_empty("", "decision_ar", name="outcome_decision_not_empty"),
        ]

    def __str__(self):
        return f"{self.number}. {self.decision}"

    def get_status_display(self):
        return choice_label(OutcomeStatus, self.status)


class Attachment(models.Model):
    """A presentation or paper shown under an agenda item; private to the workspace."""

    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="meeting-attachments/%Y/", storage=private_storage)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["agenda_item", "pk"]
        constraints = [
            not_empty("attachment", "title"),
        ]

    def __str__(self):
        return self.title


class RemarkQuerySet(models.QuerySet):
    def with_authors(self):
        return self.select_related("author", "author__person")


class Remark(models.Model):
    """A forum member's written remark on circulated minutes ("members were invited to send
    further remarks in the coming days"): plain text, with who and when."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="remarks", verbose_name=_("meeting")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="meeting_remarks",
        verbose_name=_("author"),
        null=True,
    )
    body = models.TextField(_("remarks"), max_length=5000)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = RemarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("remark on the minutes")
        verbose_name_plural = _("remarks on the minutes")
        ordering = ["meeting", "created_at", "pk"]
        constraints = [
            not_empty("remark", "body"),
        ]

    def __str__(self):
        return f"{self.author} @ {self.meeting}"
