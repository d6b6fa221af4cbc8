"""`manage.py load_scale_data`: a national-scale data set to measure the portal against.

200 commitments over 3 plans, one open public window on the first plan with 10,000
comments (campaigns of copied texts with realistic edits, and distinct comments), 50
meetings with 30 attendees each; then the window is grouped (`services.regroup_window`).
Refused when DEBUG is off unless --force: it fills the database it is pointed at.
`bench/comment_scale.py` runs it on a throwaway SQLite file.
"""

import datetime
import random
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from commitments.models import Commitment, Milestone
from consultations import services
from consultations.grouping import match_key
from consultations.models import (
    Channel,
    Comment,
    CommentWindow,
    ModerationState,
    Outcome,
    Region,
    Response,
)
from meetings.models import Attendance, Body, BodyKind, Meeting, Mode, Person
from plans.models import ActionPlan, Organisation, Sector

PLANS = 3
COMMITMENTS = 200
COMMENTS = 10_000
MEETINGS = 50
ATTENDEES = 30
# Share of the comments that are copies of a campaign text.
CAMPAIGN_SHARE = 0.4

CAMPAIGNS = [
    "نطالب بنشر بيانات الموازنة العامة بصيغة مفتوحة وقابلة للقراءة الآلية على البوابة الوطنية"
    " خلال ثلاثة أشهر من إقرارها",
    "أطالب بتخصيص مقعدين على الأقل للشباب في كل مجلس محلي وإشراكهم في إعداد خطط التنمية في"
    " محافظاتهم",
    "ندعو إلى تعديل قانون ضمان حق الحصول على المعلومات لتقليص مدة الرد على الطلبات إلى 15 يوما"
    " وإنشاء هيئة مستقلة للنظر في الشكاوى",
    "نطالب وزارة الصحة بنشر أوقات الانتظار في المستشفيات الحكومية شهريا وإتاحة تقييم الخدمة"
    " للمرضى عبر الإنترنت",
    "We call on the government to pass a whistleblower protection law within the plan period"
    " and to publish an annual report on the complaints received and how they were handled.",
    "Publish all public procurement contracts above 10,000 JD on the open data portal using"
    " the Open Contracting Data Standard.",
    "As parents we ask the Ministry of Education to publish the results of every school"
    " inspection, with the inspectors' recommendations, on the ministry's website each term.",
    "We ask the municipalities to publish their budgets and the minutes of their council"
    " meetings online within two weeks of each meeting.",
]
GREETINGS_AR = ["السلام عليكم، ", "تحية طيبة وبعد، ", "مرحبا، ", ""]
SIGN_OFFS_AR = ["\nمع الشكر، أحمد", "\nوتفضلوا بقبول فائق الاحترام", " وشكرا", "\n- سلمى، إربد", ""]
GREETINGS_EN = ["Dear Sir or Madam, ", "Hello, ", "Good morning. ", ""]
SIGN_OFFS_EN = ["\nKind regards, Rana", " Thank you.", "\nBest regards,\nOmar Haddad", ""]
EXTRA_WORDS_AR = ["جميع", "فورا", "كاملة", "أيضا"]
EXTRA_WORDS_EN = ["all", "really", "also", "fully"]
WORDS_AR = str.split(
    "الحكومة الشفافية المساءلة المشاركة البلديات الشباب المرأة التعليم الصحة المياه النقل"
    " الطاقة البيئة الموازنة الضرائب العطاءات الفساد النزاهة المعلومات البيانات البوابة"
    " الخدمات الإلكترونية المحافظات القرى الجامعات المدارس المستشفيات الطرق الإسكان العمل"
    " البطالة الاستثمار الزراعة السياحة الثقافة الإعلام الصحافة الأحزاب البرلمان القضاء"
    " الشكاوى التقارير المؤشرات الأهداف التنفيذ المتابعة التقييم التدريب التوعية الحوار"
    " نقترح نطالب يجب ينبغي أرى أتمنى لماذا كيف متى أين مع في على من إلى عن بسبب لأن"
)
WORDS_EN = str.split(
    "government transparency accountability participation municipalities youth women"
    " education health water transport energy environment budget taxes tenders corruption"
    " integrity information data portal services online governorates villages universities"
    " schools hospitals roads housing jobs unemployment investment agriculture tourism"
    " culture media press parties parliament courts complaints reports indicators targets"
    " implementation monitoring evaluation training awareness dialogue we suggest should"
    " must why how when where with in on for to about because the a more better every"
)
DIACRITICS = "\u064e\u064f\u0650\u0652"
FORMS = [("أ", "ا"), ("إ", "ا"), ("ة", "ه"), ("ى", "ي")]
DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def campaign_copy(base: str, rng: random.Random) -> str:
    """A copy of a campaign text as people send it: greetings, signatures, punctuation,
    diacritics, tatweel, letter forms, digits, a word added or removed."""
    arabic = any("\u0600" <= char <= "\u06ff" for char in base)
    words = base.split()
    edit = rng.randrange(8)
    if edit == 0 and len(words) > 8:
        del words[rng.randrange(len(words))]
    elif edit == 1:
        extra = EXTRA_WORDS_AR if arabic else EXTRA_WORDS_EN
        words.insert(rng.randrange(len(words)), rng.choice(extra))
    elif edit == 2 and arabic:
        index = rng.randrange(len(words))
        words[index] = "".join(char + rng.choice(DIACRITICS) for char in words[index])
    elif edit == 3 and arabic:
        index = rng.randrange(len(words))
        word = words[index]
        words[index] = word[:1] + "ـــ" + word[1:] if len(word) > 2 else word
    elif edit == 4 and arabic:
        old, new = rng.choice(FORMS)
        words = [word.replace(old, new) for word in words]
    elif edit == 5:
        words = [word.translate(DIGITS) for word in words] if arabic else words
    text = " ".join(words)
    if rng.random() < 0.3:
        text += rng.choice(["!", ".", "!!", "؟" if arabic else "?"])
    greetings, sign_offs = (GREETINGS_AR, SIGN_OFFS_AR) if arabic else (GREETINGS_EN, SIGN_OFFS_EN)
    return rng.choice(greetings) + text + rng.choice(sign_offs)


