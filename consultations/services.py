"""Writes with a rule: citizen comments (exactly once), moderation, reasoned responses.

Views never set `state`, `published_at` or the tracking number themselves; they call these
functions, which raise `ValidationError` with a message for the user.
"""

import dataclasses
import datetime
import uuid
from collections.abc import Collection, Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.models import Commitment, Milestone
from core.concurrency import lock_for_edit
from core.page_cache import content_changed

from . import grouping
from .figures import figures_changed
from .grouping import match_key
from .models import (
    COMMENT_MAX_LENGTH,
    Announcement,
    AnnouncementChannel,
    Audience,
    Channel,
    Comment,
    CommentGroup,
    CommentPart,
    CommentWindow,
    HiddenReason,
    ModerationState,
    Outcome,
    Response,
    Subscription,
    Theme,
    WindowKind,
    default_closes_at,
    new_tracking_number,
)

# A collision of six random characters is rare; a few fresh draws make a failure
# practically impossible (the post is never refused because of one).
TRACKING_ATTEMPTS = 8


class WindowClosed(ValidationError):
    """The window does not take comments at this moment."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class CommentData:
    body: str
    commitment: Commitment | None = None
    milestone: Milestone | None = None
    part: str = CommentPart.GENERAL
    author_name: str = ""
    show_name: bool = False
    author_email: str = ""
    sector: str = ""
    region: str = ""
    channel: str = Channel.SITE
    # Off-site input (staff type it in): the event or source, its date and place, and who
    # took the comment down.
    source_event: str = ""
    source_date: datetime.date | None = None
    source_place: str = ""
    taken_down_by: str = ""


def premoderation() -> bool:
    """True (the default): a comment waits for a moderator before the public sees it.
    `COMMENT_MODERATION = "post"` publishes at once; moderators may hide afterwards."""
    return getattr(settings, "COMMENT_MODERATION", "pre") != "post"


def fit_problems(*, window: CommentWindow, data: CommentData, drafts: bool = False) -> list[str]:
    """Why the comment does not fit the window (empty when it does). Citizens comment on
    published commitments only; forum members (`drafts`) on the drafts the window covers."""
    problems = []
    commitments = Commitment.objects.all() if drafts else Commitment.objects.published()
    if (
        data.commitment is not None
        and not commitments.filter(pk=data.commitment.pk, comment_windows=window).exists()
    ):
        problems.append(_("This commitment is not open for comment in this consultation."))
    if data.part != CommentPart.GENERAL and data.commitment is None:
        problems.append(
            _("Choose the commitment this part belongs to, or comment on the plan in general.")
        )
    if data.part == CommentPart.MILESTONES and data.milestone is None:
        problems.append(_("Choose the milestone you are commenting on."))
    if data.milestone is not None and (
        data.part != CommentPart.MILESTONES
        or data.commitment is None
        or data.milestone.commitment_id != data.commitment.pk
    ):
        problems.append(_("This milestone is not part of the commitment you chose."))
    if not data.body.strip():
        problems.append(_("Write your comment."))
    return problems


# "Back" after sending may reload the form page with a fresh token (the CSRF cookie set by
# the first visit no longer matches the browser's stored copy, which varies on Cookie),
# while the browser restores the typed text. Such a post is a resend only when the same
# sender sent it: the same browser (the tokens it keeps in its cookie, see
# `consultations.views`) or the same forum member's account. The same words from someone
# else are another comment, however alike.
RESEND_WINDOW = datetime.timedelta(hours=1)


def same_comment_resent(
    *, window: CommentWindow, data: CommentData, now: datetime.datetime, **sender
) -> Comment | None:
    """The comment `sender` (filters naming who sent it) already sent on the same point,
    with the same words, within RESEND_WINDOW; None when there is none."""
    return (
        Comment.objects.filter(
            window=window,
            commitment=data.commitment,
            milestone=data.milestone,
            part=data.part,
            body=data.body.strip(),
            created_at__gte=now - RESEND_WINDOW,
            **sender,
        )
        .order_by("created_at")
        .first()
    )


@transaction.atomic
def submit_comment(
    *,
    window: CommentWindow,
    data: CommentData,
    token: uuid.UUID,
    now: datetime.datetime | None = None,
    logged_by=None,
    sent_before: Collection[uuid.UUID] = (),
) -> tuple[Comment, bool]:
    """Store one comment exactly once: the same token gives back the same comment.

    Returns `(comment, created)`. A double click, a resubmit after a lost response and two
    parallel posts of one form all end with the row of the first, thanks to the unique
    token. `sent_before` are the tokens this browser posted earlier: a fresh form carrying
    exactly what one of them carried, within RESEND_WINDOW, is that comment sent again
    after "back". Two people who write the same words are two comments, each with its own
    tracking number, sector and region. Refused (WindowClosed) outside the window; staff
    logging a comment received elsewhere (`logged_by`) give the moment it was received as
    `now`.
    """
    existing = Comment.objects.filter(submission_token=token).first()
    if existing is not None:
        if existing.window_id != window.pk or existing.author_id is not None:
            raise ValidationError(_("This form belongs to another consultation."))
        return existing, False
    if window.audience != Audience.PUBLIC:
        raise ValidationError(
            _("This consultation is for forum members only; they send remarks when signed in.")
        )
    now = now or timezone.now()
    if not window.is_open(now):
        if now < window.opens_at:
            raise WindowClosed(_("This consultation is not open for comments yet."))
        raise WindowClosed(
            _("This consultation closed before your comment arrived; it was not saved.")
        )
    problems = fit_problems(window=window, data=data)
    if problems:
        raise ValidationError(problems)
    if sent_before and logged_by is None:
        # Every field compared: a resend whose sector or name was corrected is kept as sent.
        resent = same_comment_resent(
            window=window,
            data=data,
            now=now,
            submission_token__in=list(sent_before),
            author__isnull=True,
            logged_by__isnull=True,
            author_name=data.author_name.strip(),
            show_name=data.show_name and bool(data.author_name.strip()),
            author_email=data.author_email.strip(),
            sector=data.sector,
            region=data.region,
            channel=data.channel,
        )
        if resent is not None:
            return resent, False
    publish_now = premoderation() is False and logged_by is None
    return insert_once(
        token=token,
        now=now,
        window=window,
        commitment=data.commitment,
        milestone=data.milestone,
        part=data.part,
        body=data.body.strip(),
        author_name=data.author_name.strip(),
        show_name=data.show_name and bool(data.author_name.strip()),
        author_email=data.author_email.strip(),
        sector=data.sector,
        region=data.region,
        channel=data.channel,
        source_event=data.source_event.strip(),
        source_date=data.source_date,
        source_place=data.source_place.strip(),
        taken_down_by=data.taken_down_by.strip(),
        logged_by=logged_by,
        state=ModerationState.PUBLISHED if publish_now else ModerationState.PENDING,
        published_at=now if publish_now else None,
    )


def insert_once(*, token: uuid.UUID, now: datetime.datetime, **fields) -> tuple[Comment, bool]:
    """Insert the comment under `token`, drawing a free tracking number; a parallel post of
    the same form that won the race gives back its row instead. `(comment, created)`."""
    for _attempt in range(TRACKING_ATTEMPTS):
        comment = Comment(
            submission_token=token,
            tracking_number=new_tracking_number(now),
            created_at=now,
            match_text=match_key(fields["body"]),
            **fields,
        )
        try:
            with transaction.atomic():
                comment.save(force_insert=True)
        except IntegrityError:
            # Either a parallel post of the same form won (same token: its receipt), or
            # the tracking number was taken (draw another).
            existing = Comment.objects.filter(submission_token=token).first()
            if existing is not None:
                return existing, False
            continue
        # Campaign grouping keeps up as comments arrive (after commit, in the task worker).
        from .tasks import place_comment_in_group

        transaction.on_commit(lambda pk=comment.pk: place_comment_in_group.enqueue(pk))
        return comment, True
    raise RuntimeError("no free tracking number after several draws")


# --- Forum members' remarks (members-only feedback periods) ------------------------------

MEMBER_REMARK_PERMISSION = "consultations.send_member_remark"


def is_forum_member(user) -> bool:
    """Who sends remarks in a members-only period: a signed-in, active account holding the
    forum member role's permission (as `meetings` does for remarks on minutes)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm(MEMBER_REMARK_PERMISSION)
    )


