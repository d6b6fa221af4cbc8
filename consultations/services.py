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

from .models import (
    COMMENT_MAX_LENGTH,
    Announcement,
    AnnouncementChannel,
    Audience,
    Channel,
    Comment,
    CommentPart,
    CommentWindow,
    HiddenReason,
    ModerationState,
    Outcome,
    Response,
    Subscription,
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
    *, window: CommentWindow, data: WindowData, commitments: Iterable[Commitment], user
) -> CommentWindow:
    """Change what a window is about (its text, audience and commitments), not its dates."""
    check_window_data(data)
    commitments = list(commitments)
    window = CommentWindow.objects.select_for_update().get(pk=window.pk)
    problems = window_change_problems(window=window, data=data, commitments=commitments)
    if problems:
        raise ValidationError(problems)
    for field, value in dataclasses.asdict(data).items():
        setattr(window, field, value.strip())
    window.save(update_fields=list(dataclasses.asdict(data)))
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
    check_may_schedule(user)
    window = CommentWindow.objects.select_for_update().get(pk=window.pk)
    window.opens_at, window.closes_at = window_schedule(opens_at, last_day)
    window.save(update_fields=["opens_at", "closes_at"])
    announce_opening(window)
    return window


@transaction.atomic
def open_window_now(
    *, window: CommentWindow, user, now: datetime.datetime | None = None
) -> CommentWindow:
    """Open a window at once; one already closed reopens for the default 14 days."""
    check_may_schedule(user)
    now = now or timezone.now()
    window = CommentWindow.objects.select_for_update().get(pk=window.pk)
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
    check_may_schedule(user)
    now = now or timezone.now()
    window = CommentWindow.objects.select_for_update().get(pk=window.pk)
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
    check_may_schedule(user)
    now = now or timezone.now()
    window = CommentWindow.objects.select_for_update().get(pk=window.pk)
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
