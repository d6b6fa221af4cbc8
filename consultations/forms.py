"""The public comment form, with its anti-abuse checks (no outside services).

The form carries a signed token (`django.core.signing`): the submission token that makes a
post count once, the window it belongs to and when the form was rendered. It cannot be
forged or moved to another window; its age gives the minimum fill time. A honeypot field,
hidden from people, catches the bots that fill every field.

The pages that hold the form are stored whole in the page cache, so the form they carry has
no token and no CSRF value: `static/js/comment-form.js` asks `consultations:comment_token`
for both when the visitor first reaches the form. A form posted without them (no
JavaScript) comes back with both filled in, the text kept, to be sent again.
"""

import dataclasses
import hashlib
import re
import time
import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, Milestone
from core.i18n import active_language, bilingual_names, in_language
from core.page_cache import kept_seconds, release

from .models import (
    COMMENT_MAX_LENGTH,
    Comment,
    CommentPart,
    CommentWindow,
    Subscription,
    region_choices,
)
from .services import CommentData

TOKEN_SALT = "consultations.comment-form"
HONEYPOT = "website"
# What a citizen writes in the comment form (staff logging a comment received elsewhere
# write the same, and where it came from).
COMMENT_FORM_FIELDS = [
    "commitment",
    "part",
    "milestone",
    "body",
    "author_name",
    "show_name",
    "author_email",
    "sector",
    "region",
]
# Every name a real comment form sends; anything else (`status=published`...) was forged.
EXPECTED_FIELDS = {
    "csrfmiddlewaretoken",
    "form_token",
    HONEYPOT,
    *COMMENT_FORM_FIELDS,
    "origin",
}
# Where the form was shown, so that a refused post comes back on the same page.
ORIGINS = {"window", "commitment", "form"}
LINK_PATTERN = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|org|info|io|ly|me)\b", re.I)


def min_fill_seconds() -> int:
    return getattr(settings, "COMMENT_MIN_FILL_SECONDS", 3)


def max_links() -> int:
    return getattr(settings, "COMMENT_MAX_LINKS", 2)


def make_form_token(window: CommentWindow) -> str:
    """A fresh signed token for one rendering of the form."""
    return signing.dumps(
        {"t": uuid.uuid4().hex, "w": window.pk, "i": int(time.time())}, salt=TOKEN_SALT
    )


