"""Small hand-written factories: each makes one valid row; keyword arguments override."""

import datetime
import io
import itertools

import openpyxl
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from commitments.models import (
    ApprovalLetter,
    Commitment,
    IRMAssessment,
    Milestone,
    PolicyArea,
    ProgressReport,
)
from consultations.models import Announcement, Comment, CommentWindow, ModerationState, Response
from meetings.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyKind,
    Meeting,
    Membership,
    MinutesState,
    Mode,
    Outcome,
    Person,
)
from plans.models import (
    ActionPlan,
    Document,
    MethodologyStage,
    Organisation,
    PlanStatus,
    Sector,
)

_counter = itertools.count(1)


def make_xlsx(rows) -> bytes:
    """An XLSX file (one sheet) of these rows, the first usually the headers."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


def make_user(*, role: str | None = None, username: str | None = None, **fields):
    user = get_user_model().objects.create_user(
        username=username or unique("user").replace(" ", ""),
        password=fields.pop("password", "correct-horse-battery"),
        **fields,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_organisation(**fields) -> Organisation:
    fields.setdefault("name_ar", unique("وزارة"))
    fields.setdefault("name_en", unique("Ministry"))
    fields.setdefault("sector", Sector.GOVERNMENT)
    return Organisation.objects.create(**fields)


def make_organisation_name(**fields):
    """Another name of an organisation, as an import remembers it."""
    from core.arabic import normalise
    from plans.models import OrganisationName

    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    fields.setdefault("name", unique("Department"))
    fields.setdefault("key", normalise(fields["name"]))
    return OrganisationName.objects.create(**fields)


def make_plan(**fields) -> ActionPlan:
    fields.setdefault("number", next(_counter) + 100)
    fields.setdefault("title_ar", "خطة العمل الوطنية")
    fields.setdefault("title_en", "National action plan")
    fields.setdefault("starts_on", datetime.date(2021, 1, 1))
    fields.setdefault("ends_on", datetime.date(2025, 12, 31))
    fields.setdefault("is_public", True)
    return ActionPlan.objects.create(**fields)


def make_fifth_plan(**fields) -> ActionPlan:
    """The 5th plan, titled in both languages."""
    return make_plan(number=5, title_en="Fifth plan", title_ar="الخطة الخامسة", **fields)


def make_stages(plan: ActionPlan, **fields) -> list[MethodologyStage]:
    return [MethodologyStage.objects.create(plan=plan, number=n, **fields) for n in range(1, 8)]


def make_commitment(**fields) -> Commitment:
    if "plan" not in fields:
        fields["plan"] = make_plan()
    if "lead_institution" not in fields:
        fields["lead_institution"] = make_organisation()
    fields.setdefault("number", next(_counter))
    fields.setdefault("title_ar", unique("التزام"))
    fields.setdefault("title_en", unique("Commitment"))
    fields.setdefault("is_published", True)
    return Commitment.objects.create(**fields)


def make_milestone(**fields) -> Milestone:
    if "commitment" not in fields:
        fields["commitment"] = make_commitment()
    fields.setdefault("number", next(_counter))
    fields.setdefault("title_ar", unique("معلم"))
    fields.setdefault("starts_on", datetime.date(2022, 1, 1))
    fields.setdefault("ends_on", datetime.date(2022, 6, 30))
    return Milestone.objects.create(**fields)


def make_complete_commitment(plan, **fields) -> Commitment:
    """A commitment with every OGP template field in both languages and one milestone."""
    from commitments.models import TEMPLATE_TEXT_NAMES

    text = {
        f"{name}_{code}": f"{name} ({code})"
        for name in TEMPLATE_TEXT_NAMES
        for code in ("ar", "en")
    }
    commitment = make_commitment(
        plan=plan,
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2023, 12, 31),
        transparency=True,
        **(text | fields),
    )
    make_milestone(commitment=commitment, number=1, title_ar="معلم", title_en="Milestone")
    return commitment


def make_progress_report(**fields) -> ProgressReport:
    if "milestone" not in fields:
        fields["milestone"] = make_milestone()
    fields.setdefault("status", "in_progress")
    fields.setdefault("progress_percent", 50)
    return ProgressReport.objects.create(**fields)


def make_approval_letter(**fields) -> ApprovalLetter:
    if "commitment" not in fields:
        fields["commitment"] = make_commitment()
    fields.setdefault("organisation", fields["commitment"].lead_institution)
    fields.setdefault("sent_on", datetime.date(2021, 12, 1))
    return ApprovalLetter.objects.create(**fields)


def make_window(**fields) -> CommentWindow:
    if "plan" not in fields:
        fields["plan"] = make_plan()
    fields.setdefault("kind", "draft_commitments")
    fields.setdefault("title_ar", unique("مسودة الالتزامات"))
    fields.setdefault("opens_at", timezone.now() - datetime.timedelta(days=1))
    return CommentWindow.objects.create(**fields)


def make_comment(**fields) -> Comment:
    if "window" not in fields:
        fields["window"] = make_window()
    fields.setdefault("body", "تعليق")
    return Comment.objects.create(**fields)


def make_published_comment(**fields) -> Comment:
    """A comment moderated and published."""
    fields.setdefault("state", ModerationState.PUBLISHED)
    fields.setdefault("published_at", timezone.now())
    return make_comment(**fields)


def make_response(**fields) -> Response:
    if "comment" not in fields:
        fields["comment"] = make_comment()
    fields.setdefault("outcome", "accepted")
    fields.setdefault("reason_ar", "تم الأخذ بالملاحظة")
    return Response.objects.create(**fields)


def make_body(**fields) -> Body:
    fields.setdefault("kind", BodyKind.FORUM)
    fields.setdefault("name_ar", unique("الفريق الوطني"))
    return Body.objects.create(**fields)


def make_person(**fields) -> Person:
    fields.setdefault("name_ar", unique("شخص"))
    return Person.objects.create(**fields)


def make_meeting(**fields) -> Meeting:
    if "body" not in fields:
        fields["body"] = make_body()
    fields.setdefault("title_ar", unique("اجتماع"))
    fields.setdefault("starts_at", timezone.now())
    fields.setdefault("mode", Mode.REMOTE)
    fields.setdefault("platform", "Webex")
    return Meeting.objects.create(**fields)


# A moment minutes were published at, for pages that print it (2 December 2021).
MINUTES_PUBLISHED_AT = datetime.datetime(2021, 12, 2, 8, tzinfo=datetime.UTC)


def make_published_meeting(**fields) -> Meeting:
    """A meeting whose minutes are published (now unless told otherwise)."""
    fields.setdefault("minutes_state", MinutesState.PUBLISHED)
    fields.setdefault("minutes_published_at", timezone.now())
    return make_meeting(**fields)


def make_attendance(**fields) -> Attendance:
    if "meeting" not in fields:
        fields["meeting"] = make_meeting()
    if "person" not in fields:
        fields["person"] = make_person()
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return Attendance.objects.create(**fields)


def make_published_minutes(*, attendees: int, agenda: int, **fields) -> Meeting:
    """A meeting with published Arabic minutes, `attendees` attendees with an honorific and
    a position (every third excused) and `agenda` numbered items with a presenter."""
    from meetings.models import AttendanceStatus, Honorific

    fields.setdefault("minutes_ar", "محضر")
    meeting = make_published_meeting(**fields)
    for n in range(attendees):
        make_attendance(
            meeting=meeting,
            person=make_person(honorific=Honorific.MR),
            position_ar="منصب",
            order=n,
            status=AttendanceStatus.EXCUSED if n % 3 == 0 else AttendanceStatus.PRESENT,
        )
    for n in range(1, agenda + 1):
        make_agenda_item(meeting=meeting, number=n, presenter=make_person(), discussion_ar="نقاش")
    return meeting


def make_agenda_item(**fields) -> AgendaItem:
    if "meeting" not in fields:
        fields["meeting"] = make_meeting()
    fields.setdefault("number", next(_counter))
    fields.setdefault("title_ar", unique("بند"))
    return AgendaItem.objects.create(**fields)


def make_outcome(**fields) -> Outcome:
    if "meeting" not in fields:
        fields["meeting"] = make_meeting()
    fields.setdefault("number", next(_counter))
    fields.setdefault("decision_ar", unique("قرار"))
    return Outcome.objects.create(**fields)


def make_document(**fields) -> Document:
    fields.setdefault("kind", "minutes")
    fields.setdefault("title_ar", unique("وثيقة"))
    fields.setdefault("url", "https://example.org/document.pdf")
    return Document.objects.create(**fields)


def make_policy_area(**fields) -> PolicyArea:
    fields.setdefault("name_ar", unique("مجال"))
    return PolicyArea.objects.create(**fields)


def make_irm_assessment(**fields) -> IRMAssessment:
    if "commitment" not in fields:
        fields["commitment"] = make_commitment()
    return IRMAssessment.objects.create(**fields)


def make_irm_report(**fields):
    from commitments.models import IRMReport, IRMReportKind

    if "plan" not in fields:
        fields["plan"] = make_plan()
    fields.setdefault("kind", IRMReportKind.DESIGN)
    fields.setdefault("title_en", unique("IRM Action Plan Review"))
    fields.setdefault("url", "https://www.opengovpartnership.org/documents/jordan-review/")
    fields.setdefault("published_on", datetime.date(2022, 6, 1))
    return IRMReport.objects.create(**fields)


def make_irm_finding(**fields):
    from commitments.models import IRMFinding, MinimumRequirement, RequirementVerdict

    if "report" not in fields:
        fields["report"] = make_irm_report()
    fields.setdefault("requirement", MinimumRequirement.FORUM)
    fields.setdefault("verdict", RequirementVerdict.MET)
    return IRMFinding.objects.create(**fields)


def make_civil_society_rating(**fields):
    from commitments.models import CivilSocietyRating, ProgressLevel

    if "milestone" not in fields:
        fields["milestone"] = make_milestone()
    if "organisation" not in fields:
        fields["organisation"] = make_organisation(sector=Sector.CIVIL_SOCIETY)
    fields.setdefault("status", "in_progress")
    fields.setdefault("rating", ProgressLevel.LIMITED)
    fields.setdefault("evidence", "Seen at the ministry's site visit.")
    fields.setdefault("rated_on", datetime.date(2024, 5, 1))
    return CivilSocietyRating.objects.create(**fields)


def make_membership(**fields) -> Membership:
    if "body" not in fields:
        fields["body"] = make_body()
    if "person" not in fields:
        fields["person"] = make_person()
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return Membership.objects.create(**fields)


def make_announcement(**fields) -> Announcement:
    if "window" not in fields:
        fields["window"] = make_window()
    fields.setdefault("channel", "site")
    return Announcement.objects.create(**fields)


def make_attachment(**fields):
    from meetings.models import Attachment

    if "agenda_item" not in fields:
        fields["agenda_item"] = make_agenda_item()
    fields.setdefault("title", unique("عرض"))
    fields.setdefault("file", "meeting-attachments/2021/slides.pdf")
    return Attachment.objects.create(**fields)


def make_subscription(**fields):
    """A confirmed email subscription to consultation news."""
    from consultations.models import Subscription

    fields.setdefault("email", unique("reader").replace(" ", "") + "@example.org")
    fields.setdefault("confirmed_at", timezone.now())
    return Subscription.objects.create(**fields)


def make_audit_event(**fields):
    """A recorded audit event (a permission refusal unless told otherwise)."""
    from audit.models import AuditAction, AuditEvent

    fields.setdefault("action", AuditAction.REFUSED)
    fields.setdefault("username", "someone")
    fields.setdefault("path", "/ar/manage/audit/")
    return AuditEvent.objects.create(**fields)


# Rendered plan PDFs and remarks on minutes.
def make_plan_publication(**fields):
    from plans.models import PlanPublication

    if "plan" not in fields:
        fields["plan"] = make_plan()
    fields.setdefault("number", 1)
    fields.setdefault("language", "ar")
    fields.setdefault("published_at", timezone.now())
    fields.setdefault("snapshot", {})
    fields.setdefault("content_key", "0" * 64)
    return PlanPublication.objects.create(**fields)


def make_plan_pdf(**fields):
    from plans.models import PlanPdf

    if "plan" not in fields:
        fields["plan"] = make_plan()
    fields.setdefault("language", "ar")
    fields.setdefault("audience", "public")
    fields.setdefault("content_key", unique("key"))
    fields.setdefault("file", "x.pdf")
    return PlanPdf.objects.create(**fields)


def make_comment_group(**fields):
    from consultations.models import CommentGroup

    if "window" not in fields:
        fields["window"] = make_window()
    return CommentGroup.objects.create(**fields)


def make_theme(**fields):
    from consultations.models import Theme

    if "window" not in fields:
        fields["window"] = make_window()
    fields.setdefault("name_ar", unique("موضوع"))
    return Theme.objects.create(**fields)


def make_remark(**fields):
    from meetings.models import Remark

    if "meeting" not in fields:
        fields["meeting"] = make_meeting()
    fields.setdefault("body", "ملاحظة")
    return Remark.objects.create(**fields)


def make_one_of_everything(user):
    """One row of every model of the domain apps, wired together as in real data (the
    admin tests walk every registered model and need a row of each)."""
    plan = make_plan()
    stages = make_stages(plan)
    make_document(plan=plan, stage=stages[0])
    organisation = make_organisation()
    make_organisation_name(organisation=organisation)
    area = make_policy_area()
    commitment = make_commitment(plan=plan, lead_institution=organisation)
    commitment.policy_areas.add(area)
    commitment.supporting_institutions.add(make_organisation())
    milestone = make_milestone(commitment=commitment)
    make_progress_report(milestone=milestone, reported_by=user)
    make_civil_society_rating(milestone=milestone, author=user)
    make_approval_letter(commitment=commitment)
    irm_report = make_irm_report(plan=plan)
    make_irm_finding(report=irm_report)
    make_irm_assessment(commitment=commitment, design_report=irm_report)
    body = make_body(plan=plan)
    person = make_person(user=user)
    make_membership(body=body, person=person, organisation=organisation)
    meeting = make_meeting(body=body, plan=plan)
    make_attendance(meeting=meeting, person=person, organisation=organisation)
    item = make_agenda_item(meeting=meeting, presenter=person)
    make_attachment(agenda_item=item)
    outcome = make_outcome(meeting=meeting, owner=organisation)
    outcome.commitments.add(commitment)
    window = make_window(plan=plan, opens_at=timezone.now().replace(microsecond=0))
    window.commitments.add(commitment)
    make_announcement(window=window, url="https://example.org/post")
    comment = make_comment(
        window=window, commitment=commitment, group=make_comment_group(window=window)
    )
    comment.themes.add(make_theme(window=window))
    make_response(comment=comment, responded_by=user)
    make_subscription()
    make_audit_event(user=user, username=user.username)
    make_plan_publication(plan=plan, published_by=user)
    make_plan_pdf(plan=plan)
    make_remark(meeting=meeting, author=user)


def make_superuser_with_everything():
    """A superuser, and one row of every model of the domain apps, some of them theirs."""
    superuser = make_user(is_staff=True, is_superuser=True)
    make_one_of_everything(superuser)
    return superuser


# A plan with everything its PDF prints (the PDF tests) --------------------------------------

NARRATIVE = {
    "introduction": ("مقدمة الخطة الوطنية", "Introduction of the plan"),
    "context": ("جهود الحكومة في الانفتاح", "The government's open-government efforts"),
    "co_creation": ("عملية الإعداد المشترك", "How the plan was co-created"),
    "forum": ("منتدى أصحاب المصلحة", "The forum that steered the plan"),
    "monitoring": ("المتابعة والتقييم", "How progress is followed"),
}
COMMITMENTS = [
    ("تعزيز الحوكمة في الجمعيات", "Good governance in associations"),
    ("نشر بيانات الموازنة المفتوحة", "Open budget data"),
]
# Rich text of an agenda item: printed as cleaned HTML (meetings.richtext), never raw.
AGENDA_DISCUSSION = "<p>The forum <strong>agreed</strong> the draft.</p><script>alert(1)</script>"
MILESTONES = [
    ("إعداد دليل الحوكمة", "Draft a governance guide"),
    ("تدريب الجمعيات على الدليل", "Train associations on the guide"),
]


def complete_text(name: str) -> dict:
    arabic, english = NARRATIVE[name]
    return {f"{name}_ar": arabic, f"{name}_en": english}


def make_titled_commitments(plan, lead, titles, **fields) -> list[Commitment]:
    """A commitment of `plan` led by `lead` for each (Arabic, English) title, numbered from
    1, with a brief description in both languages."""
    return [
        make_commitment(
            plan=plan,
            number=number,
            title_ar=title_ar,
            title_en=title_en,
            lead_institution=lead,
            description_ar="وصف موجز",
            description_en="A brief description",
            **fields,
        )
        for number, (title_ar, title_en) in enumerate(titles, start=1)
    ]


def make_first_forum_meeting(**fields) -> Meeting:
    """The forum's first meeting, its minutes published (the PDFs print it)."""
    fields.setdefault("title_ar", "اجتماع المنتدى الأول")
    fields.setdefault("title_en", "First forum meeting")
    return make_published_meeting(**fields)


