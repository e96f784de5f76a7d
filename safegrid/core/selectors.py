from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from .audit import note_scope_denial
from .exceptions import NotInScope
from .models import AuditEntry
from .scope import grants_for

M = TypeVar("M", bound=Model)


def scoped_get(queryset: QuerySet[M], pk, *, record_denial: bool = True) -> M:
    """One object from an already scoped queryset; missing, malformed id and out of scope all raise
    the same NotInScope (→ 404). A well-formed id not found is noted for the audit trail: if the
    request ends in 404 and the row exists, one "scope.denied" record (core.audit, SECURITY.md L1).
    `record_denial=False` where the queryset is narrowed by something other than the actor's scope
    (the children of a parent already fetched in scope): "not one of these" is no scope denial."""
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist as exc:
        if record_denial:
            note_scope_denial(queryset.model, pk)
        raise NotInScope("未找到。") from exc
    except (ValueError, TypeError, ValidationError, OverflowError) as exc:
        raise NotInScope("未找到。") from exc


def audit_entry_list(*, actor, capability: str = "core.view_audit") -> QuerySet[AuditEntry]:
    """The audit trail, for the audit administrator only (every other actor gets nothing)."""
    if not grants_for(actor, capability):
        return AuditEntry.objects.none()
    return AuditEntry.objects.select_related("actor")