def member_window_problem(
    window: CommentWindow, now: datetime.datetime | None = None
) -> str | None:
    """Why a member cannot send a remark in `window` now (None when they can)."""
    if window.audience != Audience.FORUM:
        return _("This consultation is open to everyone: comment on its public page, not here.")
    state = window.state_at(now)
    if state == "upcoming":
        return _("This feedback period has not opened yet.")
    if state == "closed":
        return _("This feedback period is closed: remarks are no longer taken.")
    return None


@transaction.atomic
def submit_member_remark(
    *,
    window: CommentWindow,
    data: CommentData,
    token: uuid.UUID,
    user,
    now: datetime.datetime | None = None,
) -> tuple[Comment, bool]:
    """A forum member's remark on the draft commitments of a members-only window, linked
    to their account and stored exactly once: the same token (a double click, a resubmit,
    two parallel posts) gives back the same remark. Never published: staff read it beside
    the public comments and answer it; the member reads the response on their page.

    Only the text, the commitment, the part and the milestone of `data` are used; who sent
    it is the account. Returns `(comment, created)`.
    """
    if not is_forum_member(user):
        raise ValidationError(_("Only forum members send remarks in this feedback period."))
    existing = Comment.objects.filter(submission_token=token).first()
    if existing is not None:
        if existing.window_id != window.pk or existing.author_id != user.pk:
            raise ValidationError(_("This form belongs to another feedback period."))
        return existing, False
    now = now or timezone.now()
    problem = member_window_problem(window, now)
    if problem:
        if window.audience == Audience.FORUM:
            raise WindowClosed(problem)
        raise ValidationError(problem)
    body = data.body.strip()
    problems = fit_problems(window=window, data=data, drafts=True)
    if body and len(body) > COMMENT_MAX_LENGTH:
        problems.append(
            _(
                "Your remark is %(length)s characters long; keep it within %(limit)s"
                " (send a second remark for the rest)."
            )
            % {"length": len(body), "limit": COMMENT_MAX_LENGTH}
        )
    if problems:
        raise ValidationError(problems)
    # The same words from the same member on the same point within the hour: sent again
    # (a reload of the form page gave a fresh token). The account is the sender, as the
    # browser is for a citizen; another member's identical remark is their own.
    resent = same_comment_resent(window=window, data=data, now=now, author=user)
    if resent is not None:
        return resent, False
    return insert_once(
        token=token,
        now=now,
        window=window,
        commitment=data.commitment,
        milestone=data.milestone,
        part=data.part,
        body=body,
        author=user,
        channel=Channel.SITE,
        state=ModerationState.MEMBERS,
    )


