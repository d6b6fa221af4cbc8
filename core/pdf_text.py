"""Exact text in our PDFs: a patch of WeasyPrint 70's text drawing for Arabic.

**Upstream: WeasyPrint issue #2841** ("Corrupted ToUnicode CMap (empty bfchar entries) for
real-GSUB Arabic text", open against 69 and 70). WeasyPrint maps each *glyph* to the text it
was first drawn with. A font's GSUB table draws one Arabic letter as several glyphs (Amiri
and Noto Naskh draw «ل» before some letters as a letter and a joining stroke; Noto draws
dots as glyphs of their own, shared by many letters) and several letters as one glyph
(«لا»). So the map gives the whole letter to one glyph and nothing to the others, and a
glyph shared by different letters keeps the first one for ever: `pdftotext` of our Arabic
plan read «عم ية» for «عملية», «الإللكترونية» for «الإلكترونية», and broke words where an
unmapped joining glyph left a gap. The pages looked right; searching, copying and screen
readers got other words.

The fix, kept in this one module: `draw_first_line` below is WeasyPrint 70.0's function of
the same name with its glyph loop changed to work per *cluster* (the glyphs HarfBuzz made
from one run of characters):

1. the map records, for each glyph not yet mapped, its cluster's text on the cluster's first
   glyph in reading order and nothing on the others (as upstream), and
2. every cluster whose glyphs do not read back as its exact text through that map (several
   glyphs, or a glyph first mapped to other text) is drawn inside a marked-content span
   `/Span <</ActualText (its text)>> BDC … EMC`, the PDF's own way to say "these glyphs read
   as this text" (ISO 32000-1, 14.9.4; PDF/UA relies on it). Poppler (`pdftotext`, Evince,
   Okular), Acrobat and screen readers read the span's text instead of the glyph map.

Clusters that map one glyph to its exact text (Latin, digits, most Arabic letters) are drawn
exactly as before. `install()` puts the function in place of WeasyPrint's; it refuses any
WeasyPrint other than the version it was copied from, so an upgrade is checked against
#2841 (drop this module once upstream fixes it) instead of running on silently.
"""

import re
from xml.etree import ElementTree

import pydyf
import weasyprint
from weasyprint.draw import text as weasyprint_text
from weasyprint.images import SVGImage
from weasyprint.text.ffi import FROM_UNITS, TO_UNITS, ffi, pango
from weasyprint.text.fonts import get_hb_object_data
from weasyprint.text.line_break import get_last_word_end

PATCHED_VERSION = "70.0"

# An Arabic letter, then spaces, before a European digit.
_ARABIC_THEN_DIGIT = re.compile(r"([\u0621-\u064a\u066e-\u06d3][^\S\n]*)(?=[0-9])")
ARABIC_LETTER_MARK = "\u061c"


def numbers_after_arabic(text: str) -> str:
    """`text` with an Arabic letter mark (U+061C, invisible) before each number that
    follows Arabic words. The bidi algorithm reads such a number as Arabic (rule W2), so
    "الخطة 2021-2025" shows its range start first on the right, as every other range of an
    Arabic document; WeasyPrint applies the rule line by line, so a number that wraps to
    the start of a line lost it and turned round ("2021-2025" under "2025–2021" on the
    cover). The mark keeps it on any line."""
    return _ARABIC_THEN_DIGIT.sub(r"\1" + ARABIC_LETTER_MARK, text)


UPSTREAM_ISSUE = "https://github.com/Kozea/WeasyPrint/issues/2841"


class _Utf16String(pydyf.String):
    """A PDF text string always written as UTF-16BE with its byte-order mark (pydyf would
    write Latin text in PDFDocEncoding, which differs from Latin-1)."""

    @property
    def data(self):
        return b"<feff" + self.string.encode("utf-16-be").hex().encode() + b">"


def clusters_of(glyph_item) -> list[tuple[int, int, int, int]]:
    """The clusters of one Pango run, in drawing order: (first glyph index, glyph count,
    start and end of its text in bytes from the run's start). Glyphs of a cluster are
    consecutive; a right-to-left run draws them from the end of its text."""
    glyph_string = glyph_item.glyphs
    count = glyph_string.num_glyphs
    log_clusters = glyph_string.log_clusters
    rtl = glyph_item.item.analysis.level % 2
    starts = []
    index = 0
    while index < count:
        first = index
        while index + 1 < count and log_clusters[index + 1] == log_clusters[first]:
            index += 1
        starts.append((first, index - first + 1, log_clusters[first]))
        index += 1
    result = []
    for position, (first, size, start) in enumerate(starts):
        neighbour = position - 1 if rtl else position + 1
        end = starts[neighbour][2] if 0 <= neighbour < len(starts) else glyph_item.item.length
        result.append((first, size, start, max(start, end)))
    return result


