from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from .exceptions import NotInScope
from .models import AuditEntry
from .scope import grants_for

M = TypeVar("M", bound=Model)


def scoped_get(queryset: QuerySet[M], pk) -> M:
    """One object from an already scoped queryset; missing, malformed id and out of scope all raise
    the same NotInScope (→ 404)."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError, OverflowError) as exc:
        raise NotInScope("未找到。") from exc


def audit_entry_list(*, actor, capability: str = "core.view_audit") -> QuerySet[AuditEntry]:
    """The audit trail, for the audit administrator only (every other actor gets nothing)."""
    if not grants_for(actor, capability):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor")
