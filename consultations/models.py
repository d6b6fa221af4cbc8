"""Comment windows, comments, moderation and reasoned responses ("you said, we did").

A window is open or closed by the clock alone (no cron): `window.is_open(now)`.
"""

import datetime
import secrets
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Max, Min, Q, Value
from django.db.models.functions import Cast, Lower, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, Milestone
from core.constraints import language, not_before, not_empty, one_of
from core.i18n import Translated, choice_label
from plans.models import ActionPlan, Sector, on_public_plan

DEFAULT_WINDOW_DAYS = 14
COMMENT_MAX_LENGTH = 5000


def default_closes_at(opens_at: datetime.datetime, days: int = DEFAULT_WINDOW_DAYS):
    """The end of the window's last day in Amman: comments are accepted until 23:59:59 local.

    A window opening on 1 March for 14 days takes comments through 14 March; it closes at
    00:00 on 15 March, Amman time.

    Returned in UTC: on a clock-change day local midnight may not exist (spring) or happen
    twice (autumn; the first one is meant), and such a local value would compare unequal
    to the same instant in any other zone.
    """
    amman = ZoneInfo(settings.TIME_ZONE)
    first_day = opens_at.astimezone(amman).date()
    day_after_last = first_day + datetime.timedelta(days=days)
    midnight = datetime.datetime.combine(day_after_last, datetime.time.min, tzinfo=amman)
    return midnight.astimezone(datetime.UTC)


class WindowKind(models.TextChoices):
    PROPOSALS = "proposals", _("Call for proposals")
    DRAFT_COMMITMENTS = "draft_commitments", _("Draft commitments")
    DRAFT_PLAN = "draft_plan", _("Draft plan")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    FORUM = "forum", _("Forum members")


class WindowQuerySet(models.QuerySet):
    def open_at(self, moment: datetime.datetime):
        return self.filter(opens_at__lte=moment, closes_at__gt=moment)

    def public(self):
        """Windows the public site shows: open to everyone, on the site's public plans."""
        return self.filter(on_public_plan(), audience=Audience.PUBLIC)

    def for_links(self):
        """What a list of links to windows shows of each: its title, its dates and from
        them its state (the link is by pk). A window's texts are long, and each column read
        is work on every request."""
        return self.only("title_ar", "title_en", "opens_at", "closes_at")


