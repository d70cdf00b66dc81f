"""How the model says no, the one way: `Refused` (a rule says not this, or the input is wrong), carrying a
message per form field, and `NotFound` (not there, or someone else's). views/errors.py maps them to HTTP."""

CONFLICT = "conflict"  # a rule refuses it now (a device's spacing, a finished session): 409
INVALID = "invalid"  # what was sent cannot be used (a field out of range): 422
TOO_LARGE = "too_large"  # an upload over a size or quota limit: 413
NO_SPACE = "no_space"  # the server could not store it (its disk is full); nothing was kept: 503, Retry-After


class Refused(Exception):
    """The model refuses; `problems` maps a form field ('' for the whole request) to why, in plain words."""

    def __init__(self, message: str = "", field: str = "", *, kind: str = CONFLICT, problems: dict | None = None):
        self.problems: dict[str, str] = dict(problems) if problems else {field: message}
        self.kind = kind
        super().__init__(message or " ".join(self.problems.values()))

    @property
    def field(self) -> str:
        """The first field refused ('' for the whole request)."""
        return next(iter(self.problems))


def refuse_if(problems: dict, kind: str = INVALID) -> None:
    """Raise Refused with these problems, if there are any (a form read field by field)."""
    if problems:
        raise Refused(problems=problems, kind=kind)


class NotFound(Exception):
    """What was asked for is not there, or is not this user's: it is answered exactly as a missing page."""
