from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Prefetch, QuerySet, Sum
from django.utils import timezone

from safegrid.core.scope import grants_for
from safegrid.core.selectors import scoped_get

from .models import RoleAssignment, User
from .roles import Cap


def user_list(*, actor, capability: str | None = Cap.VIEW_USER) -> QuerySet[User]:
    assignments = RoleAssignment.objects.select_related("region", "site").prefetch_related("sectors")
    return (
        User.objects.visible_to(actor, capability)
        .select_related("organisation")
        .prefetch_related(Prefetch("role_assignments", queryset=assignments))
    )


def user_get(*, actor, pk, capability: str | None = Cap.VIEW_USER) -> User:
    return scoped_get(user_list(actor=actor, capability=capability), pk)


def role_assignment_get(*, actor, pk) -> RoleAssignment:
    return scoped_get(RoleAssignment.objects.visible_to(actor, Cap.MANAGE_USER).select_related("user"), pk)


def username_taken(username: str) -> bool:
    """Whether an account already holds this name once folded (A1); any account, in scope or not,
    since names are unique across the whole system."""
    return User.objects.filter(username=User.normalize_username(username or "")).exists()


# --- lockouts (django-axes) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    """A username or a client address locked after too many failed sign-ins."""

    kind: str  # "username" or "ip"
    value: str
    failures: int
    last_attempt: datetime.datetime
    until: datetime.datetime


def lockout_list(*, actor) -> list[Lockout]:
    """Current lockouts the actor may see and release: only a holder of MANAGE_USER (the security
    administrator). A username lock is shown when the account is in the actor's scope or no such
    account exists (a guessed name); a client-address lock belongs to no account and is shown to
    every security administrator."""
    from axes.models import AccessAttempt

    if not grants_for(actor, Cap.MANAGE_USER):
        return []
    limit = settings.AXES_FAILURE_LIMIT
    cooloff = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
    locks: list[Lockout] = []
    for kind, field in (("username", "username"), ("ip", "ip_address")):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
            .order_by(field)
        )
        for row in rows:
            locks.append(Lockout(kind, row[field], row["failures"], row["last"], row["last"] + cooloff))
    names = [lock.value for lock in locks if lock.kind == "username"]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    visible = set(
        user_list(actor=actor, capability=Cap.MANAGE_USER)
        .filter(username__in=names)
        .values_list("username", flat=True)
    )
    return [
        lock for lock in locks if lock.kind == "ip" or lock.value in visible or lock.value not in existing
    ]


# --- two-factor devices ---------------------------------------------------------------------------


def otp_confirmed_device(*, actor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=actor, confirmed=True).order_by("id").first()


def otp_pending_device(*, actor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("-id").first()
