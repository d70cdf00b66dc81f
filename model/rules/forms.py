"""Reading what people type into forms: the one parser for whole numbers."""

MAX_DIGITS = 9  # more than any field allows; int() of thousands of digits is slow, then refused (ValueError)


def whole_number(raw: object) -> int | None:
    """`raw` as a whole number, or None when it is not one: ASCII digits with an optional minus sign
    (int() also takes other scripts' digits such as '٣', underscores and surrounding spaces)."""
    text = str(raw if raw is not None else "").strip()
    digits = text.removeprefix("-")
    if not digits or len(digits) > MAX_DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return int(text)
