"""Who may take which step on a hazard: state (the transition table), capability, handling level
and scope, in one place. `available_transitions` drives both the page buttons and the API."""

from __future__ import annotations

from safegrid.accounts.roles import ROLE_HANDLING_LEVEL, Cap
from safegrid.core.scope import Grant

from .choices import ACTOR_KIND, TRANSITIONS, HandlingLevel, HazardAction
from .models import Hazard


def _covers(grant: Grant, hazard: Hazard) -> bool:
    if grant.site_id is not None:
        return grant.site_id == hazard.site_id
    if not hazard.region_path.startswith(grant.path):
        return False
    return grant.sector_ids is None or hazard.sector_id in grant.sector_ids


def handles_level(actor, hazard: Hazard) -> bool:
    """The actor holds, over this hazard, a role that handles the hazard's current level."""
    return any(
        Cap.HANDLE_HAZARD in g.capabilities
        and ROLE_HANDLING_LEVEL.get(g.role) == hazard.level
        and _covers(g, hazard)
        for g in actor.grants
    )


def is_responsible_unit(actor, hazard: Hazard) -> bool:
    return any(Cap.RECTIFY_HAZARD in g.capabilities and g.site_id == hazard.site_id for g in actor.grants)


def may_verify(actor, hazard: Hazard) -> bool:
    if handles_level(actor, hazard):
        return True
    # At the territorial level the grid worker re-checks the hazards of the grid (网格员复查).
    return hazard.level == HandlingLevel.TERRITORIAL and any(
        Cap.VERIFY_HAZARD in g.capabilities and g.site_id is None and _covers(g, hazard) for g in actor.grants
    )


def actor_may(actor, hazard: Hazard, action: str) -> bool:
    kind = ACTOR_KIND[action]
    if kind == "level":
        return handles_level(actor, hazard)
    if kind == "unit":
        return is_responsible_unit(actor, hazard) or handles_level(actor, hazard)
    if kind == "verifier":
        return may_verify(actor, hazard)
    return False  # pragma: no cover - every action has a kind


def state_allows(hazard: Hazard, action: str) -> bool:
    froms, _to = TRANSITIONS[action]
    if hazard.status not in froms:
        return False
    return not (action == HazardAction.ESCALATE and hazard.level >= HandlingLevel.COUNTY_COMMITTEE)


def available_transitions(actor, hazard: Hazard) -> list[str]:
    """Actions this actor can take on this hazard now, in table order."""
    return [a for a in TRANSITIONS if state_allows(hazard, a) and actor_may(actor, hazard, a)]


def initial_level(actor, *, major: bool) -> int:
    """Where a newly reported hazard is handled: the reporter's own handling level if it has one
    (a sector officer's finding is handled by the sector), at least sector level for a major one."""
    levels = [
        ROLE_HANDLING_LEVEL[g.role]
        for g in actor.grants
        if g.role in ROLE_HANDLING_LEVEL and Cap.HANDLE_HAZARD in g.capabilities
    ]
    level = min(levels) if levels else HandlingLevel.TERRITORIAL
    return max(level, HandlingLevel.SECTOR) if major else level
