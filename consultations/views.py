"""Public pages: a comment window, its comment form, the receipt, the moderation policy,
the report of a window and its downloads.

The window page and the commitment page (which holds the same form) are served from the
page cache: the form they carry has no token; `comment_token` hands one out, with a CSRF
value, when the visitor reaches the form (static/js/comment-form.js). A refused post comes
back on the page it was sent from, with every message listed at the top of the form."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import is_ratelimited

from commitments.models import Commitment
from commitments.views import detail_context
from core.links import links_by_plan
from core.login_throttle import client_address
from core.numbers import query_int
from core.pdf import PdfUnavailable, stored_pdf, unavailable_response

from . import report as report_module
from . import services
from .figures import visible_count
from .forms import (
    ChoiceRows,
    CommentForm,
    SubscriptionForm,
    blank_form_html,
    make_form_token,
    read_form_token,
    unexpected_fields,
)
from .models import Audience, Comment, CommentWindow, HiddenReason
from .report import report_context
from .services import WindowClosed, submit_comment

COMMENTS_PER_PAGE = 20


def comment_rate() -> str:
    """Comments accepted from one address (django-ratelimit syntax); the count lives in the
    shared cache (Redis in production), so it holds across worker processes."""
    return getattr(settings, "COMMENT_RATE_LIMIT", "10/h")


def client_key(_group, request) -> str:
    return client_address(request) or "unknown"


def rate_limited(request, group: str) -> bool:
    """Count this post of `group` (comments, subscriptions) against its address; True once
    the address is over the limit."""
    return is_ratelimited(
        request, group=group, key=client_key, rate=comment_rate(), method="POST", increment=True
    )


def comment_rate_limited(request) -> bool:
    return rate_limited(request, "consultations.comment")


# The tokens of the comments this browser sent lately, kept in a signed cookie: a form the
# browser reloaded after "back" (fresh token, restored text) is recognised as that comment
# sent again, while another browser's identical words stay a comment of their own. A cookie
# of its own rather than the session, so the page cache still serves this visitor.
SENT_COOKIE = "comments_sent"
SENT_SALT = "consultations.comments-sent"
SENT_KEPT = 10


def sent_tokens(request) -> list[uuid.UUID]:
    """The submission tokens this browser posted within the resend window (newest first)."""
    value = request.get_signed_cookie(
        SENT_COOKIE,
        default="",
        salt=SENT_SALT,
        max_age=services.RESEND_WINDOW.total_seconds(),
    )
    tokens = []
    for part in value.split("."):
        try:
            tokens.append(uuid.UUID(hex=part))
        except ValueError:
            continue
    return tokens


def remember_sent(response, request, token: uuid.UUID) -> None:
    earlier = [t for t in sent_tokens(request) if t != token]
    response.set_signed_cookie(
        SENT_COOKIE,
        ".".join(t.hex for t in [token, *earlier][:SENT_KEPT]),
        salt=SENT_SALT,
        max_age=int(services.RESEND_WINDOW.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def public_windows():
    return CommentWindow.objects.public().select_related("plan")


@require_safe
def window_detail(request, pk: int):
    """A public comment window: what is open for comment, until when, where announced, the
    comment form while it is open, and the comments with their responses."""
    window = get_object_or_404(public_windows(), pk=pk)
    commitments = list(window.public_commitments())
    form_html = ""
    if window.is_open():
        form_html = blank_form_html(window=window, choices=ChoiceRows.read(commitments))
    return render_window(request, window, form=None, form_html=form_html, commitments=commitments)


def render_window(
    request,
    window,
    *,
    form,
    form_html="",
    status=200,
    form_error="",
    notice="",
    commitments=None,
):
    """The window page; `commitments`: its `public_commitments()` when read already."""
    now = timezone.now()
    if commitments is None:
        commitments = list(window.public_commitments())
    state = window.state_at(now)
    paginator = Paginator(
        Comment.objects.filter(window=window).for_public_list().with_commitment(), COMMENTS_PER_PAGE
    )
    # Counted with the window's figures, by the write that changed them: a national
    # window's thousands of comments are not counted again for each reader.
    paginator.count = visible_count(window)
    comments = paginator.get_page(request.GET.get("page"))
    context = {
        "window": window,
        "plan": window.plan,
        "state": state,
        "is_open": state == "open",
        "days_left": window.days_left(now),
        # Commitment.get_absolute_url, reversed once per plan: a national window lists dozens.
        "commitments": links_by_plan("commitments:detail", commitments),
        # In their order within the window: the model's ordering (by window first) would
        # join the windows to sort them.
        "announcements": list(window.announcements.order_by("announced_at")),
        "form": form,
        "form_html": form_html,
        "form_error": form_error,
        "notice": notice,
        "comments": comments,
    }
    return render(request, "consultations/commentwindow_detail.html", context, status=status)


def render_form_origin(request, window, form, *, status, form_error="", notice=""):
    """The page the form was sent from (the window page, the commitment page or the form's
    own page), with the form as sent, its messages and this visitor's CSRF value."""
    form.csrf_value = get_token(request)
    commitment = form.fixed_commitment
    if form.origin == "commitment" and commitment is not None:
        commitment = Commitment.objects.published().for_public_page().get(pk=commitment.pk)
        context = detail_context(commitment) | {
            "comment_form": form,
            "form_error": form_error,
            "notice": notice,
        }
        return render(request, "commitments/commitment_detail.html", context, status=status)
    if form.origin == "form":
        context = {"window": window, "form": form, "form_error": form_error, "notice": notice}
        return render(request, "consultations/comment_form_page.html", context, status=status)
    return render_window(
        request, window, form=form, status=status, form_error=form_error, notice=notice
    )


