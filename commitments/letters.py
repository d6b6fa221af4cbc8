"""Workspace views for approval letters: generate the official request letter for a
commitment's current text, print it, record the agency's reply with its scanned letter,
and see when the commitment's text has changed since the letter (the approval is stale).

Who may open a letter: unit staff (the letter permissions of their role), and an agency
focal point only for the letters addressed to their own organisation (404 otherwise).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.access import workspace_view
from core.concurrency import StaleEdit
from core.conflicts import conflict_context, rebase_form
from core.diffs import field_changes
from core.i18n import DIRECTIONS, active_language, in_language
from core.pdf import PDF_BASE_URL, PdfUnavailable, render_pdf, unavailable_response
from core.roles import is_agency_scoped

from . import services
from .letter_forms import LetterReplyForm, LetterRequestForm
from .models import (
    APPROVED_MILESTONE_FIELDS,
    APPROVED_TEXT_FIELDS,
    RELEVANCE_SECTION,
    TEMPLATE_SECTIONS,
    TEMPLATE_TEXT_NAMES,
    ApprovalLetter,
    Commitment,
    Decision,
    Milestone,
    fingerprint,
)

# The headings of the OGP template, as the letter prints them above each part of the text.
TEMPLATE_HEADINGS = dict([*TEMPLATE_SECTIONS, RELEVANCE_SECTION])

# Bootstrap colours of each decision's badge.
DECISION_BADGES = {
    Decision.PENDING: "text-bg-secondary",
    Decision.APPROVED: "text-bg-success",
    Decision.CHANGES_REQUESTED: "text-bg-warning",
    Decision.DECLINED: "text-bg-danger",
}

SCAN_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
SCAN_TYPES[".jpeg"] = SCAN_TYPES[".jpg"]


# --- what a user may see --------------------------------------------------------------


def letters_visible_to(user):
    """Every letter for unit staff; for an agency focal point, only the letters addressed
    to an organisation they are a focal point of."""
    letters = ApprovalLetter.objects.select_related(
        "commitment__plan", "commitment__lead_institution", "organisation"
    )
    if is_agency_scoped(user):
        letters = letters.filter(organisation__focal_points=user)
    return letters


def get_letter(request, pk: int, *, milestones: bool = False) -> ApprovalLetter:
    letters = letters_visible_to(request.user)
    if milestones:
        letters = letters.prefetch_related("commitment__milestones")
    return get_object_or_404(letters, pk=pk)


def commitment_workspace_url(commitment) -> str | None:
    """The workspace page of the commitment, once that page exists."""
    try:
        return reverse("manage:commitment_detail", kwargs={"pk": commitment.pk})
    except NoReverseMatch:
        return None


# --- the text of a letter, and what changed since ---------------------------------------


def text_in_language(text: dict, name: str) -> dict:
    """One part of a snapshot in the page's language, else the other one, with the language
    it is really in (for `lang`/`dir`)."""
    value, code = in_language(text, name)
    if not value:
        return {"value": "", "lang": code, "dir": "", "foreign": False}
    return {
        "value": value,
        "lang": code,
        "dir": DIRECTIONS[code],
        "foreign": code != active_language(),
    }


def as_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def letter_sections(text: dict) -> list[dict]:
    """The parts of the OGP template a letter asks the agency to confirm, in order."""
    sections = []
    for name in TEMPLATE_TEXT_NAMES:
        if name == "title":
            continue
        part = text_in_language(text, name)
        if part["value"]:
            sections.append({"heading": TEMPLATE_HEADINGS[name], **part})
    return sections


def letter_milestones(text: dict) -> list[dict]:
    return [
        {
            "number": row.get("number", ""),
            "title": text_in_language(row, "title"),
            "expected_output": text_in_language(row, "expected_output"),
            "starts_on": as_date(row.get("starts_on")),
            "ends_on": as_date(row.get("ends_on")),
            "weight": row.get("weight", ""),
        }
        for row in text.get("milestones", [])
    ]


def field_label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def text_changes(old: dict, new: dict) -> list[dict]:
    """Every approved field and milestone whose wording differs between two versions of a
    commitment's text (`Commitment.approved_text()`), with its label and a word diff.
    Milestones are matched by number; a milestone added or removed shows in full."""
    labels = {name: field_label(Commitment, name) for name in APPROVED_TEXT_FIELDS}
    rows = field_changes(labels, old, new)
    for row in rows:
        row["dir"] = "rtl" if row["name"].endswith("_ar") else "ltr"
    old_milestones = {str(m.get("number")): m for m in old.get("milestones", [])}
    new_milestones = {str(m.get("number")): m for m in new.get("milestones", [])}
    numbers = sorted(old_milestones.keys() | new_milestones.keys(), key=milestone_order)
    for number in numbers:
        before, after = old_milestones.get(number, {}), new_milestones.get(number, {})
        labels = {
            name: _("Milestone %(number)s: %(field)s")
            % {"number": number, "field": field_label(Milestone, name)}
            for name in APPROVED_MILESTONE_FIELDS
            if name != "number"
        }
        for row in field_changes(labels, before, after):
            row["dir"] = "rtl" if row["name"].endswith("_ar") else "ltr"
            rows.append(row)
    return rows


def milestone_order(number: str):
    return (0, int(number)) if number.isdigit() else (1, number)


def letter_state(letter: ApprovalLetter) -> dict:
    """Whether the letter still concerns the commitment's text, and the changes if not."""
    current_text = letter.commitment.approved_text()
    is_current = letter.text_fingerprint == fingerprint(current_text)
    return {
        "is_current": is_current,
        "changes": [] if is_current else text_changes(letter.text_snapshot, current_text),
        "is_overdue": letter.is_overdue(timezone.localdate()),
        "counts_for_approval": letter.organisation_id == letter.commitment.lead_institution_id,
    }


