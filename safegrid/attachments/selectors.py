"""Scoped reads for attachments: visible to whoever may view the owner (hazard, inspection or
publicity activity)."""

from __future__ import annotations

from django.db.models import QuerySet

from safegrid.core.selectors import scoped_get
from safegrid.hazards.models import HazardEvent
from safegrid.hazards.selectors import hazard_list

from .models import Attachment


def attachment_list(*, actor) -> QuerySet[Attachment]:
    return Attachment.objects.visible_to(actor).select_related(
        "hazard", "inspection", "activity", "uploaded_by"
    )


def attachment_get(*, actor, pk) -> Attachment:
    """One attachment; NotInScope (→ 404) for a missing, malformed or out-of-scope id alike."""
    return scoped_get(attachment_list(actor=actor), pk)


def hazard_event_choices(*, actor) -> QuerySet[HazardEvent]:
    """Timeline steps an attachment may be tied to: those of the hazards the actor may view."""
    return HazardEvent.objects.filter(hazard__in=hazard_list(actor=actor).values("pk"))
