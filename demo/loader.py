"""The demo data: Jordan's OGP unit as its Multi-Stakeholder Forum met on 25 November 2021.

The data itself lives in one file, `demo/seed/demo.toml` (read with `tomllib`): the
real minutes of that meeting (names, titles, organisations, agenda, the six draft
commitments, the agreed outcomes), plus what followed: the two-week public comment window
with a few answered comments, one window open today so a newcomer can comment straight
away, and a feedback period for forum members only, open today too, where the demo forum
member's remark has been answered. The tests read the same file. `load_demo()` is
idempotent: every row is found by its natural key and written only when a value differs, so
a second run changes nothing (not even a history row).
"""

import datetime
import os
import secrets
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction

from commitments.models import ApprovalLetter, Commitment, CommitmentStatus, Milestone, PolicyArea
from consultations import services
from consultations.models import (
    Announcement,
    AnnouncementChannel,
    Comment,
    CommentWindow,
    ModerationState,
    Response,
    default_closes_at,
)
from core import roles
from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Body,
    BodyKind,
    Meeting,
    Membership,
    Outcome,
    Person,
    Role,
)
from plans.models import ActionPlan, MethodologyStage, Organisation

AMMAN = ZoneInfo("Asia/Amman")
PASSWORD_ENV = "DEMO_PASSWORD"
# A fixed namespace so the demo comments keep the same submission tokens on every run.
DEMO_NAMESPACE = uuid.UUID("0b6f1c9e-5d2a-4c41-9f3e-2a7d5e8c1b40")
SEED_FILE = Path(__file__).resolve().parent / "seed" / "demo.toml"


def read_seed(path: Path = SEED_FILE) -> dict:
    """The seed file as Python values; its times (local in the file) come back aware, in Amman."""
    with path.open("rb") as handle:
        return _in_amman(tomllib.load(handle))


def _in_amman(value):
    if isinstance(value, dict):
        return {key: _in_amman(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_in_amman(item) for item in value]
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=AMMAN)
    return value


SEED = read_seed()

# Organisation key (as the seed file refers to one) -> Arabic name, its natural key.
ORGANISATION_NAMES = {row["key"]: row["name_ar"] for row in SEED["organisations"]}
# name_ar: (name_en, acronym, sector)
ORGANISATIONS = {
    row["name_ar"]: (row["name_en"], row["acronym"], row["sector"]) for row in SEED["organisations"]
}


@dataclass(frozen=True)
class Attendee:
    honorific: str
    name_ar: str
    name_en: str
    position_ar: str
    position_en: str
    organisation: str  # its Arabic name
    role: str = Role.MEMBER


# In the order of the minutes; names, positions and organisations exactly as written there.
ATTENDEES = [
    Attendee(
        honorific=row["honorific"],
        name_ar=row["name_ar"],
        name_en=row["name_en"],
        position_ar=row.get("position_ar", ""),
        position_en=row.get("position_en", ""),
        organisation=ORGANISATION_NAMES[row["organisation"]],
        role=row.get("role", Role.MEMBER),
    )
    for row in SEED["attendees"]
]
# The attendee list as the minutes give it, verbatim: what staff would paste.
ATTENDEE_LIST = SEED["meeting"]["attendee_list"]
PAST_WINDOW = {key: value for key, value in SEED["past_window"].items() if key != "announced"}
OPEN_WINDOW = dict(SEED["open_window"])
MEMBER_WINDOW = {key: value for key, value in SEED["member_window"].items() if key != "commitments"}
MEMBER_REMARK = dict(SEED["member_remark"])


# --- Staff accounts ---------------------------------------------------------------------------

SUPERUSER = "admin"
ACCOUNT_ROLES = [
    roles.COORDINATOR,
    roles.EDITOR,
    roles.FOCAL_POINT,
    roles.FORUM_MEMBER,
    roles.CIVIL_SOCIETY,
]


def demo_password(path: Path) -> tuple[str, str]:
    """The demo accounts' password and where it came from.

    DEMO_PASSWORD wins; otherwise the password kept in `path`, generated (and written with
    mode 0600) on the first run only, so later runs do not lock anyone out.
    """
    from_env = os.environ.get(PASSWORD_ENV, "")
    if from_env:
        return from_env, PASSWORD_ENV
    if path.exists():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return kept, str(path)
    password = secrets.token_urlsafe(18)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    path.chmod(0o600)
    return password, str(path)