def letter_context(request, letter: ApprovalLetter) -> dict:
    user = request.user
    return {
        "letter": letter,
        "commitment": letter.commitment,
        "commitment_url": commitment_workspace_url(letter.commitment),
        "can_reply": user.has_perm("commitments.change_approvalletter"),
        "decision_badge": DECISION_BADGES.get(letter.decision, "text-bg-secondary"),
        **letter_state(letter),
    }


# --- views ---------------------------------------------------------------------------


@require_GET
@workspace_view("commitments.view_approvalletter")
def letter_list(request, pk: int):
    """A commitment's approval letters, newest first, each marked current or stale."""
    commitment = get_object_or_404(
        Commitment.objects.visible_to(request.user)
        .select_related("plan", "lead_institution")
        .prefetch_related("milestones"),
        pk=pk,
    )
    current = commitment.text_fingerprint()
    letters = list(
        letters_visible_to(request.user)
        .filter(commitment=commitment)
        .order_by("-sent_on", "-pk")
        .select_related(None)
        .select_related("organisation")
    )
    today = timezone.localdate()
    rows = [
        {
            "letter": letter,
            "is_current": letter.text_fingerprint == current,
            "is_overdue": letter.is_overdue(today),
            "decision_badge": DECISION_BADGES.get(letter.decision, "text-bg-secondary"),
        }
        for letter in letters
    ]
    context = {
        "commitment": commitment,
        "rows": rows,
        "commitment_url": commitment_workspace_url(commitment),
        "can_create": request.user.has_perm("commitments.add_approvalletter"),
    }
    return render(request, "manage/letters/letter_list.html", context)


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.add_approvalletter")
def letter_create(request, pk: int):
    """Generate the official request letter for the commitment's current text."""
    commitment = get_object_or_404(
        Commitment.objects.visible_to(request.user).select_related("plan", "lead_institution"),
        pk=pk,
    )
    form = LetterRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.send_approval_request(
                commitment=commitment,
                reference=form.cleaned_data["reference"],
                sent_on=form.cleaned_data["sent_on"],
                due_on=form.cleaned_data["due_on"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The letter was generated. Print it, sign it and send it."))
            return redirect("manage:letter_detail", pk=letter.pk)
    context = {
        "commitment": commitment,
        "form": form,
        "commitment_url": commitment_workspace_url(commitment),
    }
    return render(request, "manage/letters/letter_create.html", context)


@require_GET
@workspace_view("commitments.view_approvalletter")
def letter_detail(request, pk: int):
    """Status, dates and the overdue mark of one letter; when the commitment's text changed
    since, a stale mark and a word diff of what changed."""
    letter = get_letter(request, pk, milestones=True)
    return render(request, "manage/letters/letter_detail.html", letter_context(request, letter))


@require_GET
@workspace_view("commitments.view_approvalletter")
def letter_changes(request, pk: int):
    """Only the differences between the text the letter sent and the text now."""
    letter = get_letter(request, pk, milestones=True)
    return render(request, "manage/letters/letter_changes.html", letter_context(request, letter))


def printed_letter_context(letter: ApprovalLetter) -> dict:
    """What the official letter shows: the text it keeps, never the live text."""
    text = letter.text_snapshot
    return {
        "letter": letter,
        "commitment": letter.commitment,
        "title": text_in_language(text, "title"),
        "sections": letter_sections(text),
        "milestones": letter_milestones(text),
    }


@require_GET
@workspace_view("commitments.view_approvalletter")
def letter_print(request, pk: int):
    """The official letter, ready to print on A4."""
    letter = get_letter(request, pk)
    return render(request, "manage/letters/letter_print.html", printed_letter_context(letter))


@require_GET
@workspace_view("commitments.view_approvalletter")
def letter_pdf(request, pk: int):
    """The same letter as a PDF in the page's language, through the shared PDF machinery."""
    letter = get_letter(request, pk)
    try:
        pdf = render_pdf(
            "manage/letters/letter_pdf.html", printed_letter_context(letter), base_url=PDF_BASE_URL
        )
    except PdfUnavailable as error:
        return unavailable_response(
            request,
            back_url=reverse("manage:letter_print", args=[letter.pk]),
            back_label=_("The letter, ready to print"),
            reason=error.reason,
            hint=_("Try again in a few minutes, or print the letter from its page."),
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"letter-{letter.commitment.number}-{letter.pk}-{active_language()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@workspace_view("commitments.change_approvalletter")
def letter_reply(request, pk: int):
    """Record the agency's decision, the date it arrived and the scanned letter."""
    letter = get_letter(request, pk)
    form = LetterReplyForm(request.POST or None, request.FILES or None, instance=letter)
    context = {
        "letter": letter,
        "commitment": letter.commitment,
        "commitment_url": commitment_workspace_url(letter.commitment),
    }
    if request.method == "POST" and form.is_valid():
        scan = form.cleaned_data.get("scan")
        try:
            services.record_approval_reply(
                letter=letter,
                decision=form.cleaned_data["decision"],
                received_on=form.cleaned_data["received_on"],
                notes=form.cleaned_data["notes"],
                scan=scan if isinstance(scan, UploadedFile) else None,
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except StaleEdit as stale:
            current = get_letter(request, stale.current.pk)
            form = rebase_form(form, current)
            context |= conflict_context(form, current)
            context |= {"form": form, "letter": current}
            return render(request, "manage/letters/letter_reply.html", context, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The reply was recorded."))
            return redirect("manage:letter_detail", pk=letter.pk)
    context["form"] = form
    return render(request, "manage/letters/letter_reply.html", context)


@require_GET
@workspace_view("commitments.view_approvalletter")
def letter_scan(request, pk: int):
    """The scanned reply, to those who may open the letter; never a public media URL."""
    letter = get_letter(request, pk)
    if not letter.scan:
        raise Http404
    name = letter.scan.name.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SCAN_TYPES:
        raise PermissionDenied
    try:
        handle = letter.scan.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(handle, content_type=SCAN_TYPES[suffix], filename=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response
