from __future__ import annotations

from django.db.models import Prefetch, QuerySet

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
