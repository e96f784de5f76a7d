"""Per-request context (IP, request id, user agent) for audit records.

Services do not take the request object (STYLE.md): the middleware puts what the audit trail needs
into a context variable, and `audit_record` reads it. Outside a request (commands, jobs) the values
are empty and the command names itself as the device.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""
    user_agent: str = ""


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "safegrid_request_context", default=None
)


def current() -> RequestContext:
    return _current.get() or _EMPTY


def set_current(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)