def read_form_token(value: str, window: CommentWindow) -> tuple[uuid.UUID, int]:
    """(submission token, seconds since the form was rendered), or ValidationError."""
    try:
        data = signing.loads(value or "", salt=TOKEN_SALT)
        token, window_pk, issued = uuid.UUID(data["t"]), int(data["w"]), int(data["i"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError(
            _("This form could not be checked. Reload the page and send your comment again."),
            code="bad_token",
        ) from None
    if window_pk != window.pk:
        raise ValidationError(
            _("This form belongs to another consultation. Reload the page and try again."),
            code="other_window",
        )
    return token, int(time.time()) - issued


def widget_class(widget) -> str:
    """The Bootstrap class of a widget (the form renders with a plain template)."""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def html_attributes(attrs: dict) -> str:
    """A widget's attributes as HTML (the comment form is written out in its template)."""
    return flatatt({name: value for name, value in attrs.items() if value is not False})


def select_options(bound_field) -> list[tuple[str, str, str]]:
    """A select's options as (value, label, " selected" or ""): the choices read in one
    query (a model field's choices have a length, which a template's `for` would ask for
    first: a COUNT query of its own), each compared with the field's value once, here (a
    national window's form offers hundreds)."""
    current = bound_field.value()
    current = "" if current is None else str(current)
    options = []
    for value, label in bound_field.field.choices:
        value = "" if value is None else str(value)
        options.append((value, label, " selected" if value == current else ""))
    return options


def limit_regions(field) -> None:
    """Offer the configured governorates (settings.COMMENT_REGIONS); others are refused."""
    field.choices = [("", "---------"), *region_choices()]
    field.error_messages["invalid_choice"] = _("Choose a governorate from the list.")


def honeypot_field() -> forms.CharField:
    """A field people leave empty (the page hides it) and form-filling robots fill in."""
    return forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def refuse_filled_honeypot(cleaned_data, message) -> str:
    """The honeypot's cleaned value (always empty); ValidationError if it was filled in."""
    if cleaned_data.get(HONEYPOT):
        raise ValidationError(message, code="honeypot")
    return ""


def commitment_label(number, title: str, *, pattern: str = "") -> str:
    """How the comment form names a commitment among its choices (`pattern`: the
    sentence already translated, for a list of them)."""
    pattern = pattern or gettext("Commitment %(number)s: %(title)s")
    return pattern % {"number": number, "title": title}


def milestone_label(commitment_number, number, title: str, *, pattern: str = "") -> str:
    """How the comment form names a milestone among its choices (`pattern`: as above)."""
    pattern = pattern or gettext("Commitment %(commitment)s, milestone %(number)s: %(title)s")
    return pattern % {"commitment": commitment_number, "number": number, "title": title}


def offered_commitments(window: CommentWindow):
    """The commitments the comment form of `window` offers: its published ones."""
    return Commitment.objects.published().filter(comment_windows=window)


class CommitmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return commitment_label(obj.number, obj.title)


class MilestoneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return milestone_label(obj.commitment.number, obj.number, obj.title)


class CommentForm(forms.ModelForm):
    """A citizen's comment on a window (optionally on one commitment and one of its parts)."""

    form_token = forms.CharField(widget=forms.HiddenInput)
    website = honeypot_field()
    commitment = CommitmentChoiceField(
        queryset=Commitment.objects.none(),
        required=False,
        label=_("Commitment"),
        empty_label=_("The plan in general"),
        error_messages={
            "invalid_choice": _("This commitment is not open for comment in this consultation.")
        },
    )
    milestone = MilestoneChoiceField(
        queryset=Milestone.objects.none(),
        required=False,
        label=_("Milestone"),
        empty_label=_("No particular milestone"),
        error_messages={
            "invalid_choice": _("This milestone is not part of the commitment you chose.")
        },
    )

    class Meta:
        model = Comment
        fields = COMMENT_FORM_FIELDS
        labels = {
            "part": _("Which part are you commenting on?"),
            "body": _("Your comment"),
            "author_name": _("Your name (optional)"),
            "show_name": _("Show my name with my comment"),
            "author_email": _("Your email (optional, never published)"),
            "sector": _("You are from (optional)"),
            "region": _("Governorate (optional)"),
        }
        help_texts = {
            "body": _("Plain text, up to 5,000 characters."),
            "author_email": _("Only to send you our response."),
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
            "author_name": forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"}),
        }
        error_messages = {
            "body": {
                "required": _("Write your comment."),
                "max_length": _(
                    "Your comment is too long: %(show_value)d characters, and at most"
                    " %(limit_value)d fit. Shorten it or send it in two comments; nothing"
                    " was cut."
                ),
            },
        }

    def __init__(
        self,
        *args,
        window: CommentWindow,
        commitment: Commitment | None = None,
        origin: str = "window",
        issue_token: bool = True,
        choices: "ChoiceRows | None" = None,
        **kw,
    ):
        """`choices`: for a form only shown, its choices as the page read them; else they
        are read from the window."""
        super().__init__(*args, **kw)
        self.origin = origin if origin in ORIGINS else "window"
        # The CSRF value the form carries: set by a view that renders it for one visitor.
        self.csrf_value = ""
        self.window = window
        self.fixed_commitment = commitment
        if commitment is not None:
            self.fields["commitment"].widget = forms.HiddenInput()
            self.fields["commitment"].initial = commitment.pk
        if choices is not None and not self.is_bound:
            self.offer(choices)
        else:
            self.choose_in_window(window, commitment)
        limit_regions(self.fields["region"])
        # No maxlength attribute: a browser would cut a longer paste without a word. The
        # counter (comment-form.js) and the server's message say how much is too much.
        self.fields["body"].widget.attrs.pop("maxlength", None)
        self.fields["body"].widget.attrs["data-limit"] = COMMENT_MAX_LENGTH
        if issue_token and not self.is_bound:
            self.fields["form_token"].initial = make_form_token(window)
        self.submission_token = None
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("class", widget_class(field.widget))
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def choose_in_window(self, window: CommentWindow, commitment: Commitment | None) -> None:
        """The window's published commitments (or only `commitment`) and their milestones."""
        commitments = offered_commitments(window)
        milestones = Milestone.objects.filter(commitment__in=commitments).select_related(
            "commitment"
        )
        if commitment is not None:
            commitments = commitments.filter(pk=commitment.pk)
            milestones = milestones.filter(commitment=commitment)
        if not self.is_bound:
            # A form shown, not sent: its choices read only the columns of their labels.
            commitments = commitments.only("number", "title_ar", "title_en")
            milestones = milestones.only("number", "title_ar", "title_en", "commitment__number")
        self.fields["commitment"].queryset = commitments.order_by("number")
        self.fields["milestone"].queryset = milestones.order_by("commitment__number", "number")

    def offer(self, choices: "ChoiceRows") -> None:
        """The choices of a form only shown. The fields keep no queryset: such a form is
        never sent."""
        for name, offered in zip(("commitment", "milestone"), choices.offered(), strict=True):
            field = self.fields[name]
            field.choices = [("", field.empty_label), *offered]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{widget_class(self.fields[name].widget)} is-invalid"
                attrs["aria-invalid"] = "true"
                described = [f"id_{name}_error", attrs.get("aria-describedby", "")]
                attrs["aria-describedby"] = " ".join(filter(None, described))

    def shown_fields(self) -> list[dict]:
        """What the plain template (consultations/_comment_form.html) writes of each field
        a person fills in (the honeypot apart), worked out once per field: a bound field
        computes its id, widget type and value again at each mention."""
        errors = self.errors  # cleaning a bound form marks its invalid widgets first
        shown = []
        for field in self.visible_fields():
            if field.name == HONEYPOT:
                continue
            widget_type = field.widget_type
            shown.append(
                {
                    "name": field.name,
                    "html_name": field.html_name,
                    "id": field.auto_id,
                    "label": field.label,
                    "required": field.field.required,
                    "widget_type": widget_type,
                    "attrs": html_attributes(field.field.widget.attrs),
                    "value": field.value(),
                    "options": select_options(field) if widget_type == "select" else [],
                    "errors": errors.get(field.name, []),
                    "help_text": field.help_text,
                }
            )
        return shown

    def error_summary(self) -> list[dict]:
        """Every message of a refused form, each with the field it leads to (the summary at
        the top of the form links to it); messages about the whole form lead to the body."""
        rows = []
        for name, errors in self.errors.items():
            if name == HONEYPOT:
                target = "id_body"
            elif name in self.fields and not self.fields[name].widget.is_hidden:
                target = f"id_{name}"
            else:
                target = "id_body"
            rows += [{"target": target, "message": message} for message in errors]
        return rows

    def clean_form_token(self):
        token, age = read_form_token(self.cleaned_data["form_token"], self.window)
        if age < min_fill_seconds():
            raise ValidationError(
                _(
                    "That was quicker than we expect from a person."
                    " Check your comment and send it again."
                ),
                code="too_fast",
            )
        self.submission_token = token
        return self.cleaned_data["form_token"]

    def clean_website(self):
        return refuse_filled_honeypot(
            self.cleaned_data, _("Your comment could not be accepted. Leave the last field empty.")
        )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        links = len(LINK_PATTERN.findall(body))
        if links > max_links():
            raise ValidationError(
                ngettext(
                    "A comment may contain at most %(count)d link.",
                    "A comment may contain at most %(count)d links.",
                    max_links(),
                )
                % {"count": max_links()},
                code="links",
            )
        return body

    def clean(self):
        cleaned = super().clean()
        commitment = cleaned.get("commitment")
        milestone = cleaned.get("milestone")
        part = cleaned.get("part") or CommentPart.GENERAL
        if milestone is not None and part == CommentPart.GENERAL:
            part = cleaned["part"] = CommentPart.MILESTONES
        if part != CommentPart.GENERAL and commitment is None and "commitment" not in self.errors:
            self.add_error(
                "part",
                _("Choose the commitment this part belongs to, or comment on the plan in general."),
            )
        if part == CommentPart.MILESTONES and milestone is None and "milestone" not in self.errors:
            self.add_error("milestone", _("Choose the milestone you are commenting on."))
        if milestone is not None and (
            part != CommentPart.MILESTONES
            or milestone.commitment_id != getattr(commitment, "pk", None)
        ):
            self.add_error(
                "milestone", _("This milestone is not part of the commitment you chose.")
            )
        return cleaned

    def comment_data(self) -> CommentData:
        return comment_data(self.cleaned_data)


def comment_data(cleaned, **received) -> CommentData:
    """What the comment form's fields (`COMMENT_FORM_FIELDS`) say, as the services take it;
    `received`: where staff say a comment received elsewhere came from."""
    return CommentData(
        body=cleaned["body"],
        commitment=cleaned.get("commitment"),
        milestone=cleaned.get("milestone"),
        part=cleaned.get("part") or CommentPart.GENERAL,
        author_name=cleaned.get("author_name", ""),
        show_name=cleaned.get("show_name", False),
        author_email=cleaned.get("author_email", ""),
        sector=cleaned.get("sector", ""),
        region=cleaned.get("region", ""),
        **received,
    )


def unexpected_fields(post) -> list[str]:
    """Names in a POST that the comment form never sends (a forged `status`...)."""
    return sorted(set(post) - EXPECTED_FIELDS)


class SubscriptionForm(forms.ModelForm):
    """Sign up for news of the consultations (a confirmation email follows)."""

    website = honeypot_field()

    class Meta:
        model = Subscription
        fields = ["email", "windows", "reports"]
        labels = {
            "email": _("Your email"),
            "windows": _("Tell me when a public consultation opens"),
            "reports": _("Tell me when a consultation report is published"),
        }
        widgets = {"email": forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "email"})}
        error_messages = {"email": {"required": _("Write your email address.")}}

    def clean_website(self):
        return refuse_filled_honeypot(
            self.cleaned_data, _("Your sign-up could not be accepted. Leave the last field empty.")
        )

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("windows") or cleaned.get("reports")):
            raise ValidationError(_("Choose at least one kind of news."))
        return cleaned

    def _get_validation_exclusions(self):
        # The service decides what an address already signed up means (never say it here:
        # nobody learns who is subscribed), so the unique-address constraint is not checked.
        return {*super()._get_validation_exclusions(), "email"}