# --- Loading ----------------------------------------------------------------------------------


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (username, role)
    open_window: CommentWindow | None = None
    member_window: CommentWindow | None = None


class Loader:
    """Writes rows found by natural key, saving only what differs, and counts the writes."""

    def __init__(self):
        self.report = LoadReport()
        self._created: set[tuple[str, object]] = set()

    def touched(self, obj: models.Model) -> None:
        """Count a write to `obj` (a relation, a password) unless the row was new this run."""
        if (obj._meta.label, obj.pk) not in self._created:
            self.report.updated += 1

    def created_by_service(self, obj: models.Model) -> None:
        """Count a row a service created (the loader did not write it itself)."""
        self._created.add((obj._meta.label, obj.pk))
        self.report.created += 1

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model.objects.create(**lookup, **values)
            self._created.add((obj._meta.label, obj.pk))
            self.report.created += 1
            return obj
        changed = [name for name, value in values.items() if not self._same(obj, name, value)]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            self.report.updated += 1
        return obj

    @staticmethod
    def _same(obj: models.Model, name: str, value) -> bool:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_one or model_field.one_to_one:
            return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
        return getattr(obj, name) == value

    def set_m2m(self, obj: models.Model, name: str, targets) -> None:
        manager = getattr(obj, name)
        if set(manager.values_list("pk", flat=True)) != {target.pk for target in targets}:
            manager.set(targets)
            self.touched(obj)


@transaction.atomic
def load_demo(
    *, now: datetime.datetime, password: str, superuser_password: bool = True
) -> LoadReport:
    """Load (or bring back to its defined state) the whole demo; safe to run any number of times.

    `superuser_password=False` (production, see the load_demo command): the superuser gets
    no usable password when created, and an existing one's password is left alone.
    """
    loader = Loader()
    organisations = load_organisations(loader)
    _plan_4, plan_5 = load_plans(loader)
    commitments = load_commitments(loader, plan_5, organisations)
    load_approval_letters(loader, commitments)
    users = load_accounts(loader, password, organisations, superuser_password)
    forum, people = load_forum(loader, organisations, users[roles.FORUM_MEMBER])
    load_meeting(loader, forum, plan_5, people, organisations, commitments)
    load_windows(loader, plan_5, commitments, users[roles.EDITOR], now)
    load_member_feedback(
        loader, plan_5, commitments, users[roles.FORUM_MEMBER], users[roles.EDITOR], now
    )
    return loader.report


def load_organisations(loader: Loader) -> dict[str, Organisation]:
    """The organisations, by their key in the seed file."""
    return {
        row["key"]: loader.upsert(
            Organisation,
            {"name_ar": row["name_ar"]},
            {"name_en": row["name_en"], "acronym": row["acronym"], "sector": row["sector"]},
        )
        for row in SEED["organisations"]
    }


PLAN_FIELDS = ["title_ar", "title_en", "summary_ar", "summary_en", "starts_on", "ends_on"]
STAGE_FIELDS = ["status", "planned_start", "planned_end", "actual_start", "actual_end"]


def load_plans(loader: Loader) -> tuple[ActionPlan, ActionPlan]:
    plans = []
    for data in SEED["plans"]:
        values = {name: data[name] for name in PLAN_FIELDS}
        values.update(status=data["status"], published_on=data.get("published_on"), is_public=True)
        plan = loader.upsert(ActionPlan, {"country_code": "JO", "number": data["number"]}, values)
        for stage in data["stages"]:
            loader.upsert(
                MethodologyStage,
                {"plan": plan, "number": stage["number"]},
                {
                    **{name: stage.get(name) for name in STAGE_FIELDS},
                    "notes_ar": stage["notes_ar"],
                    "notes_en": stage["notes_en"],
                },
            )
        plans.append(plan)
    return plans[0], plans[1]