def build_plan(*, complete: bool = True, **fields):
    """A plan with everything the document prints: narrative, stages, a forum, two
    commitments with milestones, a published meeting, an answered comment, a letter."""
    narrative = {}
    if complete:
        for name in NARRATIVE:
            narrative |= complete_text(name)
    plan = make_plan(
        **{
            "title_ar": "خطة العمل الوطنية الخامسة",
            "title_en": "Fifth national action plan",
            "status": PlanStatus.FINAL,
            **narrative,
            **fields,
        }
    )
    make_stages(plan, planned_start=datetime.date(2021, 1, 1))
    lead = make_organisation(name_ar="وزارة التخطيط", name_en="Ministry of Planning")
    for commitment in make_titled_commitments(
        plan,
        lead,
        COMMITMENTS,
        problem_ar="المشكلة",
        problem_en="The problem",
        solution_ar="الحل",
        solution_en="The solution",
        causes_ar="الأسباب",
        causes_en="The causes",
        status_quo_ar="الوضع الراهن",
        status_quo_en="The status quo",
        how_it_solves_ar="كيف يحل المشكلة",
        how_it_solves_en="How it solves the problem",
        results_ar="النتائج المتوقعة",
        results_en="The expected results",
        relevance_ar="الصلة بقيم الشراكة",
        relevance_en="The relevance to OGP values",
        transparency=True,
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
    ):
        number = commitment.number
        for m_number, (m_ar, m_en) in enumerate(MILESTONES, start=1):
            make_milestone(
                commitment=commitment,
                number=m_number,
                title_ar=f"{m_ar} {number}",
                title_en=f"{m_en} {number}",
                weight=50,
            )
    forum = make_body(name_ar="منتدى الحكومة المنفتحة", name_en="Open government forum")
    person_org = make_organisation(name_ar="جمعية الشفافية", name_en="Transparency society")
    make_membership(body=forum, organisation=person_org)
    meeting = make_first_forum_meeting(body=forum, plan=plan)
    make_attendance(
        meeting=meeting,
        status="present",
        person=make_person(name_ar="سلمى حداد", name_en="Salma Haddad"),
        position_en="Programme officer",
    )
    make_attendance(
        meeting=meeting,
        status="excused",
        person=make_person(name_ar="عمر خليل", name_en="Omar Khalil"),
    )
    make_agenda_item(
        meeting=meeting,
        number=1,
        title_ar="مراجعة مسودة الالتزامات",
        title_en="Review of the draft commitments",
        discussion_en=AGENDA_DISCUSSION,
    )
    make_outcome(meeting=meeting, decision_ar="اعتماد المسودة", decision_en="Adopt the draft")
    window = make_window(plan=plan, title_ar="مسودة الخطة", title_en="The draft plan")
    comment = make_published_comment(window=window, body="يرجى نشر البيانات شهريا")
    make_response(
        comment=comment,
        reason_ar="تمت إضافة معلم للنشر الشهري",
        reason_en="A monthly publication milestone was added",
        published_at=timezone.now(),
    )
    make_approval_letter(commitment=Commitment.objects.get(plan=plan, number=1), reference="L-1")
    return plan