# --- Moderation --------------------------------------------------------------------------


@transaction.atomic
def moderate_comments(
    *,
    comments: Iterable[Comment],
    action: str,
    user,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """Publish or hide comments (bulk), recording who and when. Returns how many changed.

    Hiding needs a reason code from the published moderation policy.
    """
    now = now or timezone.now()
    if action == "publish":
        changes = {"state": ModerationState.PUBLISHED, "hidden_reason": ""}
    elif action == "hide":
        if reason not in HiddenReason.values:
            raise ValidationError(_("Choose the reason for hiding, from the moderation policy."))
        changes = {"state": ModerationState.HIDDEN, "hidden_reason": reason}
    else:
        raise ValidationError(_("Unknown moderation action."))
    pks = [comment.pk for comment in comments]
    rows = list(Comment.objects.select_for_update().filter(pk__in=pks))
    members_only = CommentWindow.objects.filter(
        pk__in={comment.window_id for comment in rows}, audience=Audience.FORUM
    )
    if any(comment.is_member_remark for comment in rows) or members_only.exists():
        raise ValidationError(
            _(
                "A forum member's remark is never published or hidden: it stays with the"
                " unit. Answer it with a response instead."
            )
        )
    count = 0
    for comment in rows:
        if comment.state == changes["state"] and comment.hidden_reason == changes["hidden_reason"]:
            continue
        for field, value in changes.items():
            setattr(comment, field, value)
        if action == "publish" and comment.published_at is None:
            comment.published_at = now
        comment.moderated_by = user
        comment.moderated_at = now
        comment.save(update_fields=[*changes, "published_at", "moderated_by", "moderated_at"])
        count += 1
    return count


@transaction.atomic
def redact_comment(
    *, comment: Comment, public_text: str, user, now: datetime.datetime | None = None
) -> Comment:
    """Publish a redacted text (personal data removed); the original stays for staff."""
    if comment.is_member_remark:
        raise ValidationError(
            _("A forum member's remark is never public: there is nothing to redact.")
        )
    public_text = public_text.strip()
    if not public_text:
        raise ValidationError(_("Write the text the public will read."))
    if public_text == comment.body:
        raise ValidationError(_("The redacted text is the same as the original."))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.redacted_body = public_text
    comment.redacted_by = user
    comment.redacted_at = now or timezone.now()
    comment.save(update_fields=["redacted_body", "redacted_by", "redacted_at"])
    return comment


# --- Reasoned responses ------------------------------------------------------------------


def response_problems(*, outcome: str, reason_ar: str, reason_en: str) -> list[str]:
    """Why a response cannot be saved as written (empty when it can)."""
    if outcome not in Outcome.values:
        return [_("Choose the outcome.")]
    if not (reason_ar.strip() or reason_en.strip()):
        return [_("Give the reason for the response.")]
    return []


@transaction.atomic
def save_response(
    *, comment: Comment, outcome: str, reason_ar: str, reason_en: str, user
) -> Response:
    """Draft or revise the response to a comment (one per comment). Editing a published
    response takes it back to draft: the coordinator publishes the new text."""
    problems = response_problems(outcome=outcome, reason_ar=reason_ar, reason_en=reason_en)
    if problems:
        raise ValidationError(problems)
    response, _created = Response.objects.select_for_update().get_or_create(
        comment=comment,
        defaults={"outcome": outcome, "reason_ar": reason_ar, "reason_en": reason_en},
    )
    response.outcome = outcome
    response.reason_ar = reason_ar.strip()
    response.reason_en = reason_en.strip()
    response.responded_by = user
    response.published_at = None
    response.published_by = None
    response.save()
    return response


@transaction.atomic
def publish_response(*, response: Response, user, now: datetime.datetime | None = None) -> Response:
    """Publish a drafted response; the commenter who left an email hears of it after commit.

    The response is public only while its comment is published. The response to a forum
    member's remark is never public: publishing it shows it to the member on their page.
    """
    if not user.has_perm("consultations.publish_response"):
        raise ValidationError(_("Only the unit coordinator publishes responses."))
    response = Response.objects.select_for_update().select_related("comment").get(pk=response.pk)
    if response.published_at is not None:
        return response
    comment = response.comment
    if comment.state not in (ModerationState.PUBLISHED, ModerationState.MEMBERS):
        raise ValidationError(_("Publish the comment before its response."))
    response.published_at = now or timezone.now()
    response.published_by = user
    response.save(update_fields=["published_at", "published_by"])
    response_pk = response.pk
    if comment.is_member_remark:
        # Never public: the member reads it on their workspace page, and hears of it.
        from .tasks import notify_member

        transaction.on_commit(lambda: notify_member.enqueue(response_pk))
    elif comment.author_email:
        from .tasks import notify_commenter

        transaction.on_commit(lambda: notify_commenter.enqueue(response_pk))
    return response


# --- Windows -----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class WindowData:
    """What staff write about a window; the schedule (opens / closes) is set apart."""

    kind: str
    audience: str
    title_ar: str
    title_en: str = ""
    description_ar: str = ""
    description_en: str = ""


WINDOW_DATA_FIELDS = [field.name for field in dataclasses.fields(WindowData)]

SCHEDULE_PERMISSION = "consultations.schedule_window"


def closes_after_last_day(last_day: datetime.date) -> datetime.datetime:
    """The first moment after `last_day` in Amman (comments accepted until 23:59:59 local),
    in UTC (see `models.default_closes_at`)."""
    amman = ZoneInfo(settings.TIME_ZONE)
    midnight = datetime.datetime.combine(
        last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=amman
    )
    return midnight.astimezone(datetime.UTC)


def window_schedule(
    opens_at: datetime.datetime, last_day: datetime.date | None
) -> tuple[datetime.datetime, datetime.datetime]:
    """(opens_at, closes_at): the last day empty means 14 days, the opening day included."""
    closes_at = closes_after_last_day(last_day) if last_day else default_closes_at(opens_at)
    if closes_at <= opens_at:
        raise ValidationError(_("The last day for comments cannot come before the opening."))
    return opens_at, closes_at


def commitment_problems(plan, commitments: Iterable[Commitment]) -> list[str]:
    return [
        _(
            "Commitment %(number)s belongs to another plan; a window covers only the"
            " commitments of its own plan."
        )
        % {"number": commitment.number}
        for commitment in commitments
        if commitment.plan_id != plan.pk
    ]


def check_may_schedule(user) -> None:
    if not user.has_perm(SCHEDULE_PERMISSION):
        raise ValidationError(_("Only the unit coordinator opens and closes windows."))


def lock_for_coordinator(window: CommentWindow, user) -> CommentWindow:
    """The window's row locked for a change only the coordinator makes (its schedule, its
    report's announcement); ValidationError for anyone else."""
    check_may_schedule(user)
    return lock_window(window)


def check_window_data(data: WindowData) -> None:
    problems = []
    if data.kind not in WindowKind.values:
        problems.append(_("Choose the kind of consultation."))
    if data.audience not in Audience.values:
        problems.append(_("Choose who may comment."))
    if not data.title_ar.strip():
        problems.append(_("Give the window an Arabic title."))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def create_window(
    *,
    plan,
    data: WindowData,
    commitments: Iterable[Commitment],
    opens_at: datetime.datetime,
    last_day: datetime.date | None,
    user,
) -> CommentWindow:
    """A new window on `plan`, scheduled by the coordinator (opening and last day)."""
    check_may_schedule(user)
    check_window_data(data)
    commitments = list(commitments)
    problems = commitment_problems(plan, commitments)
    if problems:
        raise ValidationError(problems)
    opens_at, closes_at = window_schedule(opens_at, last_day)
    window = CommentWindow.objects.create(
        plan=plan,
        opens_at=opens_at,
        closes_at=closes_at,
        **{field: value.strip() for field, value in dataclasses.asdict(data).items()},
    )
    window.commitments.set(commitments)
    announce_opening(window)
    return window


def window_change_problems(
    *, window: CommentWindow, data: WindowData, commitments: list[Commitment]
) -> list[str]:
    """Why the window cannot be changed to be about `data` and `commitments` (empty when
    it can)."""
    problems = commitment_problems(window.plan, commitments)
    if data.audience != window.audience and window.comments.exists():
        # Members' remarks must never become public, nor citizens' comments disappear.
        problems.append(
            _("This window already has comments: who may comment can no longer change.")
        )
    return problems


@transaction.atomic
def update_window(
    *,
    window: CommentWindow,
    data: WindowData,
    commitments: Iterable[Commitment],
    user,
    expected_version: int | None = None,
) -> CommentWindow:
    """Change what a window is about (its text, audience and commitments), not its dates;
    `StaleEdit` when someone saved it after the form was opened on `expected_version`."""
    check_window_data(data)
    commitments = list(commitments)
    if expected_version is None:
        window = CommentWindow.objects.select_for_update().get(pk=window.pk)
    else:
        window = lock_for_edit(window, expected_version)
    problems = window_change_problems(window=window, data=data, commitments=commitments)
    if problems:
        raise ValidationError(problems)
    for field, value in dataclasses.asdict(data).items():
        setattr(window, field, value.strip())
    window.version += 1
    window.save(update_fields=[*dataclasses.asdict(data), "version"])
    window.commitments.set(commitments)
    return window


@transaction.atomic
def schedule_window(
    *,
    window: CommentWindow,
    opens_at: datetime.datetime,
    last_day: datetime.date | None,
    user,
) -> CommentWindow:
    """The coordinator sets when a window opens and its last day (empty: 14 days)."""
    window = lock_for_coordinator(window, user)
    window.opens_at, window.closes_at = window_schedule(opens_at, last_day)
    window.save(update_fields=["opens_at", "closes_at"])
    announce_opening(window)
    return window


@transaction.atomic
def open_window_now(
    *, window: CommentWindow, user, now: datetime.datetime | None = None
) -> CommentWindow:
    """Open a window at once; one already closed reopens for the default 14 days."""
    window = lock_for_coordinator(window, user)
    now = now or timezone.now()
    if window.is_open(now):
        raise ValidationError(_("This window is already open."))
    window.opens_at = now
    if window.closes_at <= now:
        window.closes_at = default_closes_at(now)
    window.save(update_fields=["opens_at", "closes_at"])
    announce_opening(window, now=now)
    return window


@transaction.atomic
def close_window_now(
    *, window: CommentWindow, user, now: datetime.datetime | None = None
) -> CommentWindow:
    """Stop taking comments at once (a post already on its way is refused)."""
    window = lock_for_coordinator(window, user)
    now = now or timezone.now()
    if not window.is_open(now):
        raise ValidationError(_("This window is not open."))
    window.closes_at = now
    window.save(update_fields=["closes_at"])
    return window


@transaction.atomic
def add_announcement(
    *,
    window: CommentWindow,
    channel: str,
    url: str,
    announced_at: datetime.datetime | None = None,
    user,
) -> Announcement:
    """Record a post announcing the window: the first on a channel, or a reminder."""
    if channel not in AnnouncementChannel.values:
        raise ValidationError(_("Choose where the window was announced."))
    announcement = Announcement(
        window=window, channel=channel, url=url.strip(), announced_at=announced_at or timezone.now()
    )
    announcement.full_clean()
    announcement.save()
    return announcement


@transaction.atomic
def remove_announcement(*, announcement: Announcement, user) -> None:
    announcement.delete()


# --- Email subscriptions (double opt-in, one-click unsubscribe) ------------------------

CONFIRM_SALT = "consultations.subscription.confirm"
UNSUBSCRIBE_SALT = "consultations.subscription.unsubscribe"
# A confirmation link older than this is refused: sign up again for a fresh one.
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def subscription_token(subscription: Subscription, *, salt: str) -> str:
    """A signed token naming one subscription and the address it was made for."""
    return signing.dumps({"s": subscription.pk, "e": subscription.email.lower()}, salt=salt)


def subscription_from_token(token: str, *, salt: str, max_age=None) -> Subscription | None:
    """The subscription a token names, or None (forged, expired, or the address changed)."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        pk, email = int(data["s"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return Subscription.objects.filter(pk=pk, email__iexact=email).first()


@transaction.atomic
def request_subscription(
    *, email: str, language: str, windows: bool, reports: bool, base_url: str = ""
) -> Subscription:
    """Sign an address up, pending until the link in the confirmation email is followed.

    The same answer whoever asks: an address already confirmed gets no new email (nobody
    can change another person's choices or flood their inbox from this form); a pending or
    unsubscribed one is sent a fresh confirmation link.
    """
    email = email.strip()
    validate_email(email)
    if not (windows or reports):
        raise ValidationError(_("Choose at least one kind of news."))
    subscription = Subscription.objects.select_for_update().filter(email__iexact=email).first()
    if subscription is not None and subscription.is_active:
        return subscription
    if subscription is None:
        try:
            with transaction.atomic():
                subscription = Subscription.objects.create(
                    email=email, language=language, windows=windows, reports=reports
                )
        except IntegrityError:
            # A parallel sign-up of the same address won; theirs stands.
            return Subscription.objects.get(email__iexact=email)
    else:
        subscription.language = language
        subscription.windows, subscription.reports = windows, reports
        subscription.confirmed_at = subscription.unsubscribed_at = None
        subscription.save(
            update_fields=["language", "windows", "reports", "confirmed_at", "unsubscribed_at"]
        )
    from .tasks import send_subscription_confirmation

    pk = subscription.pk
    transaction.on_commit(lambda: send_subscription_confirmation.enqueue(pk, base_url))
    return subscription


@transaction.atomic
def confirm_subscription(
    *, subscription: Subscription, now: datetime.datetime | None = None
) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.confirmed_at is None or subscription.unsubscribed_at is not None:
        subscription.confirmed_at = now or timezone.now()
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscription


@transaction.atomic
def unsubscribe(
    *, subscription: Subscription, now: datetime.datetime | None = None
) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now or timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    return subscription


def announce_opening(window: CommentWindow, *, now: datetime.datetime | None = None) -> None:
    """Tell subscribers once that a public window is scheduled (after commit)."""
    if window.audience != Audience.PUBLIC or window.opening_announced_at is not None:
        return
    window.opening_announced_at = now or timezone.now()
    window.save(update_fields=["opening_announced_at"])
    from .tasks import notify_subscribers

    pk = window.pk
    transaction.on_commit(lambda: notify_subscribers.enqueue("window", pk))


@transaction.atomic
def announce_report(
    *, window: CommentWindow, user, now: datetime.datetime | None = None
) -> CommentWindow:
    """The coordinator announces a closed window's report to subscribers, once."""
    window = lock_for_coordinator(window, user)
    now = now or timezone.now()
    if window.audience != Audience.PUBLIC:
        raise ValidationError(_("Only a public consultation has a public report."))
    if window.state_at(now) != "closed":
        raise ValidationError(_("Announce the report once the window has closed."))
    if window.report_announced_at is not None:
        raise ValidationError(_("This report was already announced to subscribers."))
    window.report_announced_at = now
    window.save(update_fields=["report_announced_at"])
    from .tasks import notify_subscribers

    pk = window.pk
    transaction.on_commit(lambda: notify_subscribers.enqueue("report", pk))
    return window


# --- Campaign groups (consultations.grouping) ---------------------------------------------


def grouping_items(window: CommentWindow) -> list[grouping.Item]:
    """The window's comments as grouping sees them, in arrival order; a missing folded
    text is filled in (comments older than grouping, rows written by hand)."""
    rows = list(
        Comment.objects.filter(window=window)
        .order_by("created_at", "pk")
        .values_list("pk", "match_text", "body", "group_id", "group_locked")
    )
    missing = []
    items = []
    for pk, key, body, group_id, locked in rows:
        if not key:
            key = match_key(body)
            missing.append(Comment(pk=pk, match_text=key))
        items.append(grouping.Item(pk=pk, key=key, group=group_id, locked=locked))
    if missing:
        Comment.objects.bulk_update(missing, ["match_text"], batch_size=1000)
    return items


def public_comments_changed(window_pk: int) -> None:
    """A bulk write changed what the public sees of the window's comments and sent no
    signal: refresh the public pages (core.page_cache) and the report's figures
    (`report.figures_changed`), as the signals do for a single save."""
    content_changed()
    figures_changed(window_pk)


def moved_public_comments(window: CommentWindow, comment_pks: Iterable[int]) -> None:
    """A bulk update sends no signal, so the public pages and the report would keep
    showing the groups as they were: refresh them when a published comment moved (asked
    a thousand at a time, as the bulk update wrote them)."""
    pks = list(comment_pks)
    for start in range(0, len(pks), 1000):
        published = Comment.objects.filter(
            pk__in=pks[start : start + 1000], state=ModerationState.PUBLISHED
        )
        if published.exists():
            public_comments_changed(window.pk)
            return


def lock_window(window: CommentWindow) -> CommentWindow:
    """Hold the window's row: one grouping change at a time per window."""
    return CommentWindow.objects.select_for_update().get(pk=window.pk)


def give_group_answer(group: CommentGroup, comment_pks: Iterable[int]) -> None:
    """Comments that join an answered group receive its answer as a draft response (those
    already answered keep theirs)."""
    if not group.outcome:
        return
    pks = list(comment_pks)
    answered = set(Response.objects.filter(comment_id__in=pks).values_list("comment_id", flat=True))
    Response.objects.bulk_create(
        [
            Response(
                comment_id=pk,
                outcome=group.outcome,
                reason_ar=group.reason_ar,
                reason_en=group.reason_en,
            )
            for pk in pks
            if pk not in answered
        ]
    )


def drop_empty_groups(window: CommentWindow) -> int:
    deleted, _rows = (
        CommentGroup.objects.filter(window=window, comments__isnull=True).distinct().delete()
    )
    return deleted


@transaction.atomic
def regroup_window(*, window: CommentWindow) -> int:
    """Group the window's comments anew (`consultations.grouping`): comments staff placed
    stay where they are, groups keep their number while their members still belong
    together. Returns how many comments changed group."""
    window = lock_window(window)
    items = grouping_items(window)
    planned = grouping.plan_groups(items)
    current = {item.pk: item.group for item in items}
    new_groups: dict[str, CommentGroup] = {}
    changed: list[Comment] = []
    joined: dict[int, list[int]] = {}
    for pk, target in planned.items():
        if isinstance(target, str):
            if target not in new_groups:
                new_groups[target] = CommentGroup.objects.create(window=window)
            target = new_groups[target].pk
        if current[pk] != target:
            changed.append(Comment(pk=pk, group_id=target))
            if target is not None:
                joined.setdefault(target, []).append(pk)
    Comment.objects.bulk_update(changed, ["group"], batch_size=1000)
    moved_public_comments(window, (comment.pk for comment in changed))
    for group in CommentGroup.objects.filter(pk__in=joined).exclude(outcome=""):
        give_group_answer(group, joined[group.pk])
    drop_empty_groups(window)
    return len(changed)


@transaction.atomic
def place_comment(*, comment: Comment) -> CommentGroup | None:
    """Put one newly arrived comment in the group of the most similar earlier comment of
    its window (forming a group with it when it had none); nothing when no comment is
    similar enough. The group the comment is in afterwards, or None."""
    window = lock_window(comment.window)
    comment = Comment.objects.get(pk=comment.pk)
    if comment.group_id is not None or comment.group_locked:
        return comment.group
    key = comment.match_text or match_key(comment.body)
    matcher = grouping.Matcher()
    others = [
        item
        for item in grouping_items(window)
        if item.pk != comment.pk and not (item.locked and item.group is None)
    ]
    for item in sorted(others, key=lambda item: not item.locked):
        matcher.add(item.key, ("group", item.group) if item.group else ("single", item.pk))
    found = matcher.best(key)
    if found is None:
        return None
    if found[0] == "group":
        group = CommentGroup.objects.get(pk=found[1])
    else:
        group = CommentGroup.objects.create(window=window)
        Comment.objects.filter(pk=found[1]).update(group=group)
    Comment.objects.filter(pk=comment.pk).update(group=group)
    moved_public_comments(window, [comment.pk] + ([found[1]] if found[0] == "single" else []))
    give_group_answer(group, [comment.pk])
    return group


def one_window(comments: Iterable[Comment]) -> CommentWindow:
    """The one window all `comments` belong to; refused when they span two or more."""
    comments = list(comments)
    if not comments:
        raise ValidationError(_("Tick at least one comment."))
    windows = {comment.window_id for comment in comments}
    if len(windows) > 1:
        raise ValidationError(
            _(
                "These comments belong to different consultations: group, answer or tag"
                " the comments of one window at a time. Nothing was changed."
            )
        )
    return comments[0].window


def place_by_staff(
    window: CommentWindow, comments: Iterable[int], group: CommentGroup | None
) -> int:
    """Staff's placement: the comments (of `window`) go to `group` (None: no group) and
    stay there."""
    pks = list(comments)
    count = Comment.objects.filter(pk__in=pks).update(group=group, group_locked=True)
    moved_public_comments(window, pks)
    return count


@transaction.atomic
def group_comments(*, comments: Iterable[Comment], user) -> CommentGroup:
    """Staff put the ticked comments of one window in one new group."""
    comments = list(comments)
    window = one_window(comments)
    if len(comments) < 2:
        raise ValidationError(_("Tick at least two comments to group them."))
    window = lock_window(window)
    group = CommentGroup.objects.create(window=window)
    place_by_staff(window, [comment.pk for comment in comments], group)
    drop_empty_groups(window)
    return group


@transaction.atomic
def ungroup_comments(*, comments: Iterable[Comment], user) -> int:
    """Staff take the ticked comments out of their groups; grouping leaves them alone."""
    comments = list(comments)
    window = lock_window(one_window(comments))
    count = place_by_staff(window, [comment.pk for comment in comments], None)
    drop_empty_groups(window)
    return count


@transaction.atomic
def split_group(*, group: CommentGroup, parts: list[Collection[int]], user) -> list:
    """Split a group: the first part stays in it, each further part becomes a group of its
    own (a part of one comment: that comment in no group). Members named in no part stay
    in the first. Refused, nothing changed, when a comment is named in two parts or is not
    a member of the group, or when nothing is taken out."""
    window = lock_window(group.window)
    members = set(group.comments.values_list("pk", flat=True))
    seen: set[int] = set()
    for part in parts:
        for pk in part:
            if pk in seen:
                number = Comment.objects.filter(pk=pk).values_list("tracking_number", flat=True)
                raise ValidationError(
                    _(
                        "Comment %(number)s is in two parts of the split: a comment belongs"
                        " to one group only. Nothing was changed."
                    )
                    % {"number": number.first() or pk}
                )
            seen.add(pk)
    strangers = seen - members
    if strangers:
        raise ValidationError(
            _("Only the comments of this group can be split from it. Nothing was changed.")
        )
    further = [set(part) for part in parts[1:] if part]
    if not further or not members - set().union(*further):
        raise ValidationError(
            _("Choose the comments to take out, and leave at least one in the group.")
        )
    results = []
    for part in further:
        target = CommentGroup.objects.create(window=window) if len(part) > 1 else None
        place_by_staff(window, part, target)
        results.append(target)
    staying = members - set().union(*further)
    place_by_staff(window, staying, group if len(staying) > 1 else None)
    drop_empty_groups(window)
    return results


@transaction.atomic
def merge_groups(*, groups: Iterable[CommentGroup], user) -> CommentGroup:
    """Merge groups of one window into the oldest; its answer stays (or the first answer
    among the others when it had none)."""
    groups = sorted(groups, key=lambda group: group.pk)
    if len(groups) < 2:
        raise ValidationError(_("Tick at least two groups to merge them."))
    if len({group.window_id for group in groups}) > 1:
        raise ValidationError(
            _(
                "These groups belong to different consultations: only groups of one window"
                " can be merged. Nothing was changed."
            )
        )
    window = lock_window(groups[0].window)
    target = CommentGroup.objects.select_for_update().get(pk=groups[0].pk)
    if not target.outcome:
        answered = next((group for group in groups[1:] if group.outcome), None)
        if answered is not None:
            target.outcome = answered.outcome
            target.reason_ar, target.reason_en = answered.reason_ar, answered.reason_en
            target.save(update_fields=["outcome", "reason_ar", "reason_en"])
    pks = list(Comment.objects.filter(group__in=groups).values_list("pk", flat=True))
    place_by_staff(window, pks, target)
    drop_empty_groups(window)
    return target


# --- Dispositions (the response's outcome) for many inputs at once ------------------------


def answer_problems(*, outcome: str, reason_ar: str, reason_en: str) -> list[str]:
    """A disposition needs an outcome and its public reason (in at least one language)."""
    problems = response_problems(outcome=outcome, reason_ar=reason_ar, reason_en=reason_en)
    if problems and outcome in Outcome.values:
        return [
            _(
                "Give the public reason for this disposition, in Arabic or English."
                " Nothing was changed."
            )
        ]
    return problems


def write_responses(
    window: CommentWindow,
    comment_pks: list[int],
    *,
    outcome: str,
    reason_ar: str,
    reason_en: str,
    user,
) -> int:
    """One draft response per comment with this outcome and reason (bulk: three queries
    whatever the number); a published response goes back to draft for the coordinator."""
    existing = {
        response.comment_id: response
        for response in Response.objects.select_for_update().filter(comment_id__in=comment_pks)
    }
    fields = {
        "outcome": outcome,
        "reason_ar": reason_ar.strip(),
        "reason_en": reason_en.strip(),
        "responded_by": user,
        "published_at": None,
        "published_by": None,
    }
    was_public = any(response.published_at for response in existing.values())
    for response in existing.values():
        for name, value in fields.items():
            setattr(response, name, value)
    Response.objects.bulk_update(list(existing.values()), list(fields), batch_size=500)
    if was_public:
        # Published answers went back to draft without a signal (bulk): the public pages
        # and the report stop showing them now.
        public_comments_changed(window.pk)
    Response.objects.bulk_create(
        [Response(comment_id=pk, **fields) for pk in comment_pks if pk not in existing],
        batch_size=500,
    )
    return len(comment_pks)


@transaction.atomic
def answer_comments(
    *,
    comments: Iterable[Comment],
    outcome: str,
    reason_ar: str = "",
    reason_en: str = "",
    user,
) -> int:
    """The same disposition and public reason for every ticked comment of one window (each
    keeps its own response, as a draft). Returns how many were answered."""
    comments = list(comments)
    problems = answer_problems(outcome=outcome, reason_ar=reason_ar, reason_en=reason_en)
    if problems:
        raise ValidationError(problems)
    window = one_window(comments)
    return write_responses(
        window,
        [comment.pk for comment in comments],
        outcome=outcome,
        reason_ar=reason_ar,
        reason_en=reason_en,
        user=user,
    )


@transaction.atomic
def answer_group(*, group: CommentGroup, outcome: str, reason_ar: str, reason_en: str, user) -> int:
    """Answer a group once: every member gets the disposition and reason as its own
    response (a draft), and comments that join the group later receive it too."""
    problems = answer_problems(outcome=outcome, reason_ar=reason_ar, reason_en=reason_en)
    if problems:
        raise ValidationError(problems)
    group = CommentGroup.objects.select_for_update().get(pk=group.pk)
    group.outcome = outcome
    group.reason_ar, group.reason_en = reason_ar.strip(), reason_en.strip()
    group.save(update_fields=["outcome", "reason_ar", "reason_en"])
    pks = list(group.comments.values_list("pk", flat=True))
    return write_responses(
        group.window, pks, outcome=outcome, reason_ar=reason_ar, reason_en=reason_en, user=user
    )


@transaction.atomic
def publish_responses(
    *, comments: Iterable[Comment], user, now: datetime.datetime | None = None
) -> int:
    """Publish the drafted responses of the given comments (a group's, or ticked ones),
    each as `publish_response` does; comments not yet published are skipped."""
    if not user.has_perm("consultations.publish_response"):
        raise ValidationError(_("Only the unit coordinator publishes responses."))
    now = now or timezone.now()
    drafts = Response.objects.filter(
        comment__in=[comment.pk for comment in comments],
        published_at__isnull=True,
        comment__state__in=[ModerationState.PUBLISHED, ModerationState.MEMBERS],
    )
    count = 0
    for response in drafts:
        publish_response(response=response, user=user, now=now)
        count += 1
    return count


# --- Themes -------------------------------------------------------------------------------


@transaction.atomic
def create_theme(*, window: CommentWindow, name_ar: str, name_en: str = "", user) -> Theme:
    """A theme (tag) for the window's inputs; its Arabic name is unique in the window."""
    name_ar, name_en = name_ar.strip(), name_en.strip()
    if not name_ar:
        raise ValidationError(_("Give the theme an Arabic name."))
    if Theme.objects.filter(window=window, name_ar=name_ar).exists():
        raise ValidationError(_("This window already has a theme with this name."))
    return Theme.objects.create(window=window, name_ar=name_ar, name_en=name_en)


@transaction.atomic
def assign_theme(*, theme: Theme, comments: Iterable[Comment], user, remove: bool = False) -> int:
    """Tag (or untag) the ticked comments with a theme of their window."""
    comments = list(comments)
    window = one_window(comments)
    if window.pk != theme.window_id:
        raise ValidationError(_("This theme belongs to another consultation. Nothing was changed."))
    if remove:
        theme.comments.remove(*comments)
    else:
        theme.comments.add(*comments)
    return len(comments)