COMMITMENT_TEXTS = [
    "title_ar",
    "title_en",
    "description_ar",
    "description_en",
    "problem_ar",
    "problem_en",
    "solution_ar",
    "solution_en",
]
OGP_VALUES = [
    "transparency",
    "civic_participation",
    "public_accountability",
    "technology_innovation",
]


def load_commitments(
    loader: Loader, plan: ActionPlan, organisations: dict[str, Organisation]
) -> list[Commitment]:
    areas = {
        row["name_ar"]: loader.upsert(
            PolicyArea, {"name_ar": row["name_ar"]}, {"name_en": row["name_en"]}
        )
        for row in SEED["policy_areas"]
    }
    period = SEED["commitment_period"]
    commitments = []
    for data in SEED["commitments"]:
        commitment = loader.upsert(
            Commitment,
            {"plan": plan, "number": data["number"]},
            {
                **{name: data[name] for name in COMMITMENT_TEXTS},
                **{value: value in data["values"] for value in OGP_VALUES},
                "lead_institution": organisations[data["lead"]],
                "starts_on": period["starts_on"],
                "ends_on": period["ends_on"],
                "status": CommitmentStatus.UNDER_REVIEW,
                "is_published": True,
            },
        )
        loader.set_m2m(commitment, "policy_areas", [areas[name] for name in data["policy_areas"]])
        loader.set_m2m(
            commitment,
            "supporting_institutions",
            [organisations[key] for key in data["supporting"]],
        )
        for number, milestone in enumerate(data["milestones"], start=1):
            loader.upsert(Milestone, {"commitment": commitment, "number": number}, milestone)
        commitments.append(commitment)
    return commitments


def load_approval_letters(loader: Loader, commitments: list[Commitment]) -> None:
    by_number = {commitment.number: commitment for commitment in commitments}
    for letter in SEED["approval_letters"]:
        commitment = by_number[letter["commitment"]]
        loader.upsert(
            ApprovalLetter,
            {"commitment": commitment, "reference": letter["reference"]},
            {
                "organisation": commitment.lead_institution,
                "sent_on": letter["sent_on"],
                "due_on": letter["due_on"],
                "received_on": letter.get("received_on"),
                "decision": letter["decision"],
            },
        )


def load_forum(
    loader: Loader, organisations: dict[str, Organisation], forum_member_account
) -> tuple[Body, dict[str, Person]]:
    forum_data = SEED["forum"]
    forum = loader.upsert(
        Body,
        {"name_ar": forum_data["name_ar"]},
        {"kind": BodyKind.FORUM, "name_en": forum_data["name_en"], "plan": None},
    )
    people = {}
    for row, attendee in zip(SEED["attendees"], ATTENDEES, strict=True):
        values = {"honorific": attendee.honorific, "name_en": attendee.name_en}
        if attendee.name_ar == forum_data["member_account_person"]:
            values["user"] = forum_member_account
        person = loader.upsert(Person, {"name_ar": attendee.name_ar}, values)
        loader.upsert(
            Membership,
            {"body": forum, "person": person, "organisation": organisations[row["organisation"]]},
            {
                "role": attendee.role,
                "position_ar": attendee.position_ar,
                "position_en": attendee.position_en,
            },
        )
        people[attendee.name_ar] = person
    return forum, people


MEETING_FIELDS = [
    "title_ar",
    "title_en",
    "ends_at",
    "mode",
    "place_ar",
    "place_en",
    "platform",
    "minutes_state",
    "minutes_published_at",
]


def minutes_text(language: str) -> str:
    """The minutes as plain paragraphs: the agenda as discussed, then the agreed outcomes."""
    meeting = SEED["meeting"]
    words = meeting["minutes"]
    if language == "ar":
        paragraphs = [
            f"{ordinal}: {item['title_ar']} – {item['discussion_ar']}"
            for ordinal, item in zip(words["ordinals_ar"], meeting["agenda"], strict=True)
        ]
        decisions = [f"- {outcome['decision_ar']}" for outcome in meeting["outcomes"]]
        paragraphs.append("\n".join([words["agreed_ar"], *decisions]))
    else:
        paragraphs = [
            f"{ordinal}: {item['title_en']}. {item['discussion_en']}"
            for ordinal, item in zip(words["ordinals_en"], meeting["agenda"], strict=True)
        ]
        decisions = [f"- {outcome['decision_en']}" for outcome in meeting["outcomes"]]
        paragraphs.append("\n".join([words["agreed_en"], *decisions]))
    return "\n\n".join(paragraphs)