def pieces_of(glyph_item, font, text_bytes: bytes) -> list[tuple[int, int, str | None]]:
    """What to draw of one Pango run, in drawing order: (first glyph index, glyph count,
    ActualText or None), one piece per cluster. Records each glyph not yet mapped in
    `font.to_unicode`: the cluster's text on its first glyph in reading order, nothing on
    the others. A cluster whose glyphs do not read back as its exact text gets its text as
    ActualText. (One cluster at a time: Poppler reads a longer ActualText in a
    right-to-left line backwards.)"""
    glyphs = glyph_item.glyphs.glyphs
    offset = glyph_item.item.offset
    rtl = glyph_item.item.analysis.level % 2
    pieces = []
    for first, size, start, end in clusters_of(glyph_item):
        text = text_bytes[offset + start : offset + end].decode(errors="replace")
        ids = [glyphs[i].glyph for i in range(first, first + size)]
        real = [
            glyph
            for glyph in (reversed(ids) if rtl else ids)
            if glyph != pango.PANGO_GLYPH_EMPTY and not glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG
        ]
        for position, glyph in enumerate(real):
            if glyph not in font.to_unicode:
                font.to_unicode[glyph] = text if position == 0 else ""
        exact = len(ids) == 1 and len(real) == 1 and font.to_unicode[real[0]] == text
        spanned = not exact and real and text.strip() and not font.bitmap
        pieces.append((first, size, text if spanned else None))
    return pieces


def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
    """Draw the given ``textbox`` line to the document ``stream``.

    WeasyPrint 70.0's `weasyprint.draw.text.draw_first_line` with exact text (see the
    module docstring); everything but the marked "#2841" parts is upstream's code."""
    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return []

    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return []

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if text_overflow == "ellipsis" or block_ellipsis != "none":
        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(textbox.pango_layout.layout, int(max_width * TO_UNITS))
        if text_overflow == "ellipsis":
            pango.pango_layout_set_ellipsize(textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == "auto":
                ellipsis = "…"
            else:
                assert block_ellipsis[0] == "string"
                ellipsis = block_ellipsis[1]

            # Remove last word if hyphenated.
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style["hyphenate_character"]):
                last_word_end = get_last_word_end(
                    new_text[: -len(textbox.style["hyphenate_character"])], textbox.style["lang"]
                )
                if last_word_end:
                    new_text = new_text[:last_word_end]

            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != "none":
        while index:
            last_word_end = get_last_word_end(
                textbox.pango_layout.text[: -len(ellipsis)], textbox.style["lang"]
            )
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    x_advance = 0
    emojis = []
    # #2841: the layout's text, once (every cluster's text is a slice of it).
    utf8_text = textbox.pango_layout.text.encode()
    run = first_line.runs[0]
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            # Add font file content and get font size.
            previous_pango_font = pango_font
            font, font_size = stream.add_font(pango_font)

            # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
            # This is also needed by raster emoji fonts, see #2800.
            if pango.pango_version() < 14802 or font.png:
                font_size = textbox.style["font_size"]

            # Go through the run glyphs.
            if string:
                stream.show_text(string)
            string = ""
            stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
        string += "<"
        for first, size, text in pieces_of(glyph_item, font, utf8_text):
            # #2841: a word whose glyphs do not read back as its text is drawn inside an
            # ActualText span holding its text.
            if text is not None:
                string = _flush(stream, string)
                stream.begin_marked_content(
                    "Span", pydyf.Dictionary({"ActualText": _Utf16String(text)})
                )
                string = "<"
            for i in range(first, first + size):
                glyph_info = glyphs_info[i]
                glyph_id = glyph_info.glyph
                width = glyph_info.geometry.width

                # Display zero-width empty glyph.
                if glyph_id == pango.PANGO_GLYPH_EMPTY:
                    string += f">{-width / font_size}<"
                    continue

                # Display .notdef and log warning for missing glyphs.
                if glyph_id & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
                    weasyprint_text.LOGGER.warning(
                        ".notdef glyph rendered for Unicode string unsupported by fonts: "
                        '"%s" (U+%04X)',
                        chr(codepoint),
                        codepoint,
                    )
                    glyph_id = font.get_unused_glyph_id(codepoint)
                    font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                    if 0 not in font.widths:
                        font.widths[0] = font.widths[glyph_id]
                    font.to_unicode.setdefault(glyph_id, chr(codepoint))

                # Set horizontal and vertical offsets.
                offset = glyph_info.geometry.x_offset / font_size
                rise = glyph_info.geometry.y_offset / 1000
                if rise:
                    if string[-1] == "<":
                        string = string[:-1]
                    else:
                        string += ">"
                    if string:
                        stream.show_text(string)
                    stream.set_text_rise(-rise)
                    string = ""
                    if offset:
                        string = f"{-offset}"
                    string += f"<{glyph_id:02x}>" if font.bitmap else f"<{glyph_id:04x}>"
                    stream.show_text(string)
                    stream.set_text_rise(0)
                    string = "<"
                else:
                    if offset:
                        string += f">{-offset}<"
                    string += f"{glyph_id:02x}" if font.bitmap else f"{glyph_id:04x}"

                # Get glyph logical widths.
                if glyph_id in font.widths:
                    logical_width = font.widths[glyph_id]
                else:
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                    )
                    logical_width = font.widths[glyph_id] = round(
                        stream.logical_rect.width * 1000 * FROM_UNITS / font_size
                    )

                # Set kerning, word spacing, letter spacing.
                kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
                if kerning:
                    string += f">{int(kerning)}<"

                if font.svg or font.png or font.colr:  # upstream tests these inline too
                    emojis.extend(
                        _emojis(
                            stream,
                            textbox,
                            font,
                            font_size,
                            pango_font,
                            glyph_id,
                            logical_width,
                            x_advance,
                            kerning,
                        )
                    )
                x_advance += (logical_width + offset - kerning) / 1000
            if text is not None:
                string = _flush(stream, string)
                stream.end_marked_content()
                string = "<"

        # Close the last glyphs list, remove if empty.
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"

    # Draw text.
    stream.show_text(string)

    return emojis


