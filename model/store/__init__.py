"""All SQL lives in this package, one module per noun. Functions take `db` first and return
dataclasses or plain values; writes that read then write run in one BEGIN IMMEDIATE transaction."""

from model.store.devices import *  # noqa: F403
from model.store.enrollments import *  # noqa: F403
from model.store.exports import *  # noqa: F403
from model.store.logins import *  # noqa: F403
from model.store.passkeys import *  # noqa: F403
from model.store.progress import *  # noqa: F403
from model.store.recovery import *  # noqa: F403
from model.store.routines import *  # noqa: F403
from model.store.security_log import *  # noqa: F403
from model.store.sessions import *  # noqa: F403
from model.store.users import *  # noqa: F403