# --- Forum members' remarks (workspace) ----------------------------------------------------


class MemberMilestoneField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("Milestone %(number)s: %(title)s") % {"number": obj.number, "title": obj.title}


class MemberRemarkForm(forms.Form):
    """A forum member's remark on one draft commitment, or on the plan in general when
    `commitment` is None. Each form on the page has its own prefix; the hidden token makes
    a double click store one remark. Plain text: shown escaped, never as HTML."""

    token = forms.UUIDField(widget=forms.HiddenInput)
    part = forms.ChoiceField(
        label=_("About"), choices=CommentPart.choices, initial=CommentPart.GENERAL
    )
    milestone = MemberMilestoneField(
        queryset=Milestone.objects.none(),
        required=False,
        label=_("Milestone"),
        empty_label=_("No particular milestone"),
        error_messages={
            "invalid_choice": _("This milestone is not part of the commitment you chose.")
        },
    )
    body = forms.CharField(
        label=_("Your remark"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("Plain text. The unit's staff read it with your name; it is never published."),
        error_messages={
            "required": _("Write your remark."),
            "max_length": _(
                "Your remark is too long: keep it within %(limit_value)d characters"
                " (it has %(show_value)d)."
            ),
        },
    )

    def __init__(self, *args, commitment: Commitment | None, **kwargs):
        kwargs.setdefault("prefix", f"c{commitment.pk}" if commitment else "general")
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        milestones = list(commitment.milestones.order_by("number")) if commitment else []
        if commitment is None:
            del self.fields["part"]
        if not milestones:
            del self.fields["milestone"]
            if "part" in self.fields:
                self.fields["part"].choices = [
                    choice for choice in CommentPart.choices if choice[0] != CommentPart.MILESTONES
                ]
        else:
            self.fields["milestone"].queryset = commitment.milestones.order_by("number")
        if not self.is_bound:
            self.fields["token"].initial = uuid.uuid4()

    def clean(self):
        cleaned = super().clean()
        # A milestone picked: the remark is about that milestone, whatever the part said.
        if cleaned.get("milestone") is not None:
            cleaned["part"] = CommentPart.MILESTONES
        return cleaned

    def comment_data(self) -> CommentData:
        cleaned = self.cleaned_data
        return CommentData(
            body=cleaned["body"],
            commitment=self.commitment,
            part=cleaned.get("part") or CommentPart.GENERAL,
            milestone=cleaned.get("milestone"),
        )


TITLES = bilingual_names(["title"])


@dataclasses.dataclass(frozen=True)
class ChoiceRows:
    """What a form only shown offers, as read: the commitments and their milestones, each
    (pk, number, commitment number, title in each language), in order. The same rows make
    the same form in a language (`blank_form_html`)."""

    commitments: tuple[tuple, ...]
    milestones: tuple[tuple, ...]

    @classmethod
    def read(cls, commitments: list[Commitment], milestones=None) -> "ChoiceRows":
        """From the commitments as the page read them, and their `milestones` as the page
        read them too, else read as plain rows in one query (a national window offers
        hundreds, and the form needs no object of them)."""
        commitments = sorted(commitments, key=lambda commitment: commitment.number)
        numbers = {commitment.pk: commitment.number for commitment in commitments}
        if milestones is None:
            # Sorted below: the model's ordering (by commitment, hence by plan) would join
            # both tables to sort them first.
            rows = (
                Milestone.objects.filter(commitment_id__in=list(numbers))
                .order_by()
                .values_list("pk", "number", "commitment_id", *TITLES)
            )
        else:
            rows = [
                (m.pk, m.number, m.commitment_id, *(getattr(m, name) for name in TITLES))
                for m in milestones
            ]
        found = [
            (pk, number, numbers[commitment], *titles) for pk, number, commitment, *titles in rows
        ]
        return cls(
            commitments=tuple(
                (c.pk, c.number, c.number, *(getattr(c, name) for name in TITLES))
                for c in commitments
            ),
            milestones=tuple(sorted(found, key=lambda row: (row[2], row[1]))),
        )

    @classmethod
    def of_window(cls, window: CommentWindow, commitment: Commitment | None = None):
        """What the form of `window` offers, read as plain rows: only `commitment` (one of
        its published commitments, already read) and its milestones when given."""
        if commitment is not None:
            return cls.read([commitment])
        return cls.read(list(offered_commitments(window).order_by().only("number", *TITLES)))

    def offered(self) -> tuple[list, list]:
        """The (pk, label) pairs of the commitment and milestone choices, in the active
        language."""
        commitment_pattern = gettext("Commitment %(number)s: %(title)s")
        milestone_pattern = gettext("Commitment %(commitment)s, milestone %(number)s: %(title)s")

        def title(row) -> str:
            return in_language(dict(zip(TITLES, row[3:], strict=True)), "title")[0]

        return (
            [
                (row[0], commitment_label(row[1], title(row), pattern=commitment_pattern))
                for row in self.commitments
            ],
            [
                (row[0], milestone_label(row[2], row[1], title(row), pattern=milestone_pattern))
                for row in self.milestones
            ],
        )


FORM_TEMPLATE = "consultations/_comment_form.html"


def blank_form_html(
    *, window: CommentWindow, choices: ChoiceRows, commitment: Commitment | None = None
) -> str:
    """The comment form as the cached window page (`commitment` None) and commitment page
    carry it: no token, no CSRF value, nothing of one visitor (form-tokens.js asks for
    those), so the same HTML for every visitor who is offered the same `choices` in the
    same language. Built and rendered once and kept, under the choices themselves: a
    comment published, a page of comments, a page whose minute in the page cache ran out
    reuse it; a commitment or milestone renamed, added or withdrawn makes other choices,
    hence another form; a new release of the site (`core.page_cache.release`), other
    templates and translations. A form sent back with its messages is rendered from
    `FORM_TEMPLATE` as it was sent."""
    origin = "window" if commitment is None else "commitment"
    digest = hashlib.blake2b(repr(choices).encode(), digest_size=16).hexdigest()
    key = ":".join(
        str(part)
        for part in (
            "comment-form",
            release(),
            active_language(),
            window.pk,
            origin,
            commitment.pk if commitment is not None else "",
            digest,
        )
    )

    def render() -> str:
        form = CommentForm(
            window=window, commitment=commitment, origin=origin, issue_token=False, choices=choices
        )
        return render_to_string(FORM_TEMPLATE, {"form": form, "window": window})

    return mark_safe(cache.get_or_set(key, render, kept_seconds()))  # noqa: S308  (rendered by the template above, autoescaped)