def _flush(stream, string: str) -> str:
    """Show the glyphs gathered in `string` (an open `<…` list), leaving it empty."""
    if string.endswith("<"):
        string = string[:-1]
    elif string:
        string += ">"
    if string:
        stream.show_text(string)
    return ""


def _emojis(
    stream,
    textbox,
    font,
    font_size,
    pango_font,
    glyph_id,
    logical_width,
    x_advance,
    kerning,
):
    """Upstream's emoji handling of one glyph (SVG, PNG and COLR fonts), unchanged."""
    from io import BytesIO

    from PIL import Image
    from weasyprint.images import RasterImage

    found = []
    if font.svg:
        svg_data = get_hb_object_data(font.hb_face, "svg", glyph_id)
        if svg_data:
            tree = ElementTree.fromstring(svg_data)
            if tree.get("id") != f"glyph{glyph_id}":
                defs = ElementTree.Element("defs")
                for child in list(tree):
                    defs.append(child)
                    tree.remove(child)
                tree.append(defs)
                ElementTree.SubElement(tree, "use", attrib={"href": f"#glyph{glyph_id}"})
            if "viewBox" not in tree.attrib:
                tree.attrib["viewBox"] = f"0 0 {font.upem} {font.upem}"
            image = SVGImage(tree, None, None, None)
            found.append([image, font, 1, 1, x_advance, 0])
    elif font.png:
        png_data = get_hb_object_data(font.hb_font, "png", glyph_id)
        if png_data:
            pillow_image = Image.open(BytesIO(png_data))
            image_id = f"{font.hash}{glyph_id}"
            image = RasterImage(pillow_image, image_id, png_data)
            d = logical_width / 1000
            a = pillow_image.width / pillow_image.height * d
            pango.pango_font_get_glyph_extents(
                pango_font, glyph_id, stream.ink_rect, stream.logical_rect
            )
            f = -stream.logical_rect.y
            f = f * FROM_UNITS / font_size - font_size
            found.append([image, font, a, d, x_advance, f])
    elif font.colr:
        svg_data = get_hb_object_data(font.hb_font, "colr", glyph_id)
        if svg_data:
            tree = ElementTree.fromstring(svg_data)
            image = SVGImage(tree, None, None, None)
            found.append([image, font, 1, 1, x_advance - kerning, -textbox.baseline])
    return found


# WeasyPrint's own function, kept for comparison (bench/plan_pdf.py times raw WeasyPrint).
UPSTREAM_DRAW_FIRST_LINE = weasyprint_text.draw_first_line


def install() -> None:
    """Draw text with `draw_first_line` above (idempotent). Raises RuntimeError on a
    WeasyPrint other than PATCHED_VERSION: check #2841 upstream, then update or drop this
    module."""
    if weasyprint.__version__ != PATCHED_VERSION:
        raise RuntimeError(
            f"core/pdf_text.py patches WeasyPrint {PATCHED_VERSION} for {UPSTREAM_ISSUE}; "
            f"WeasyPrint {weasyprint.__version__} is installed. Check whether the issue is "
            "fixed upstream, then update or remove the patch."
        )
    # `draw_text` (and SVG text) look the function up in this module when they draw.
    weasyprint_text.draw_first_line = draw_first_line
