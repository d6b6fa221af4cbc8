"""Turn an attendee list pasted from earlier minutes into rows to confirm.

A line looks like `السيد مروان الرفاعي/ أمين عام وزارة التخطيط والتعاون الدولي`: an
honorific, the name, a separator, then the position and the organisation (after a dash,
after "لـ", or simply at the end). People write the separator as they please: a slash, a
dash with a space beside it (" – ", " - ": the hyphen of "Al-Khaldi" is part of the name),
an Arabic or Latin comma, or a tab (a row copied from a table). An HTML list
(`<li>...</li>`) works too. Honorifics in Arabic and English, with or without their dot,
are kept as the title; a name in Latin script is an English name.

Nothing is saved here: the rows are matched against the people (by their Arabic or English
name, honorifics aside) and organisations we know, with Arabic spelling variants folded by
the shared `core.arabic.normalise` (alef forms, taa marbuta, alef maqsura, diacritics,
tatweel) plus punctuation, and shown for the user to confirm or correct. A line we cannot
read is shown with its problem, never dropped.
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
# A dash separates only with a space (or the line's end) beside it: "منسق الوحدة -وزارة",
# "الامتثال- هيئة", " – ". A dash between two letters joins a name ("Al-Khaldi").
DASH = r"(?:(?<!\S)[-–—]|[-–—](?!\S))"
# Between the name and the rest: the first of these.
NAME_SEPARATOR = re.compile(rf"/|{DASH}|[،,]")
# Between the position and the organisation: the last of these.
POSITION_SEPARATOR = re.compile(rf"{DASH}|[،,]")

# Honorifics as `normalise` folds them, dots and spaces taken out ("أ.د." → "اد",
# "H.E." → "he"). Two-word ones are tried before one-word ones.
HONORIFICS = {
    "السيد": Honorific.MR,
    "السيده": Honorific.MS,
    "الانسه": Honorific.MISS,
    "الاستاذ": Honorific.USTADH,
    "ا": Honorific.USTADH,
    "الاستاذه": Honorific.USTADHA,
    "الدكتور": Honorific.DR,
    "الدكتوره": Honorific.DR,
    "د": Honorific.DR,
    "الاستاذالدكتور": Honorific.PROF,
    "الاستاذهالدكتوره": Honorific.PROF,
    "اد": Honorific.PROF,
    "المهندس": Honorific.ENG,
    "المهندسه": Honorific.ENG,
    "م": Honorific.ENG,
    "سعاده": Honorific.SAADA,
    "معالي": Honorific.MAALI,
    "عطوفه": Honorific.ATUFA,
    "mr": Honorific.MR,
    "mrs": Honorific.MRS,
    "ms": Honorific.MS,
    "miss": Honorific.MISS,
    "dr": Honorific.DR,
    "eng": Honorific.ENG,
    "prof": Honorific.PROF,
    "he": Honorific.SAADA,
}
# A courtesy of address that has no title of its own here: read past, never part of a name.
COURTESY = {"دوله"}
# Several honorifics before one name ("عطوفة السيد", "H.E. Dr"): the one kept is the style
# of address, then the academic or professional title, then the plain courtesy.
RANK = {
    Honorific.SAADA: 3,
    Honorific.MAALI: 3,
    Honorific.ATUFA: 3,
    Honorific.PROF: 2,
    Honorific.DR: 2,
    Honorific.ENG: 2,
}
ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u024f]")


def title_rank(honorific: str) -> int:
    """How high a title stands: a style of address over a title over a plain courtesy."""
    return RANK.get(honorific, 1 if honorific else 0)


def is_latin(text: str) -> bool:
    """True when `text` is written in Latin letters only (an English name or position)."""
    return bool(LATIN_LETTER.search(text or "")) and not ARABIC_LETTER.search(text or "")


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
    return [" ".join(_cells_to_separators(line).split()) for line in lines if line.strip()]


def _cells_to_separators(line: str) -> str:
    """A row copied from a table ("name<TAB>position<TAB>organisation") as a line with
    separators: a slash after the name, a dash between the other cells."""
    cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
    if len(cells) < 2:
        return line
    return f"{cells[0]} / {' – '.join(cells[1:])}"


@dataclass
class ParsedLine:
    line: str
    honorific: str = ""
    name_ar: str = ""  # the name as written, whatever its script
    name_en: str = ""  # the same name when it is written in Latin letters
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
            for key in {person_key(person.name_ar), person_key(person.name_en)} - {""}:
                self.people_by_name.setdefault(key, []).append(person)
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
        return self.people_by_name.get(person_key(name), [])

    def person_label(self, person: Person) -> str:
        names = sorted(self.org_names.get(pk, "") for pk in self.orgs_of_person.get(person.pk, ()))
        return f"{person.name} – {'، '.join(names)}" if names else person.name

    def person_choices(self, name: str) -> list[tuple[int, str]]:
        return [(person.pk, self.person_label(person)) for person in self.candidates(name)]


def _honorific_at(words: list[str]) -> tuple[str | None, int]:
    """(honorific, how many words it takes) at the start of `words`, or (None, 0). A word
    is always left for the name."""
    for size in (2, 1):
        if len(words) > size:
            key = "".join(normalise(word).replace(" ", "") for word in words[:size])
            if key in HONORIFICS:
                return HONORIFICS[key], size
            if size == 1 and key in COURTESY:
                return "", 1
    return None, 0


def take_honorific(text: str) -> tuple[str, str]:
    """(honorific, name) of the part of a line before the separator. Every honorific
    before the name is read ("عطوفة السيد", "Ms.", "د.سالم"); the one kept is the highest
    (`RANK`). The name keeps at least one word: "السيد" alone is a name, not a title."""
    # "د.سالم": an abbreviation's dot may touch the name.
    words = re.sub(r"\.(?=\S)", ". ", text).split()
    honorific = ""
    while True:
        found, size = _honorific_at(words)
        if found is None:
            break
        if title_rank(found) > title_rank(honorific):
            honorific = found
        words = words[size:]
    return honorific, " ".join(words).strip()


def person_key(name: str) -> str:
    """How a person's name is compared: folded, honorifics aside ("Ms. Abeer Madanat" is
    "Abeer Madanat", "د. سالم" is "سالم")."""
    return normalise(take_honorific(" ".join((name or "").split()))[1])


def _split_position(rest: str, matcher: Matcher) -> tuple[str, str, Organisation | None]:
    """(position, organisation text, organisation) of the part after the separator."""
    cuts = list(POSITION_SEPARATOR.finditer(rest))
    if cuts and cuts[-1].start() > 0:
        cut = cuts[-1]
        position, org_text = rest[: cut.start()].strip(), rest[cut.end() :].strip()
        if org_text:
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
    separator = NAME_SEPARATOR.search(text)
    # A separator right at the start ("- السيد ...", a list bullet) is not one.
    while separator is not None and not text[: separator.start()].strip():
        text = text[separator.end() :].strip()
        separator = NAME_SEPARATOR.search(text)
    if separator is not None:
        head, rest = text[: separator.start()], text[separator.end() :]
    else:
        head, rest = text, ""
        parsed.problems.append(
            _(
                "No separator between the name and the position (a slash, a dash, a comma or"
                " a tab): check this line."
            )
        )
    parsed.honorific, name = take_honorific(" ".join(head.split()))
    if is_latin(name):
        parsed.name_en = name
    parsed.name_ar = name
    if not name:
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
    parsed.candidates = matcher.candidates(name)
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
