"""Dispatch (调度) resources for the scope contract, merged by registry.py: meetings and action items,
who may read and write them, and an oracle written from the domain rules by walking `parent` links.

Meetings live at the county: the county committee's and office's with no sector, a sector
committee's with its sector. They are read in the county and everywhere below it (a township
officer reads its county's meetings) and above it; a sector officer reads the county bodies'
meetings and its own committees'. They are written only at or above the county, and a sector
officer writes only its own committees' rows. Action items follow their meeting."""

from __future__ import annotations

from safegrid.dispatch.models import ActionItem, Meeting
from safegrid.dispatch.tests.world import seed_dispatch

from .base import Anchor, Resource, ancestors_or_self, in_subtree, placed_visible  # noqa: F401

# The county committee, its office and the sector committees meet (leader, office, sector officer);
# township officers read. Grid workers, enterprise staff, experts and administrators take no part.
_READERS = {"leader", "office", "sector_mining", "township1", "township2", "office_b"}
_KEEPERS = {"leader", "office", "sector_mining", "office_b"}

VIEWERS = {"meeting": _READERS, "action_item": _READERS}
MANAGERS = {"meeting": _KEEPERS, "action_item": _KEEPERS}
CREATORS = {"meeting": _KEEPERS, "action_item": _KEEPERS}


def meeting_visible(obj: Meeting, a: Anchor, write: bool = False) -> bool:
    if a.site is not None:
        return False
    below = in_subtree(obj.region, a.region)
    above = obj.region in ancestors_or_self(a.region)
    if not (below or (above and not write)):
        return False
    if a.sectors is None:
        return True
    if obj.sector is None:
        return not write  # the county bodies' meetings are read, never written, by a sector officer
    return obj.sector in a.sectors


def action_item_visible(obj: ActionItem, a: Anchor, write: bool = False) -> bool:
    return meeting_visible(obj.meeting, a, write)


RESOURCES = [
    Resource(
        "meeting",
        Meeting,
        lambda w: seed_dispatch(w) and list(Meeting.objects.select_related("region", "sector")),
        meeting_visible,
        "dispatch:meeting_list",
        "dispatch:meeting_detail",
        "dispatch:meeting_edit",
        "dispatch:meeting_create",
        "meeting",
        search=lambda obj: obj.title,
    ),
    Resource(
        "action_item",
        ActionItem,
        lambda w: (
            seed_dispatch(w) and list(ActionItem.objects.select_related("meeting__region", "meeting__sector"))
        ),
        action_item_visible,
        "dispatch:action_item_list",
        "dispatch:action_item_detail",
        None,
        "dispatch:action_item_create",
        "action-item",
        search=lambda obj: obj.resolution,
    ),
]

_TESTS = "safegrid/dispatch/tests"
NON_RESOURCE_ROUTES = {
    "dispatch:agenda_item_add": "form of one meeting, scoped like dispatch:meeting_edit (MANAGE_MEETING: 404 "
    f"outside, 403 without it); checked in {_TESTS}/test_views.py",
    "dispatch:agenda_item_decide": "decision form of one agenda item, scoped through its meeting like "
    f"dispatch:meeting_edit; level refusals checked in {_TESTS}/test_views.py and test_services.py",
    "dispatch:action_item_complete": "form of one action item, scoped by MANAGE_MEETING (404 outside, 403 "
    f"without it); checked in {_TESTS}/test_views.py",
    "dispatch:compliance": "cadence per body and period over the actor's VIEW_DISPATCH scope; bodies per "
    f"role checked against the oracle in {_TESTS}/test_views.py, periods in test_cadence.py",
    "api:meeting-agenda-items": "action of one meeting, scoped like meeting PATCH; checked in "
    f"{_TESTS}/test_api.py",
    "api:meeting-decide": "action of one meeting, scoped like meeting PATCH; checked in "
    f"{_TESTS}/test_api.py",
    "api:meeting-action-items": "action of one meeting, scoped like meeting PATCH; checked in "
    f"{_TESTS}/test_api.py",
    "api:meeting-compliance": "same rows as dispatch:compliance; per-role bodies checked in "
    f"{_TESTS}/test_api.py",
    "api:action-item-complete": "action of one action item, scoped by MANAGE_MEETING; checked in "
    f"{_TESTS}/test_api.py",
}