class CommentWindow(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.PROTECT, related_name="comment_windows", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=WindowKind.choices)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    title_ar = models.CharField(_("title (Arabic)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"),
        blank=True,
        help_text=_(
            "The first moment comments are no longer accepted. Empty: 14 days, the last"
            " day accepted until 23:59:59 in Amman."
        ),
    )
    commitments = models.ManyToManyField(
        Commitment,
        verbose_name=_("commitments open for comment"),
        related_name="comment_windows",
        blank=True,
    )

    # When subscribers were told that the window opens, and that its report is out: each
    # email goes once (consultations.services.announce_opening / announce_report).
    opening_announced_at = models.DateTimeField(
        _("subscribers told of the opening at"), null=True, blank=True, editable=False
    )
    report_announced_at = models.DateTimeField(
        _("report announced to subscribers at"), null=True, blank=True, editable=False
    )
    # Compared by `update_window`: two people editing the window at once (core.concurrency).
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    title = Translated("title")
    description = Translated("description")
    objects = WindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment window")
        verbose_name_plural = _("comment windows")
        ordering = ["-opens_at"]
        permissions = [("schedule_window", _("Can open and close a comment window"))]
        constraints = [
            not_before(
                "closes_at",
                "opens_at",
                name="window_closes_after_opens",
                message=_("The window must close after it opens."),
                strict=True,
            ),
            one_of("window", "kind", WindowKind.values),
            one_of("window", "audience", Audience.values),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_default_close()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("consultations:detail", kwargs={"pk": self.pk})

    def get_kind_display(self):
        return choice_label(WindowKind, self.kind)

    def get_audience_display(self):
        return choice_label(Audience, self.audience)

    def clean(self):
        self.fill_default_close()

    def public_commitments(self):
        """Its published commitments, as its public page lists them: with their plan and
        lead institution, read for their links only (a commitment's template texts are
        long, and a national window covers dozens)."""
        return (
            Commitment.objects.published()
            .filter(comment_windows=self)
            .select_related("plan", "lead_institution")
            .only(
                "plan__number",
                "number",
                "title_ar",
                "title_en",
                "lead_institution__name_ar",
                "lead_institution__name_en",
            )
        )

    def fill_default_close(self) -> None:
        if self.opens_at and not self.closes_at:
            self.closes_at = default_closes_at(self.opens_at)

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def state_at(self, now: datetime.datetime | None = None) -> str:
        """ "upcoming", "open" or "closed" at `now`."""
        now = now or timezone.now()
        if now < self.opens_at:
            return "upcoming"
        return "open" if now < self.closes_at else "closed"

    def days_left(self, now: datetime.datetime | None = None) -> int:
        """Whole local days on which comments are still accepted, today included."""
        now = now or timezone.now()
        amman = ZoneInfo(settings.TIME_ZONE)
        return max(0, (self.last_day - now.astimezone(amman).date()).days + 1)

    @property
    def last_day(self) -> datetime.date:
        """The last local day on which comments are accepted."""
        amman = ZoneInfo(settings.TIME_ZONE)
        return (self.closes_at - datetime.timedelta(microseconds=1)).astimezone(amman).date()


class AnnouncementChannel(models.TextChoices):
    SITE = "site", _("Unit website")
    FACEBOOK = "facebook", _("Facebook")
    X = "x", _("X (Twitter)")
    EMAIL = "email", _("Email")


class Announcement(models.Model):
    """Where a window was announced, so readers can find the original post."""

    window = models.ForeignKey(
        CommentWindow,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("window"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=AnnouncementChannel.choices)
    url = models.URLField(_("link"), blank=True)
    announced_at = models.DateTimeField(_("announced at"), default=timezone.now)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["window", "announced_at"]
        constraints = [
            one_of("announcement", "channel", AnnouncementChannel.values),
        ]

    def __str__(self):
        return f"{self.window} – {self.get_channel_display()}"

    def get_channel_display(self):
        return choice_label(AnnouncementChannel, self.channel)


class Channel(models.TextChoices):
    SITE = "site", _("This website")
    FACEBOOK = "facebook", _("Facebook")
    X = "x", _("X (Twitter)")
    EMAIL = "email", _("Email")
    WORKSHOP = "workshop", _("Workshop")
    LETTER = "letter", _("Letter")
    PHONE = "phone", _("Phone")
    SOCIAL = "social", _("Other social media")


# Channels whose comments reach the unit away from this site: staff type them in, with
# where they came from and who took them down.
OFFLINE_CHANNELS = (Channel.WORKSHOP, Channel.LETTER, Channel.PHONE, Channel.SOCIAL)


class CommentPart(models.TextChoices):
    """What a comment is about: the commitment as a whole, one part of the OGP template
    (in the template's order, headed as `commitments.models.TEMPLATE_SECTIONS` heads it on
    the page the citizen reads), its milestones or its institutions."""

    GENERAL = "general", _("The commitment as a whole")
    DESCRIPTION = "description", _("Brief description")
    PROBLEM = "problem", _("Problem addressed")
    CAUSES = "causes", _("Causes of the problem")
    STATUS_QUO = "status_quo", _("What has been done so far")
    SOLUTION = "solution", _("What the commitment does")
    HOW_IT_SOLVES = "how_it_solves", _("How it solves the problem")
    RESULTS = "results", _("Results expected")
    RELEVANCE = "relevance", _("Relevance to OGP values")
    MILESTONES = "milestones", _("A milestone")
    INSTITUTIONS = "institutions", _("Institutions")


class Region(models.TextChoices):
    """Jordan's twelve governorates, and outside Jordan."""

    AMMAN = "amman", _("Amman")
    IRBID = "irbid", _("Irbid")
    ZARQA = "zarqa", _("Zarqa")
    BALQA = "balqa", _("Balqa")
    MADABA = "madaba", _("Madaba")
    KARAK = "karak", _("Karak")
    TAFILAH = "tafilah", _("Tafilah")
    MAAN = "maan", _("Ma'an")
    AQABA = "aqaba", _("Aqaba")
    MAFRAQ = "mafraq", _("Mafraq")
    JERASH = "jerash", _("Jerash")
    AJLOUN = "ajloun", _("Ajloun")
    ABROAD = "abroad", _("Outside Jordan")


def region_choices() -> list[tuple[str, str]]:
    """The governorates the forms offer: settings.COMMENT_REGIONS (codes, in that order), or
    all of Region. Stored values stay within Region (a database constraint)."""
    wanted = getattr(settings, "COMMENT_REGIONS", None) or Region.values
    labels = dict(Region.choices)
    return [(code, labels[code]) for code in wanted if code in labels]


class ModerationState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")
    # A forum member's remark in a members-only feedback period: staff read and answer it,
    # the public never sees it (nor the code of a hidden comment).
    MEMBERS = "members", _("Forum members only (never published)")


class HiddenReason(models.TextChoices):
    """Published codes: a reader sees why a comment is hidden, never its text."""

    OFF_TOPIC = "off_topic", _("Off topic")
    ABUSIVE = "abusive", _("Abusive language")
    PERSONAL_DATA = "personal_data", _("Contains personal data")
    DUPLICATE = "duplicate", _("Duplicate")
    SPAM = "spam", _("Advertising or spam")


# No 0/O, 1/I/L, U/V: letters and digits that are easy to confuse when read over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
TRACKING_LENGTH = 6


def new_tracking_number(received_at: datetime.datetime) -> str:
    """A short number a citizen can read over the phone: C-<year>-<6 characters>.

    29**6 (about 600 million) numbers a year; unique by constraint, and
    `services.submit_comment` draws again on the rare collision.
    """
    year = timezone.localtime(received_at).year
    code = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return f"C-{year}-{code}"


class CommentGroup(models.Model):
    """Comments of one window that are copies of one campaign text (small edits allowed).

    Grouping never hides a comment: each member keeps its tracking number, sector, region
    and channel. `consultations.grouping` forms groups as comments arrive; staff split and
    merge them (`services.split_group`, `services.merge_groups`). The answer given to the
    group once (`services.answer_group`) is copied to every member's own response.
    """

    window = models.ForeignKey(
        CommentWindow, on_delete=models.CASCADE, related_name="groups", verbose_name=_("window")
    )
    created_at = models.DateTimeField(_("formed at"), default=timezone.now, editable=False)
    # The answer given to the whole group, copied to each member's response; a comment that
    # joins later receives it as a draft.
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    reason_ar = models.TextField(_("reason (Arabic)"), blank=True)
    reason_en = models.TextField(_("reason (English)"), blank=True)

    class Meta:
        verbose_name = _("group of similar comments")
        verbose_name_plural = _("groups of similar comments")
        ordering = ["window", "pk"]

    def __str__(self):
        return _("Group %(number)s") % {"number": self.pk}


class Theme(models.Model):
    """A theme (tag) staff define for a window's inputs, for the report's filters."""

    window = models.ForeignKey(
        CommentWindow, on_delete=models.CASCADE, related_name="themes", verbose_name=_("window")
    )
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    name = Translated("name")

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["window", "name_ar"]
        constraints = [
            models.UniqueConstraint(fields=["window", "name_ar"], name="theme_unique_name"),
            not_empty("", "name_ar", name="theme_has_arabic_name"),
        ]

    def __str__(self):
        return self.name


# What a comment's public line shows (templates/consultations/_comment_list.html), and
# all that the public lists read of it.
PUBLIC_LINE = (
    "commitment",
    "milestone__number",
    "part",
    "body",
    "redacted_body",
    "author_name",
    "show_name",
    "tracking_number",
    "state",
    "hidden_reason",
    "created_at",
    "published_at",
    "response__comment",
    "response__outcome",
    "response__reason_ar",
    "response__reason_en",
    "response__published_at",
)


class CommentQuerySet(models.QuerySet):
    def without_disposition(self):
        """Inputs the unit still owes a disposition: published comments and members'
        remarks without a response (the dashboard's count and the stage 7 gate)."""
        return self.awaiting_response()

    def published(self):
        return self.filter(state=ModerationState.PUBLISHED)

    def public(self):
        """Published comments as the public site shows them: on the site's public plans."""
        return self.published().filter(on_public_plan("window__plan"))

    def visible(self):
        """What the public list shows: published comments and the codes of hidden ones
        (never one waiting for moderation, never a forum member's remark)."""
        return self.filter(state__in=[ModerationState.PUBLISHED, ModerationState.HIDDEN])

    def unanswered(self):
        return self.filter(response__isnull=True)

    def member_remarks(self):
        """Forum members' remarks (members-only feedback periods): never public."""
        return self.filter(state=ModerationState.MEMBERS)

    def awaiting_response(self):
        """What the unit still owes an answer to: published comments and members' remarks
        without a response."""
        return self.filter(
            state__in=[ModerationState.PUBLISHED, ModerationState.MEMBERS]
        ).unanswered()

    def pending(self):
        return self.filter(state=ModerationState.PENDING)

    def for_public_list(self):
        """Visible comments with what their public line needs (`PUBLIC_LINE`), in a fixed
        number of queries: nothing else of a comment is read, the author's e-mail and the
        text as sent before a redaction included. Their commitment is known when read
        through it (`commitment.comments`); a list of several commitments' comments selects
        it too (`with_commitment`)."""
        return (
            self.visible()
            .select_related("milestone", "response")
            .only(*PUBLIC_LINE)
            .order_by("-published_at", "-created_at")
        )

    def with_commitment(self):
        return self.select_related("commitment").only(*PUBLIC_LINE, "commitment__number")

    # --- The report of a window ("you said, we did", consultations.report) --------------

    def report_rows(self):
        """The comments that make the rows of a report: each published comment in no
        group, and the first published comment (lowest number) of each group. One
        uncorrelated subquery: the database reads the groups once, not once per comment."""
        published = self.published()
        firsts = (
            published.filter(group__isnull=False)
            .order_by()
            .values("group_id")
            .annotate(first=Min("pk"))
            .values("first")
        )
        return published.filter(Q(group__isnull=True) | Q(pk__in=firsts))

    def in_report_order(self):
        """The plan in general first, then by commitment number, then by arrival."""
        return self.order_by(F("commitment__number").asc(nulls_first=True), "pk")

    def group_tallies(self):
        """One row per group of these comments, and one for the comments in no group
        (`group_id` None): how many comments, how many with a published response, the
        first and last arrival. One grouped query, read from the `comment_window_counts`
        index and the responses, never from the comments' texts."""
        return (
            self.order_by()
            .values("group_id")
            .annotate(
                size=Count("pk"),
                answered=Count("pk", filter=Q(response__published_at__isnull=False)),
                first=Min("created_at"),
                last=Max("created_at"),
            )
        )

    def chart_counts(self):
        """How many of these comments per commitment (its id), sector, governorate, channel
        and hour of arrival (UTC, "YYYY-MM-DD HH"): rows of (chart, value, count), values
        as text ("" or None when not given). One query, five grouped counts in a UNION."""
        counts = self.order_by()

        def count_by(chart: str, value):
            return (
                counts.annotate(chart=Value(chart), value=value)
                .values_list("chart", "value")
                .annotate(count=Count("pk"))
            )

        return count_by("commitment", Cast("commitment_id", models.CharField())).union(
            count_by("sector", F("sector")),
            count_by("region", F("region")),
            count_by("channel", F("channel")),
            # Plain text, no per-row time-zone function (SQLite has none): each hour is put
            # on its local day by the caller; Amman's offsets are whole hours.
            count_by("hour", Substr(Cast("created_at", models.CharField()), 1, 13)),
            all=True,
        )


class Comment(models.Model):
    window = models.ForeignKey(
        CommentWindow, on_delete=models.PROTECT, related_name="comments", verbose_name=_("window")
    )
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("commitment"),
        null=True,
        blank=True,
        help_text=_("Empty for a comment on the plan in general."),
    )
    part = models.CharField(
        _("part of the commitment"),
        max_length=20,
        choices=CommentPart.choices,
        default=CommentPart.GENERAL,
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        related_name="comments",
        verbose_name=_("milestone"),
        null=True,
        blank=True,
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    # A citizen's words are never edited silently: redaction writes the public text here
    # and keeps `body`, the original, for staff.
    redacted_body = models.TextField(_("public text after redaction"), blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("redacted by"),
        null=True,
        blank=True,
    )
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True)
    author_name = models.CharField(_("name"), max_length=150, blank=True)
    show_name = models.BooleanField(_("show my name with my comment"), default=False)
    author_email = models.EmailField(_("email (never published)"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)
    region = models.CharField(_("governorate"), max_length=20, choices=Region.choices, blank=True)
    channel = models.CharField(
        _("received through"), max_length=10, choices=Channel.choices, default=Channel.SITE
    )
    # Set on first save from created_at; blank until then so full_clean() passes.
    tracking_number = models.CharField(
        _("tracking number"), max_length=20, blank=True, editable=False
    )
    submission_token = models.UUIDField(_("submission token"), default=uuid.uuid4, editable=False)
    state = models.CharField(
        _("moderation"),
        max_length=10,
        choices=ModerationState.choices,
        default=ModerationState.PENDING,
    )
    hidden_reason = models.CharField(
        _("reason hidden"), max_length=20, choices=HiddenReason.choices, blank=True
    )
    created_at = models.DateTimeField(_("received at"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        help_text=_("The staff member who entered a comment received elsewhere."),
    )
    # A forum member's remark is linked to their account; a citizen's comment has no author.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="member_remarks",
        verbose_name=_("forum member"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The forum member who sent this remark; empty for a citizen's comment."),
    )

    # Where a comment received off the site came from, and who took it down (a note-taker
    # at a workshop, the person who opened the letter): shown with the comment, so that it
    # never reads as the words of the staff member who typed it in (`logged_by`).
    source_event = models.CharField(
        _("event or source"),
        max_length=200,
        blank=True,
        help_text=_("The workshop, meeting, letter or post the comment came from."),
    )
    source_date = models.DateField(_("date of the event or source"), null=True, blank=True)
    source_place = models.CharField(_("place"), max_length=200, blank=True)
    taken_down_by = models.CharField(
        _("taken down by"),
        max_length=150,
        blank=True,
        help_text=_("Who wrote the comment down or received it (name and role)."),
    )

    # Campaign grouping (`consultations.grouping`): the text folded for comparison, the
    # group, and whether staff placed the comment themselves (then it stays where they put
    # it whatever the automatic grouping finds).
    match_text = models.TextField(_("text for grouping"), blank=True, editable=False)
    group = models.ForeignKey(
        CommentGroup,
        on_delete=models.SET_NULL,
        related_name="comments",
        verbose_name=_("group of similar comments"),
        null=True,
        blank=True,
    )
    group_locked = models.BooleanField(_("grouped by staff"), default=False, editable=False)
    themes = models.ManyToManyField(
        Theme, related_name="comments", verbose_name=_("themes"), blank=True
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["-created_at"]
        indexes = [
            # The public list of a window's comments, newest first, read a page at a time
            # however many comments the window holds.
            models.Index(
                fields=["window", "-published_at", "-created_at"], name="comment_public_order"
            ),
            # What the report counts of a window's published comments (rows, groups, charts)
            # and the public list's count, read from this index alone: a pass over small
            # entries, never over the rows with their texts.
            models.Index(
                fields=[
                    "window",
                    "state",
                    "group",
                    "commitment",
                    "sector",
                    "region",
                    "channel",
                    "created_at",
                ],
                name="comment_window_counts",
            ),
            # The comments under a commitment on its public page, newest first, and their
            # count: a walk down this index that stops at the first page, however many
            # comments a campaign puts on one commitment (the state read from the index).
            models.Index(
                fields=["commitment", "-published_at", "-created_at", "state"],
                name="comment_commitment_public",
            ),
            # The staff comment list of a window, oldest first, under any state filter: a
            # walk down this index that stops at the page shown. Without it a window of
            # 10,000 comments was sorted whole for every page (203 ms against 33).
            models.Index(
                fields=["window", "created_at", "id", "state"], name="comment_staff_order"
            ),
        ]
        permissions = [
            (
                "send_member_remark",
                _("Can send a forum member's remark in a members-only feedback period"),
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission_token"], name="comment_unique_token"),
            models.UniqueConstraint(
                fields=["tracking_number"], name="comment_unique_tracking_number"
            ),
            one_of("comment", "state", ModerationState.values),
            one_of("comment", "channel", Channel.values),
            one_of("comment", "part", CommentPart.values),
            models.CheckConstraint(
                condition=(
                    Q(state=ModerationState.HIDDEN) & Q(hidden_reason__in=HiddenReason.values)
                )
                | (~Q(state=ModerationState.HIDDEN) & Q(hidden_reason="")),
                name="comment_hidden_has_reason",
                violation_error_message=_(
                    "A hidden comment needs a reason; a comment that is not hidden has none."
                ),
            ),
            not_empty("comment", "body"),
            # A member's remark is never published nor shown hidden: whatever a screen or
            # the admin tries, the database keeps it for staff and its author only.
            models.CheckConstraint(
                condition=Q(author__isnull=True) | Q(state=ModerationState.MEMBERS),
                name="comment_member_remark_stays_private",
                violation_error_message=_("A forum member's remark is never published or hidden."),
            ),
            one_of("", "sector", Sector.values, blank=True, name="comment_sector_valid"),
            one_of("", "region", Region.values, blank=True, name="comment_region_valid"),
        ]

    def __str__(self):
        return self.tracking_number or f"#{self.pk}"

    def save(self, *args, **kwargs):
        if not self.tracking_number:
            self.tracking_number = new_tracking_number(self.created_at)
        super().save(*args, **kwargs)

    # The labels the public comment list shows once per comment (`choice_label`).
    def get_part_display(self):
        return choice_label(CommentPart, self.part)

    def get_hidden_reason_display(self):
        return choice_label(HiddenReason, self.hidden_reason)

    @property
    def is_offline(self) -> bool:
        return self.channel in OFFLINE_CHANNELS

    @property
    def is_redacted(self) -> bool:
        return bool(self.redacted_body)

    @property
    def public_body(self) -> str:
        """The text the public reads: the redacted text when there is one."""
        return self.redacted_body or self.body

    @property
    def public_name(self) -> str:
        return self.author_name if self.show_name else ""

    @property
    def is_member_remark(self) -> bool:
        return self.state == ModerationState.MEMBERS

    @property
    def member_name(self) -> str:
        """The forum member's name for staff: their person record, else their account's
        full name or username; empty when the account was deleted. Select
        `author__person` with the comment to read it without a query."""
        user = self.author
        if user is None:
            return ""
        person = getattr(user, "person", None)
        if person is not None:
            return person.name
        return user.get_full_name() or user.get_username()

    @property
    def member_response(self):
        """The response the member reads on their page: once the coordinator published it."""
        if not self.is_member_remark:
            return None
        try:
            response = self.response
        except Response.DoesNotExist:
            return None
        return response if response.published_at else None

    @property
    def public_response(self):
        """The response the public may read: published, and only while the comment is."""
        if self.state != ModerationState.PUBLISHED:
            return None
        try:
            response = self.response
        except Response.DoesNotExist:
            return None
        return response if response.published_at else None


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    ALREADY_COVERED = "already_covered", _("Already covered")


class Response(models.Model):
    """The unit's reasoned answer to one comment; together they form "you said, we did"."""

    # One response per comment: the one-to-one field's own unique index is that invariant.
    # A named UniqueConstraint on the same column would be a second index that never fires
    # (the database reports the field's index first); tests/consultations/test_constraints.py
    # proves a second response is refused, by the database and by full_clean().
    comment = models.OneToOneField(
        Comment, on_delete=models.CASCADE, related_name="response", verbose_name=_("comment")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason_ar = models.TextField(_("reason (Arabic)"), blank=True)
    reason_en = models.TextField(_("reason (English)"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="comment_responses",
        verbose_name=_("responded by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("published by"),
        null=True,
        blank=True,
    )

    reason = Translated("reason")

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["comment"]
        permissions = [("publish_response", _("Can publish a response"))]
        # One response per comment: the one-to-one `comment` field's own unique index.
        constraints = [
            one_of("response", "outcome", Outcome.values),
            models.CheckConstraint(
                condition=~Q(reason_ar="") | ~Q(reason_en=""),
                name="response_has_reason",
                violation_error_message=_("Give the reason for the response."),
            ),
        ]

    def __str__(self):
        return f"{self.comment} – {self.get_outcome_display()}"

    def get_outcome_display(self):
        return choice_label(Outcome, self.outcome)

    @classmethod
    def from_db(cls, db, field_names, values):
        response = super().from_db(db, field_names, values)
        # Whether the public saw it as it was read: a save that takes it back to draft
        # still changes what the public sees (`consultations.apps.response_is_public`).
        response.was_published = response.__dict__.get("published_at") is not None
        return response


class SubscriptionQuerySet(models.QuerySet):
    def active(self):
        """Confirmed (double opt-in) and not unsubscribed."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """An email address that asked to hear when a consultation opens or a report is out.

    Double opt-in: nothing is sent but the confirmation until the link in it is followed.
    Every email carries a one-click unsubscribe link (and the List-Unsubscribe header).
    """

    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language of the emails"), max_length=5, choices=settings.LANGUAGES, default="ar"
    )
    windows = models.BooleanField(_("when a consultation opens"), default=True)
    reports = models.BooleanField(_("when a consultation report is published"), default=True)
    created_at = models.DateTimeField(_("signed up at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("email subscription")
        verbose_name_plural = _("email subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscription_unique_email"),
            models.CheckConstraint(
                condition=Q(windows=True) | Q(reports=True),
                name="subscription_has_a_topic",
                violation_error_message=_("Choose at least one kind of news."),
            ),
            language("subscription"),
        ]

    def __str__(self):
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
