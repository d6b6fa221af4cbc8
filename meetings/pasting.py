"""Turn an attendee list pasted from earlier minutes into rows to confirm.

A line looks like `السيد مروان الرفاعي/ أمين عام وزارة التخطيط والتعاون الدولي`: an
honorific, the name, a slash, then the position and the organisation (after a dash, after
"لـ", or simply at the end). An HTML list (`<li>...</li>`) works too. Nothing is saved here:
the rows are matched against the people and organisations we know, with Arabic spelling
variants folded by the shared `core.arabic.normalise` (alef forms, taa marbuta, alef
maqsura, diacritics, tatweel) plus punctuation, and shown
for the user to confirm or correct. A line we cannot read is shown with its problem,
never dropped.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.utils.translation import gettext as _

from core import arabic
from plans.models import Organisation

from .models import Attendance, Honorific, Membership, Person

# Punctuation folded on top of the shared normaliser: names in minutes come with dots,
# quotes and brackets ("همم", (WEBEX)) that a spreadsheet cell usually has not.
PUNCTUATION = str.maketrans(dict.fromkeys("\"'«»“”„.,،:؛()[]", " "))
DASHES = "-–—"

HONORIFICS = {
    "السيد": Honorific.MR,
    "السيده": Honorific.MS,
    "الانسه": Honorific.MS,
    "الدكتور": Honorific.DR,
    "الدكتوره": Honorific.DR,
    "د": Honorific.DR,
    "المهندس": Honorific.ENG,
    "المهندسه": Honorific.ENG,
    "م": Honorific.ENG,
    "mr": Honorific.MR,
    "mrs": Honorific.MS,
    "ms": Honorific.MS,
    "dr": Honorific.DR,
    "eng": Honorific.ENG,
}
# Courtesy titles that come before the honorific and are not part of the name.
COURTESY = {"عطوفه", "معالي", "سعاده", "دوله"}


def normalise(text: str) -> str:
    """`core.arabic.normalise` (the one shared normaliser) with punctuation folded."""
    return arabic.normalise((text or "").translate(PUNCTUATION))


def _fold_char(char: str) -> str:
    if arabic.DIACRITICS.match(char):
        return ""
    return char.translate(arabic.LETTERS).translate(arabic.DIGITS).translate(PUNCTUATION).casefold()


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """`normalise(text)` and, for each of its characters, the index it came from."""
    out, where = [], []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        for piece in folded:
            if piece.isspace():
                if not out or out[-1] == " ":
                    continue
                piece = " "
            out.append(piece)
            where.append(index)
    while out and out[-1] == " ":
        out.pop()
        where.pop()
    return "".join(out), where


class _ListItems(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "li":
            self._current = []

    def handle_endtag(self, tag):
        if tag == "li" and self._current is not None:
            self.items.append("".join(self._current))
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)


def split_lines(text: str) -> list[str]:
    """The attendee lines of `text`: the items of an HTML list, else its non-empty lines."""
    if re.search(r"<li[\s>]", text, re.IGNORECASE):
        parser = _ListItems()
        parser.feed(text)
        lines = parser.items
    else:
        lines = text.splitlines()
    return [" ".join(line.split()) for line in lines if line.strip()]


@dataclass
class ParsedLine:
    line: str
    honorific: str = ""
    name_ar: str = ""
    position_ar: str = ""
    organisation_text: str = ""
    organisation: Organisation | None = None
    person: Person | None = None
    candidates: list[Person] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Matcher:
    """The people and organisations we know, indexed by their folded names (three queries)."""

    def __init__(self):
        self.organisations = list(Organisation.objects.order_by("name_ar"))
        self.org_by_name = {}
        for organisation in self.organisations:
            for key in (organisation.name_ar, organisation.acronym, organisation.name_en):
                if key:
                    self.org_by_name.setdefault(normalise(key), organisation)
        self.people_by_name: dict[str, list[Person]] = {}
        for person in Person.objects.order_by("pk"):
            self.people_by_name.setdefault(normalise(person.name_ar), []).append(person)
        self.orgs_of_person: dict[int, set[int]] = {}
        for model in (Membership, Attendance):
            for person_id, org_id in model.objects.values_list("person_id", "organisation_id"):
                self.orgs_of_person.setdefault(person_id, set()).add(org_id)
        self.org_names = {o.pk: o.name_ar for o in self.organisations}

    def organisation_in(self, text: str):
        """(organisation, start index in `text`) of the longest known organisation name
        that ends `text`, or (None, None)."""
        folded, where = normalise_with_map(text)
        best = (None, None, 0)
        for key, organisation in self.org_by_name.items():
            if len(key) > best[2] and folded.endswith(key):
                start = where[len(folded) - len(key)]
                best = (organisation, start, len(key))
        return best[0], best[1]

    def candidates(self, name: str) -> list[Person]:
        return self.people_by_name.get(normalise(name), [])

    def person_label(self, person: Person) -> str:
        names = sorted(self.org_names.get(pk, "") for pk in self.orgs_of_person.get(person.pk, ()))
        return f"{person.name_ar} – {'، '.join(names)}" if names else person.name_ar

    def person_choices(self, name: str) -> list[tuple[int, str]]:
        return [(person.pk, self.person_label(person)) for person in self.candidates(name)]


def _take_honorific(text: str) -> tuple[str, str]:
    words = text.split(" ")
    while words and normalise(words[0]) in COURTESY:
        words.pop(0)
    if words:
        key = normalise(words[0]).rstrip(".")
        if key in HONORIFICS:
            return HONORIFICS[key], " ".join(words[1:]).strip()
    return "", " ".join(words).strip()


def _split_position(rest: str, matcher: Matcher) -> tuple[str, str, Organisation | None]:
    """(position, organisation text, organisation) of the part after the slash."""
    cut = max(rest.rfind(dash) for dash in DASHES)
    if cut > 0:
        position, org_text = rest[:cut].strip(), rest[cut + 1 :].strip()
        return position, org_text, matcher.org_by_name.get(normalise(org_text))
    organisation, start = matcher.organisation_in(rest)
    if organisation is None:
        return "", rest, None
    before = rest[:start]
    org_text = rest[start:].strip()
    if not before.strip():
        return "", org_text, organisation
    if before.endswith("ل") and (len(before) == 1 or before[-2].isspace()):
        # "المنسقة العامة لهيئة...": the position is "of" the organisation.
        return before[:-1].strip(), org_text, organisation
    # "أمين عام وزارة التخطيط...": the organisation is part of the title itself.
    return rest.strip(), org_text, organisation


def parse_line(line: str, matcher: Matcher) -> ParsedLine:
    parsed = ParsedLine(line=line)
    text = line.strip().rstrip(".").strip()
    if "/" in text:
        head, rest = text.split("/", 1)
    else:
        head, rest = text, ""
        parsed.problems.append(_("No slash between the name and the position: check this line."))
    parsed.honorific, parsed.name_ar = _take_honorific(head.strip())
    if not parsed.name_ar:
        parsed.problems.append(_("No name could be read on this line."))
    rest = rest.strip().rstrip(".").strip()
    if rest:
        parsed.position_ar, parsed.organisation_text, parsed.organisation = _split_position(
            rest, matcher
        )
    if parsed.organisation is None:
        parsed.problems.append(
            _("The organisation is not known yet: choose it, or create it with its sector.")
        )
    parsed.candidates = matcher.candidates(parsed.name_ar)
    if parsed.candidates:
        same_org = [
            person
            for person in parsed.candidates
            if parsed.organisation
            and parsed.organisation.pk in matcher.orgs_of_person.get(person.pk, ())
        ]
        if len(same_org) == 1:
            parsed.person = same_org[0]
        else:
            parsed.problems.append(
                _(
                    "Someone with this name is already recorded, at another organisation or"
                    " more than once: choose the right person, or keep “a new person”."
                )
            )
    return parsed


def parse_attendees(text: str, matcher: Matcher | None = None) -> list[ParsedLine]:
    matcher = matcher or Matcher()
    return [parse_line(line, matcher) for line in split_lines(text)]
