"""Emergency plans, drill-plan entries and drill records in the scope contract (merged by
registry.py). Oracles are written from the domain rule — the people rule for placed rows
(DESIGN.md §4) — by walking the region tree (`placed_visible`), never from the scope code:

- a row belongs to its owner: a site (its grid, its sector, itself) or an organisation (its region,
  its sector, no site);
- enterprise staff see their own site's rows; officers their subtree; a sector officer only rows
  of its sectors, so an organisation-owned row without a sector (the county office's, a
  township's) is not a sector officer's — the same rule as people's;
- reading and writing follow the same rule; grid workers, experts and the leader only read.
"""

from __future__ import annotations

from safegrid.emergency.models import DrillPlanEntry, DrillRecord, EmergencyPlan
from safegrid.emergency.tests.world import seed_emergency

from .base import Anchor, Resource, ancestors_or_self, in_subtree, placed_visible

_READERS = {
    "leader",
    "office",
    "sector_mining",
    "township1",
    "township2",
    "grid11",
    "enterprise11",
    "expert",
    "office_b",
}
_KEEPERS = {"office", "sector_mining", "township1", "township2", "enterprise11", "office_b"}


def owned_visible(obj, a: Anchor, write: bool = False) -> bool:
    if obj.site is not None:
        return placed_visible(obj.site.grid, obj.site.sector, obj.site, a)
    org = obj.organisation
    return placed_visible(org.region, org.sector, None, a)


def plan_visible(obj, a: Anchor, write: bool = False) -> bool:
    """Plans: as owned rows, and reading also the plans of the bodies above the anchor and (sector
    officers) those without a sector. Enterprise staff read their own site's plans only."""
    if write or a.site is not None or obj.site is not None:
        return owned_visible(obj, a, write)
    org = obj.organisation
    if not (in_subtree(org.region, a.region) or org.region in ancestors_or_self(a.region)):
        return False
    return a.sectors is None or org.sector is None or org.sector in a.sectors


_RELATED = ("site__grid", "site__sector", "organisation__region", "organisation__sector")

RESOURCES = [
    Resource(
        "emergency_plan",
        EmergencyPlan,
        lambda w: seed_emergency(w) and list(EmergencyPlan.objects.select_related(*_RELATED)),
        plan_visible,
        "emergency:plan_list",
        "emergency:plan_detail",
        "emergency:plan_edit",
        "emergency:plan_create",
        "emergency-plan",
        search=lambda obj: obj.title,
    ),
    Resource(
        "drill_plan_entry",
        DrillPlanEntry,
        lambda w: seed_emergency(w) and list(DrillPlanEntry.objects.select_related(*_RELATED)),
        owned_visible,
        "emergency:drill_plan_list",
        "emergency:drill_plan_detail",
        "emergency:drill_plan_edit",
        "emergency:drill_plan_create",
        "drill-plan",
        search=lambda obj: obj.theme,
    ),
    Resource(
        "drill_record",
        DrillRecord,
        lambda w: seed_emergency(w) and list(DrillRecord.objects.select_related(*_RELATED)),
        owned_visible,
        "emergency:drill_list",
        "emergency:drill_detail",
        "emergency:drill_edit",
        "emergency:drill_create",
        "drill",
        search=lambda obj: obj.title,
    ),
]

VIEWERS = {key: set(_READERS) for key in ("emergency_plan", "drill_plan_entry", "drill_record")}
MANAGERS = {key: set(_KEEPERS) for key in ("emergency_plan", "drill_plan_entry", "drill_record")}
CREATORS = {key: set(_KEEPERS) for key in ("emergency_plan", "drill_plan_entry", "drill_record")}

_PLAN_STEP = (
    "step form of one plan, scoped like emergency:plan_edit (MANAGE_EMERGENCY: 404 outside, 403 "
    "without it); checked in safegrid/emergency/tests/test_views.py"
)
_PLAN_API_STEP = (
    "step of one plan, scoped like emergency-plan PATCH (404 outside, 403 without MANAGE_EMERGENCY); "
    "checked in safegrid/emergency/tests/test_api.py"
)
_PROBLEM_PAGE = (
    "form on one problem of a drill, scoped like emergency:drill_edit (404 outside, 403 without "
    "MANAGE_EMERGENCY); checked in safegrid/emergency/tests/test_views.py"
)
_PROBLEM_API = (
    "action on one problem of a drill, scoped like drill PATCH; checked in "
    "safegrid/emergency/tests/test_api.py"
)

NON_RESOURCE_ROUTES = {
    "emergency:plan_review": _PLAN_STEP,
    "emergency:plan_file": _PLAN_STEP,
    "emergency:plan_evaluate": _PLAN_STEP,
    "emergency:plan_revise": _PLAN_STEP,
    "emergency:problem_hazard": _PROBLEM_PAGE,
    "emergency:problem_revision": _PROBLEM_PAGE,
    "emergency:compliance": "drill-frequency table over the actor's VIEW_EMERGENCY scope (plans, "
    "sites, organisations under the placed rule); per-role units checked in "
    "safegrid/emergency/tests/test_selectors.py",
    "api:emergency-plan-review": _PLAN_API_STEP,
    "api:emergency-plan-file": _PLAN_API_STEP,
    "api:emergency-plan-evaluate": _PLAN_API_STEP,
    "api:emergency-plan-revise": _PLAN_API_STEP,
    "api:drill-problem-hazard": _PROBLEM_API,
    "api:drill-problem-revision": _PROBLEM_API,
    "api:drill-compliance": "same rows as emergency:compliance; checked in "
    "safegrid/emergency/tests/test_api.py",
}