def csrf_refusal(request):
    """Django's CSRF check, as the middleware runs it: None when the post passes, else the
    refusal page."""
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})


def fixed_commitment(window, value) -> Commitment | None:
    """The published commitment of `window` whose page the form was on, if any."""
    number = query_int(value)
    if number is None:
        return None
    return Commitment.objects.published().filter(pk=number, comment_windows=window).first()


@never_cache
@require_safe
def comment_token(request, pk: int):
    """What one visitor's comment form needs and the cached page cannot carry: a CSRF value
    (its cookie is set with this answer) and a fresh signed form token, whose age is the
    time taken to fill the form in."""
    window = get_object_or_404(public_windows(), pk=pk)
    if not window.is_open():
        return JsonResponse({"error": _("This consultation is not open for comments.")}, status=409)
    return JsonResponse({"csrf": get_token(request), "form_token": make_form_token(window)})


def comment_form_page(request, pk: int):
    """The form alone, with this visitor's tokens; the window page once it is closed. The
    form is only shown: its choices are read as plain rows (`ChoiceRows`)."""
    window = get_object_or_404(public_windows(), pk=pk)
    if not window.is_open():
        return render_window(request, window, form=None)
    fixed = fixed_commitment(window, request.GET.get("commitment"))
    choices = ChoiceRows.of_window(window, fixed)
    form = CommentForm(window=window, commitment=fixed, origin="form", choices=choices)
    form.csrf_value = get_token(request)
    return render(request, "consultations/comment_form_page.html", {"window": window, "form": form})


