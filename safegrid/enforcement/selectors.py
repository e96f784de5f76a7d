"""Scoped reads for enforcement documents and penalties."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from safegrid.accounts.roles import Cap
from safegrid.core.selectors import scoped_get
from safegrid.hazards.models import Hazard
from safegrid.orgs.models import Organisation

from .choices import NON_ISSUING_KINDS, DocumentStatus, DocumentType
from .models import EnforcementDocument, Penalty


def document_list(*, actor, capability: str | None = Cap.VIEW_ENFORCEMENT) -> QuerySet[EnforcementDocument]:
    return (
        EnforcementDocument.objects.visible_to(actor, capability)
        .select_related("site", "organisation", "issued_by", "corrects")
        .prefetch_related(Prefetch("hazards", queryset=Hazard.objects.only("id", "number", "site_id")))
        .order_by("-created_at", "-id")
    )


def document_get(*, actor, pk, capability: str | None = Cap.VIEW_ENFORCEMENT) -> EnforcementDocument:
    """One document with its hazards, the corrections of it and its penalties that the actor may
    see (a site's staff do not see the regulator's draft corrections)."""
    queryset = document_list(actor=actor, capability=capability).prefetch_related(
        Prefetch(
            "corrections",
            queryset=EnforcementDocument.objects.visible_to(actor, Cap.VIEW_ENFORCEMENT).order_by("id"),
        ),
        Prefetch("penalties", queryset=Penalty.objects.visible_to(actor, Cap.VIEW_ENFORCEMENT)),
    )
    return scoped_get(queryset.select_related("created_by", "inspection"), pk)


def issuer_choices(*, actor) -> QuerySet[Organisation]:
    """Enforcement bodies the actor may issue documents in the name of."""
    return (
        Organisation.objects.visible_to(actor, Cap.ISSUE_ENFORCEMENT)
        .filter(is_active=True)
        .exclude(kind__in=sorted(NON_ISSUING_KINDS))
        .order_by("region_path", "name")
    )


def decision_choices(*, actor) -> QuerySet[EnforcementDocument]:
    """Issued 行政处罚决定书 that the actor may record penalties against."""
    return (
        EnforcementDocument.objects.visible_to(actor, Cap.ISSUE_ENFORCEMENT)
        .filter(doc_type=DocumentType.PENALTY_DECISION, status=DocumentStatus.ISSUED)
        .select_related("site")
        .order_by("-issued_on", "-id")
    )


def penalty_list(*, actor, capability: str | None = Cap.VIEW_ENFORCEMENT) -> QuerySet[Penalty]:
    return (
        Penalty.objects.visible_to(actor, capability)
        .select_related("site", "decision")
        .prefetch_related(Prefetch("hazards", queryset=Hazard.objects.only("id", "number", "site_id")))
        .order_by("-decided_on", "-id")
    )


def penalty_get(*, actor, pk, capability: str | None = Cap.VIEW_ENFORCEMENT) -> Penalty:
    return scoped_get(penalty_list(actor=actor, capability=capability).select_related("recorded_by"), pk)