def distinct_comment(rng: random.Random) -> str:
    """A comment in its own words (random sentences over the consultation's vocabulary)."""
    words = WORDS_AR if rng.random() < 0.6 else WORDS_EN
    return " ".join(rng.choice(words) for _ in range(rng.randrange(10, 40)))


def scale_texts(count: int, *, seed: int = 20) -> list[tuple[str, str]]:
    """(label, text) for `count` comments: a label "campaign-N" for copies of campaign N,
    "distinct-N" for a comment of its own. Deterministic for a seed."""
    rng = random.Random(seed)
    texts = []
    for number in range(count):
        if rng.random() < CAMPAIGN_SHARE:
            index = rng.randrange(len(CAMPAIGNS))
            texts.append((f"campaign-{index}", campaign_copy(CAMPAIGNS[index], rng)))
        else:
            texts.append((f"distinct-{number}", distinct_comment(rng)))
    return texts


class Command(BaseCommand):
    help = (
        "Build a national-scale data set: 200 commitments over 3 plans, 10,000 comments in one "
        "open window (with campaigns), 50 meetings with 30 attendees each; then group the "
        "window's comments. Refused when DEBUG is off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (it adds rows)."
        )
        parser.add_argument("--comments", type=int, default=COMMENTS)
        parser.add_argument("--commitments", type=int, default=COMMITMENTS)
        parser.add_argument("--meetings", type=int, default=MEETINGS)
        parser.add_argument("--attendees", type=int, default=ATTENDEES)

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_scale_data adds thousands of rows to the database it is pointed at; "
                "it runs with DEBUG on, or with --force."
            )
        started = time.perf_counter()
        window = self.build(**options)
        built = time.perf_counter()
        changed = services.regroup_window(window=window)
        grouped = time.perf_counter()
        groups = window.groups.count()
        self.stdout.write(
            f"Built in {built - started:.1f} s: window {window.pk} with "
            f"{window.comments.count()} comments; grouped in {grouped - built:.1f} s "
            f"({changed} comments in {groups} groups)."
        )
        return None

    @transaction.atomic
    def build(self, *, comments, commitments, meetings, attendees, **_options):
        rng = random.Random(20)
        first_number = (ActionPlan.objects.aggregate(top=Max("number"))["top"] or 0) + 1
        organisations = [
            Organisation.objects.create(
                name_ar=f"مؤسسة القياس {first_number}-{index}",
                name_en=f"Scale institution {first_number}-{index}",
                sector=Sector.GOVERNMENT,
            )
            for index in range(20)
        ]
        plans = [
            ActionPlan.objects.create(
                number=first_number + index,
                title_ar=f"خطة القياس {first_number + index}",
                title_en=f"Scale plan {first_number + index}",
                starts_on=datetime.date(2025, 1, 1),
                ends_on=datetime.date(2028, 12, 31),
                is_public=True,
            )
            for index in range(PLANS)
        ]
        made = []
        for index in range(commitments):
            plan = plans[index % PLANS]
            commitment = Commitment.objects.create(
                plan=plan,
                number=index // PLANS + 1,
                title_ar=f"التزام القياس {index + 1}",
                title_en=f"Scale commitment {index + 1}",
                description_ar="وصف موجز للالتزام " * 5,
                lead_institution=organisations[index % len(organisations)],
                is_published=True,
            )
            made.append(commitment)
        Milestone.objects.bulk_create(
            [
                Milestone(
                    commitment=commitment,
                    number=number,
                    title_ar=f"معلم {number}",
                    starts_on=datetime.date(2025, 1, 1),
                    ends_on=datetime.date(2026, 6, 30),
                )
                for commitment in made
                for number in (1, 2, 3)
            ]
        )
        now = timezone.now()
        window = CommentWindow.objects.create(
            plan=plans[0],
            kind="draft_commitments",
            title_ar=f"مسودة خطة القياس {plans[0].number}",
            title_en=f"Draft of scale plan {plans[0].number}",
            opens_at=now - datetime.timedelta(days=10),
        )
        covered = [commitment for commitment in made if commitment.plan_id == plans[0].pk]
        window.commitments.set(covered)
        channels = [Channel.SITE] * 6 + [Channel.FACEBOOK, Channel.EMAIL, Channel.WORKSHOP]
        regions = Region.values
        sectors = ["civil_society", "private_sector", "academia", "youth", "government", ""]
        sectors = [sector for sector in sectors if sector in Sector.values or sector == ""]
        rows = []
        for number, (_label, body) in enumerate(scale_texts(comments)):
            state = ModerationState.PUBLISHED if rng.random() < 0.85 else ModerationState.PENDING
            created = now - datetime.timedelta(days=9, minutes=-number)
            rows.append(
                Comment(
                    window=window,
                    commitment=rng.choice(covered) if rng.random() < 0.8 else None,
                    body=body,
                    match_text=match_key(body),
                    channel=rng.choice(channels),
                    region=rng.choice(regions),
                    sector=rng.choice(sectors),
                    state=state,
                    published_at=created if state == ModerationState.PUBLISHED else None,
                    created_at=created,
                    tracking_number=f"C-{created.year}-S{window.pk:03d}{number:05d}",
                    submission_token=uuid.uuid4(),
                )
            )
        Comment.objects.bulk_create(rows, batch_size=1000)
        answered = Comment.objects.filter(window=window, state=ModerationState.PUBLISHED)[
            : comments // 4
        ]
        Response.objects.bulk_create(
            [
                Response(
                    comment=comment,
                    outcome=rng.choice(Outcome.values),
                    reason_ar="تمت دراسة الملاحظة",
                    reason_en="The comment was considered.",
                    published_at=now,
                )
                for comment in answered
            ],
            batch_size=1000,
        )
        body = Body.objects.create(
            kind=BodyKind.WORKING_GROUP, name_ar=f"فريق القياس {first_number}", plan=plans[0]
        )
        people = Person.objects.bulk_create(
            [Person(name_ar=f"مشارك {first_number}-{index}") for index in range(attendees * 2)]
        )
        for index in range(meetings):
            meeting = Meeting.objects.create(
                body=body,
                plan=plans[index % PLANS],
                title_ar=f"اجتماع القياس {index + 1}",
                starts_at=now - datetime.timedelta(days=index * 7),
                mode=Mode.REMOTE,
                platform="Webex",
            )
            chosen = rng.sample(people, attendees)
            Attendance.objects.bulk_create(
                [
                    Attendance(
                        meeting=meeting,
                        person=person,
                        organisation=organisations[position % len(organisations)],
                    )
                    for position, person in enumerate(chosen)
                ]
            )
        return window
