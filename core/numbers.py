"""Whole numbers read from a query string, a form's hidden field or a URL.

One parser for every view: `str.isdigit()` accepts '²' and '٣' (which `int()` or the
database then refuse with a 500), and `int()` accepts any length, which overflows a
database integer. Anything that is not plain ASCII digits within range is None, and the
view ignores it or answers 404.
"""

# The largest value of a signed 32-bit integer column (an `id`, a `number`).
MAX_INT = 2**31 - 1


def query_int(value, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """`value` as a whole number in [minimum, maximum], or None for anything else."""
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    # Longer than the maximum's digits (leading zeros aside) is out of range: checked on
    # the text, so a million-digit parameter costs no big-integer conversion.
    if len(value.lstrip("0")) > len(str(maximum)):
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None