def load_meeting(
    loader: Loader,
    forum: Body,
    plan: ActionPlan,
    people: dict[str, Person],
    organisations: dict[str, Organisation],
    commitments: list[Commitment],
) -> Meeting:
    data = SEED["meeting"]
    meeting = loader.upsert(
        Meeting,
        {"body": forum, "starts_at": data["starts_at"]},
        {
            **{name: data[name] for name in MEETING_FIELDS},
            "plan": plan,
            "minutes_ar": minutes_text("ar"),
            "minutes_en": minutes_text("en"),
        },
    )
    for order, (row, attendee) in enumerate(zip(SEED["attendees"], ATTENDEES, strict=True), 1):
        loader.upsert(
            Attendance,
            {"meeting": meeting, "person": people[attendee.name_ar]},
            {
                "organisation": organisations[row["organisation"]],
                "position_ar": attendee.position_ar,
                "position_en": attendee.position_en,
                "role": attendee.role,
                "status": AttendanceStatus.PRESENT,
                "order": order,
            },
        )
    for number, item in enumerate(data["agenda"], start=1):
        presenter = item.get("presenter")
        loader.upsert(
            AgendaItem,
            {"meeting": meeting, "number": number},
            {
                "title_ar": item["title_ar"],
                "title_en": item["title_en"],
                "discussion_ar": item["discussion_ar"],
                "discussion_en": item["discussion_en"],
                "presenter": people[presenter] if presenter else None,
            },
        )
    for number, row in enumerate(data["outcomes"], start=1):
        outcome = loader.upsert(
            Outcome,
            {"meeting": meeting, "number": number},
            {
                "decision_ar": row["decision_ar"],
                "decision_en": row["decision_en"],
                "owner": organisations[row["owner"]],
                "due_on": row["due_on"],
                "status": row["status"],
            },
        )
        loader.set_m2m(outcome, "commitments", commitments if row["all_commitments"] else [])
    return meeting


def load_accounts(
    loader: Loader,
    password: str,
    organisations: dict[str, Organisation],
    superuser_password: bool = True,
) -> dict[str, models.Model]:
    roles.sync_roles()
    users = {}
    for username in [SUPERUSER, *ACCOUNT_ROLES]:
        user = loader.upsert(
            get_user_model(),
            {"username": username},
            {
                "email": f"{username.replace('_', '-')}@example.org",
                "is_staff": True,
                "is_superuser": username == SUPERUSER,
                "is_active": True,
            },
        )
        if username == SUPERUSER and not superuser_password:
            if user.password == "":
                user.set_unusable_password()
                user.save(update_fields=["password"])
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            loader.touched(user)
        if username != SUPERUSER:
            loader.set_m2m(user, "groups", [Group.objects.get(name=username)])
        loader.report.accounts.append(
            (username, "superuser" if username == SUPERUSER else username)
        )
        users[username] = user

    integrity = organisations["jiacc"]
    if not integrity.focal_points.filter(pk=users[roles.FOCAL_POINT].pk).exists():
        integrity.focal_points.add(users[roles.FOCAL_POINT])
        loader.touched(integrity)
    # The civil-society monitor rates milestones as HIMAM, the coalition it speaks for.
    monitor = organisations["himam"]
    if not monitor.focal_points.filter(pk=users[roles.CIVIL_SOCIETY].pk).exists():
        monitor.focal_points.add(users[roles.CIVIL_SOCIETY])
        loader.touched(monitor)
    return users


def start_of_day(moment: datetime.datetime) -> datetime.datetime:
    day = moment.astimezone(AMMAN).date()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=AMMAN)


