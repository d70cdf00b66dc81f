"""An export file's shape: parsed with pydantic against the schema; a refusal names the field and why."""

from pydantic import ValidationError
from pydantic_core import from_json

from model.refusals import TOO_LARGE
from model.transfer.format import (
    FORMAT,
    MAX_IMPORT_BYTES,
    READABLE,
    TOO_LARGE_FILE,
    ImportRefused,
)
from model.transfer.schema import (
    PATTERN_WORDS,
    SCHEMA,
)


class Unreadable(Exception):
    """A value in an export file that cannot be used; the message says where and why."""

    def __init__(self, where, why):
        super().__init__(f"{where}: {why}")


def _where(loc) -> str:
    """('sessions', 3, 'day') → 'sessions[3].day'."""
    text = ""
    for part in loc:
        if part == "[key]":
            text += " (a key)"
        elif isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "the file"


def shown(value) -> str:
    """A value as a refusal quotes it: its repr, cut short past 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "an object",
    "none_required": "null",
    "int_from_float": "a whole number",
    "float_type": "a number",
}


def _why(error) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "missing":
        return "is missing"
    if kind == "extra_forbidden":
        return "is not a field of a FaceReps export"
    if kind == "string_pattern_mismatch":
        return f"{shown(value)} is not {PATTERN_WORDS.get(str(ctx.get('pattern')), 'in the expected form')}"
    if kind in TYPE_WORDS:
        return f"{shown(value)} is not {TYPE_WORDS[kind]}"
    if kind == "greater_than_equal":
        return f"{shown(value)} is less than {ctx['ge']}"
    if kind == "less_than_equal":
        return f"{shown(value)} is more than {ctx['le']}"
    if kind == "string_too_short":
        return "is empty" if not ctx.get("min_length", 1) > 1 else f"is shorter than {ctx['min_length']} characters"
    if kind == "string_too_long":
        return f"is longer than {ctx['max_length']} characters"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} item{'s' if ctx['min_length'] != 1 else ''}"
    if kind == "too_long":
        return f"has more than {ctx['max_length']} items"
    if kind == "literal_error":
        return f"{shown(value)} is not one of {ctx['expected']}"
    if kind == "json_invalid":
        return f"is not JSON text ({ctx.get('error', 'unreadable')})"
    if kind == "json_type":
        return "is not JSON text"
    return error["msg"]


def read_shape(raw: bytes) -> tuple:
    """(the file's data as written, the same checked by the schema with its JSON text columns read);
    v1 files get the tables they did not have."""
    if not raw:
        raise ImportRefused("Choose the JSON file you exported from FaceReps.")
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRefused(TOO_LARGE_FILE, TOO_LARGE)
    try:
        # pydantic's Rust parser: no recursion in Python, and more than 200 levels of nesting is an error;
        # the schema then allows only the format's own 3 (file, table, row), and 3 inside a JSON text column.
        data = from_json(raw, allow_inf_nan=False)
    except ValueError as error:
        deep = "recursion limit" in str(error)
        raise ImportRefused(
            "That file is not a FaceReps export (it is nested too deeply)."
            if deep
            else "That file is not a FaceReps export (it is not valid JSON)."
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused("That file is not a FaceReps export.")
    if data.get("version") not in READABLE:
        raise ImportRefused("That export comes from a FaceReps version this one cannot read.")
    data.setdefault("tool_changes", [])  # files exported before tool changes were kept
    data.setdefault("routine_reminders", [])  # files exported before push reminders
    if data["version"] == 1:  # before own routines: none to import, sessions ran catalog routines
        for table in ("routines", "routine_versions", "plans"):
            data.setdefault(table, [])
        for row in data.get("sessions") or []:
            if isinstance(row, dict):
                row.setdefault("routine_version", None)
    try:
        checked = SCHEMA.validate_python(data)
    except ValidationError as error:
        problems = error.errors(include_url=False)
        more = len(problems) - 1
        also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ImportRefused(
            f"That export is incomplete or damaged: {_where(problems[0]['loc'])}: "
            f"{_why(problems[0])}{also}; nothing was imported."
        ) from error
    return data, checked
