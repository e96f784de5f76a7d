"""Sign-in policy predicates (SECURITY.md A3, A6, S1): which accounts need a second factor, when a
password has expired, when a session has run out. Read by the middleware, the token API and the views."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from .roles import ADMIN_ROLES, SUPERVISOR_ROLES, Role

# Two-factor sign-in (A6): the roles anchored at county level (they see and act on a whole county),
# the supervisor above the county (it reads every county of a city or province) and the three
# administrators. services.ROLE_REGION_KINDS anchors exactly these three business roles at the
# county alone and the supervisor above it (a test keeps the two in step).
COUNTY_ROLES = frozenset({Role.COUNTY_LEADER, Role.COUNTY_OFFICE, Role.SECTOR_OFFICER})
PRIVILEGED_ROLES = COUNTY_ROLES | SUPERVISOR_ROLES | ADMIN_ROLES

# Session keys (S1): when the user signed in and when they were last seen, as POSIX seconds.
SESSION_LOGIN_AT = "_safegrid_login_at"
SESSION_SEEN_AT = "_safegrid_seen_at"
# Last-seen is rewritten at most this often (a session save per request would be a write per page).
SEEN_WRITE_INTERVAL = 60


def is_privileged(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.roles & PRIVILEGED_ROLES)


def two_factor_required(user) -> bool:
    return bool(settings.SAFEGRID_REQUIRE_2FA) and is_privileged(user)


def password_expires_at(user) -> datetime.datetime | None:
    days = settings.SAFEGRID_PASSWORD_MAX_AGE_DAYS
    if days <= 0 or user.password_changed_at is None:
        return None
    return user.password_changed_at + datetime.timedelta(days=days)


def password_expired(user) -> bool:
    expires = password_expires_at(user)
    return expires is not None and timezone.now() >= expires


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SAFEGRID_SESSION_IDLE_MINUTES)


def absolute_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.SAFEGRID_SESSION_ABSOLUTE_HOURS)


def session_expiry_reason(session, now: float) -> str | None:
    """'idle' or 'absolute' when the signed-in session has run out, else None."""
    login_at = session.get(SESSION_LOGIN_AT)
    seen_at = session.get(SESSION_SEEN_AT)
    if login_at is not None and now - login_at >= absolute_limit().total_seconds():
        return "absolute"
    if seen_at is not None and now - seen_at >= idle_limit().total_seconds():
        return "idle"
    return None