def load_windows(
    loader: Loader,
    plan: ActionPlan,
    commitments: list[Commitment],
    editor,
    now: datetime.datetime,
) -> None:
    past_values = dict(PAST_WINDOW)
    past_values["closes_at"] = default_closes_at(past_values["opens_at"])
    past = loader.upsert(
        CommentWindow, {"plan": plan, "title_ar": past_values.pop("title_ar")}, past_values
    )
    loader.set_m2m(past, "commitments", commitments)
    for channel, announced_at in SEED["past_window"]["announced"].items():
        loader.upsert(
            Announcement,
            {"window": past, "channel": channel},
            {"url": "", "announced_at": announced_at},
        )
    by_number = {commitment.number: commitment for commitment in commitments}
    published = SEED["publication"]
    for index, data in enumerate(SEED["comments"], start=1):
        comment = loader.upsert(
            Comment,
            {"submission_token": uuid.uuid5(DEMO_NAMESPACE, data["key"])},
            {
                "window": past,
                "commitment": by_number.get(data.get("commitment")),
                "part": data["part"],
                "body": data["body"],
                "author_name": data["author_name"],
                "sector": data["sector"],
                "region": data["region"],
                "channel": data["channel"],
                "tracking_number": f"C-2021-DE{index:06d}",
                "state": ModerationState.PUBLISHED,
                "hidden_reason": "",
                "created_at": data["received_at"],
                "published_at": published["comments_published_at"],
            },
        )
        loader.upsert(
            Response,
            {"comment": comment},
            {
                "outcome": data["outcome"],
                "reason_ar": data["reason_ar"],
                "reason_en": data["reason_en"],
                "responded_by": editor,
                "created_at": published["responses_published_at"] - datetime.timedelta(days=3),
                "published_at": published["responses_published_at"],
            },
        )

    window = load_open_window(loader, plan, OPEN_WINDOW, now)
    loader.set_m2m(window, "commitments", commitments)
    loader.upsert(
        Announcement,
        {"window": window, "channel": AnnouncementChannel.SITE},
        {"url": "", "announced_at": window.opens_at},
    )
    loader.report.open_window = window


def load_open_window(
    loader: Loader, plan: ActionPlan, seed_values: dict, now: datetime.datetime
) -> CommentWindow:
    """The window of `seed_values` (found by its Arabic title), open at `now`: kept as it is
    while open; on a later run, one that has closed (or not yet opened) moves to today."""
    values = dict(seed_values)
    lookup = {"plan": plan, "title_ar": values.pop("title_ar")}
    current = CommentWindow.objects.filter(**lookup).first()
    if current is not None and current.is_open(now):
        opens_at, closes_at = current.opens_at, current.closes_at
    else:
        opens_at = start_of_day(now)
        closes_at = default_closes_at(opens_at)
    return loader.upsert(
        CommentWindow, lookup, {**values, "opens_at": opens_at, "closes_at": closes_at}
    )


def load_member_feedback(
    loader: Loader,
    plan: ActionPlan,
    commitments: list[Commitment],
    member,
    editor,
    now: datetime.datetime,
) -> None:
    """The forum members' feedback period, open today, and the demo forum member's remark
    in it, sent through the service as a member sends it (its token fixed, so a later run
    gets the same remark back and writes nothing), answered and published by the unit."""
    window = load_open_window(loader, plan, MEMBER_WINDOW, now)
    by_number = {commitment.number: commitment for commitment in commitments}
    loader.set_m2m(
        window,
        "commitments",
        [by_number[number] for number in SEED["member_window"]["commitments"]],
    )
    loader.report.member_window = window

    data = MEMBER_REMARK
    commitment = by_number[data["commitment"]]
    milestone = commitment.milestones.get(number=data["milestone"]) if "milestone" in data else None
    remark, created = services.submit_member_remark(
        window=window,
        data=services.CommentData(
            body=data["body"], commitment=commitment, milestone=milestone, part=data["part"]
        ),
        token=uuid.uuid5(DEMO_NAMESPACE, data["key"]),
        user=member,
        now=now,
    )
    if created:
        loader.created_by_service(remark)
    # Answered and published the moment it came in: the times are the remark's, so they
    # stay the same on every run.
    loader.upsert(
        Response,
        {"comment": remark},
        {
            "outcome": data["outcome"],
            "reason_ar": data["reason_ar"],
            "reason_en": data["reason_en"],
            "responded_by": editor,
            "created_at": remark.created_at,
            "published_at": remark.created_at,
        },
    )