# The CSRF check runs inside: a form sent without its tokens (no JavaScript) comes back with
# them and the text kept, rather than as the bare "forbidden" page.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def comment(request, pk: int):
    """Post a comment without an account. Exactly once: a double click, a resubmit or two
    parallel posts of one rendered form end on the same receipt (Post/Redirect/Get).
    GET: the form alone on a light page of its own (for one commitment with ?commitment=)."""
    if request.method == "GET":
        return comment_form_page(request, pk)
    window = get_object_or_404(public_windows(), pk=pk)
    origin = request.POST.get("origin", "window")
    fixed = None
    if origin in ("commitment", "form"):
        fixed = fixed_commitment(window, request.POST.get("commitment"))
    refusal = csrf_refusal(request)
    if refusal is not None:
        if request.POST.get("form_token"):
            return refusal
        # Sent without its tokens (no JavaScript on the page): nothing is saved; the same
        # page comes back with the text kept and the tokens filled in, to be sent again.
        kept = {name: request.POST.get(name) for name in CommentForm._meta.fields}
        form = CommentForm(initial=kept, window=window, commitment=fixed, origin=origin)
        return render_form_origin(
            request,
            window,
            form,
            status=200,
            notice=_("Your comment is not sent yet. Check it below, then press “Send my comment”."),
        )
    form = CommentForm(request.POST, window=window, commitment=fixed, origin=origin)
    forged = unexpected_fields(request.POST)
    if forged:
        return render_form_origin(
            request,
            window,
            form,
            status=400,
            form_error=_(
                "This form was changed before it was sent (unknown fields: %(fields)s)."
                " Nothing was saved."
            )
            % {"fields": ", ".join(forged)},
        )
    # A form already sent once goes straight to its receipt, counted only once.
    try:
        token, _age = read_form_token(request.POST.get("form_token", ""), window)
    except ValidationError:
        token = None
    if token is not None:
        existing = Comment.objects.filter(submission_token=token, window=window).first()
        if existing is not None:
            return redirect("consultations:receipt", token=existing.submission_token)
    if comment_rate_limited(request):
        return render_form_origin(
            request,
            window,
            form,
            status=429,
            form_error=_(
                "Too many comments were sent from your connection. Please wait an hour and"
                " send it again; your text is kept below."
            ),
        )
    if form.is_valid():
        try:
            saved, _created = submit_comment(
                window=window,
                data=form.comment_data(),
                token=form.submission_token,
                now=timezone.now(),
                sent_before=sent_tokens(request),
            )
        except WindowClosed as error:
            return render_form_origin(
                request, window, form, status=409, form_error=" ".join(error.messages)
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            response = redirect("consultations:receipt", token=saved.submission_token)
            remember_sent(response, request, saved.submission_token)
            return response
    return render_form_origin(request, window, form, status=400)


@never_cache
@require_safe
def receipt(request, token):
    """The receipt after posting: the tracking number and what happens next. Reached only
    with the unguessable submission token, so the comment's own text can be shown."""
    comment = get_object_or_404(
        Comment.objects.select_related("window", "commitment", "milestone"),
        submission_token=token,
        # A forum member's remark has no public receipt: it is read in the workspace.
        window__audience=Audience.PUBLIC,
    )
    response = render(
        request,
        "consultations/comment_receipt.html",
        {"comment": comment, "window": comment.window},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def moderation_policy(request):
    """The published rules: why a comment may be hidden, and how staff respond."""
    return render(
        request, "consultations/moderation_policy.html", {"reasons": HiddenReason.choices}
    )


# --- Report: "you said, we did" ----------------------------------------------------------


def report_window(pk: int) -> CommentWindow:
    return get_object_or_404(public_windows(), pk=pk)


@require_safe
def report(request, pk: int):
    """Every published comment with its published response, grouped by commitment, and the
    counts drawn as bar charts; with CSV, XLSX and PDF downloads."""
    window = report_window(pk)
    return render(request, "consultations/report.html", report_context(window, request.GET))


def download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def report_csv(request, pk: int):
    window = report_window(pk)
    return download(
        report_module.report_csv(window),
        content_type="text/csv; charset=utf-8",
        filename=f"consultation-{window.pk}-report.csv",
    )


@require_safe
def report_xlsx(request, pk: int):
    window = report_window(pk)
    return download(
        report_module.report_xlsx(window, right_to_left=get_language_bidi()),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"consultation-{window.pk}-report.xlsx",
    )


@require_safe
def report_pdf(request, pk: int):
    """The report as a PDF: made once per content and language (`core.pdf.stored_pdf`,
    under the PDF limits) and served from storage; "not available" when it cannot be made."""
    window = report_window(pk)
    try:
        name = stored_pdf(
            "consultations/report_pdf.html",
            report_context(window),
            folder=f"pdf/consultation-reports/{window.pk}/{get_language()}",
        )
    except PdfUnavailable as error:
        return unavailable_response(
            request,
            back_url=reverse("consultations:report", args=[window.pk]),
            back_label=window.title,
            error=error,
        )
    with default_storage.open(name, "rb") as stored:
        pdf = stored.read()
    return download(
        pdf,
        content_type="application/pdf",
        filename=f"consultation-{window.pk}-report-{get_language()}.pdf",
    )


# --- Subscriptions -----------------------------------------------------------------------


# The sign-up page is served from the page cache, so its form carries no CSRF value:
# subscribe-form.js asks `subscribe_token` for one when the visitor reaches the form. The
# CSRF check runs inside: a form sent without it (no JavaScript) comes back with it and the
# address kept, rather than as the bare "forbidden" page; nothing is sent before it passes.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def subscribe(request):
    """Email sign-up: the same answer for any address (no one learns who is subscribed)."""
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = csrf_refusal(request)
        if refusal is not None:
            if request.POST.get("csrfmiddlewaretoken"):
                return refusal
            kept = {name: request.POST.get(name) for name in SubscriptionForm._meta.fields}
            context = {
                "form": SubscriptionForm(initial=kept),
                "csrf_value": get_token(request),
                "notice": _("Your sign-up is not sent yet. Check it below, then press “Sign up”."),
            }
            return render(request, "consultations/subscribe.html", context)
        if rate_limited(request, "consultations.subscribe"):
            form.add_error(None, _("Too many sign-ups from your connection. Try again later."))
            status = 429
        elif form.is_valid():
            try:
                services.request_subscription(
                    email=form.cleaned_data["email"],
                    language=get_language() or settings.LANGUAGE_CODE,
                    windows=form.cleaned_data["windows"],
                    reports=form.cleaned_data["reports"],
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return redirect("consultations:subscribe_sent")
        status = status if status != 200 else 400
        context = {"form": form, "csrf_value": get_token(request)}
        return render(request, "consultations/subscribe.html", context, status=status)
    return render(request, "consultations/subscribe.html", {"form": form})


@never_cache
@require_safe
def subscribe_token(request):
    """The CSRF value the cached sign-up form needs (its cookie is set with this answer)."""
    return JsonResponse({"csrf": get_token(request)})


@require_safe
def subscribe_sent(request):
    return render(request, "consultations/subscribe.html", {"sent": True})


def subscription_page(request, template: str, subscription, done: bool):
    response = render(
        request,
        template,
        {"subscription": subscription, "done": done},
        status=200 if subscription is not None else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def subscription_confirm(request, token: str):
    """The link in the confirmation email. GET asks (mail scanners open links); POST
    confirms."""
    subscription = services.subscription_from_token(
        token, salt=services.CONFIRM_SALT, max_age=services.CONFIRM_MAX_AGE
    )
    done = False
    if subscription is not None and request.method == "POST":
        subscription = services.confirm_subscription(subscription=subscription)
        done = True
    return subscription_page(request, "consultations/subscription_confirm.html", subscription, done)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe: the link in every email, and the List-Unsubscribe-Post target
    mail programs call without a page (RFC 8058), hence no CSRF token: the signed token in
    the address is the proof."""
    subscription = services.subscription_from_token(token, salt=services.UNSUBSCRIBE_SALT)
    done = False
    if subscription is not None and request.method == "POST":
        subscription = services.unsubscribe(subscription=subscription)
        done = True
    return subscription_page(request, "consultations/unsubscribe.html", subscription, done)
