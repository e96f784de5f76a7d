"""Support (基础保障) resources for the scope contract, merged by registry.py.

Policy, written down independently of the scope code (DESIGN.md §4 and the brief of issue 6):
- Funds, evaluations and leadership records are county or township rows: an officer reads its
  subtree only (a township officer its township's rows, not the county's); a sector officer only the
  rows of its sectors (a row without a sector is not a sector officer's). Written by the county
  office (funds, evaluations, leadership) in its own county.
- The expert pool is the county's: read in the county and below, kept by the county office and the
  county's sector officers; an expert login reads only its own entry.
- An engagement belongs to its site: read and written where the site is (subtree, sectors); the
  expert login sees exactly the engagements it took part in — and no funds, evaluations or records.

The expert rule depends on who the user is, not only on where it is anchored (the expert and the
leader are both anchored at the county): the oracles read the anchor's `user`."""

from __future__ import annotations

from safegrid.accounts.models import User
from safegrid.support.models import (
    Expert,
    ExpertEngagement,
    FundAllocation,
    LeadershipResponsibility,
    ResponsibilityEvaluation,
)
from safegrid.support.tests.world import seed_support

from .base import Anchor, Resource, ancestors_or_self, in_subtree, placed_visible

READERS = {"leader", "office", "sector_mining", "township1", "township2", "expert", "office_b"}
OFFICES = {"office", "office_b"}
EXPERT_KEEPERS = {"office", "sector_mining", "office_b"}

VIEWERS = {
    "fund_allocation": READERS,
    "expert": READERS,
    "expert_engagement": READERS,
    "evaluation": READERS,
    "leadership_responsibility": READERS,
}
MANAGERS = {
    "fund_allocation": OFFICES,
    "expert": EXPERT_KEEPERS,
    "expert_engagement": EXPERT_KEEPERS,
    "evaluation": OFFICES,
    "leadership_responsibility": OFFICES,
}
CREATORS = dict(MANAGERS)


def _is_expert(me: User | None) -> bool:
    return me is not None and me.role_assignments.filter(role="expert").exists()


def _region_row(region, sector, a: Anchor, me: User | None) -> bool:
    if _is_expert(me):
        return False
    return placed_visible(region, sector, None, a)


def fund_visible(obj: FundAllocation, a: Anchor, write: bool = False, *, me: User | None = None) -> bool:
    return _region_row(obj.region, obj.sector, a, me or a.user)


def evaluation_visible(obj: ResponsibilityEvaluation, a: Anchor, write: bool = False, *, me=None) -> bool:
    return _region_row(obj.unit.region, obj.unit.sector, a, me or a.user)


def leadership_visible(obj: LeadershipResponsibility, a: Anchor, write: bool = False, *, me=None) -> bool:
    return _region_row(obj.organisation.region, obj.organisation.sector, a, me or a.user)


def expert_visible(obj: Expert, a: Anchor, write: bool = False, *, me=None) -> bool:
    me = me or a.user
    if _is_expert(me):
        return obj.user == me and not write
    if a.site is not None:
        return False
    return in_subtree(obj.region, a.region) or (not write and obj.region in ancestors_or_self(a.region))


def engagement_visible(obj: ExpertEngagement, a: Anchor, write: bool = False, *, me=None) -> bool:
    me = me or a.user
    if _is_expert(me):
        return not write and any(e.user == me for e in obj.experts.all())
    site = obj.site
    return placed_visible(site.grid, site.sector, site, a)


RESOURCES = [
    Resource(
        "fund_allocation",
        FundAllocation,
        lambda w: seed_support(w) and list(FundAllocation.objects.select_related("region", "sector")),
        fund_visible,
        "support:fund_list",
        "support:fund_detail",
        "support:fund_edit",
        "support:fund_create",
        "fund-allocation",
        search=lambda obj: obj.title,
    ),
    Resource(
        "expert",
        Expert,
        lambda w: seed_support(w) and list(Expert.objects.select_related("region", "user")),
        expert_visible,
        "support:expert_list",
        "support:expert_detail",
        "support:expert_edit",
        "support:expert_create",
        "expert",
    ),
    Resource(
        "expert_engagement",
        ExpertEngagement,
        lambda w: (
            seed_support(w)
            and list(
                ExpertEngagement.objects.select_related("site__grid", "site__sector").prefetch_related(
                    "experts"
                )
            )
        ),
        engagement_visible,
        "support:engagement_list",
        "support:engagement_detail",
        "support:engagement_edit",
        "support:engagement_create",
        "expert-engagement",
        search=lambda obj: obj.purpose,
    ),
    Resource(
        "evaluation",
        ResponsibilityEvaluation,
        lambda w: seed_support(w) and list(ResponsibilityEvaluation.objects.select_related("unit__region")),
        evaluation_visible,
        "support:evaluation_list",
        "support:evaluation_detail",
        "support:evaluation_edit",
        "support:evaluation_create",
        "evaluation",
        search=lambda obj: obj.unit.name,
    ),
    Resource(
        "leadership_responsibility",
        LeadershipResponsibility,
        lambda w: (
            seed_support(w) and list(LeadershipResponsibility.objects.select_related("organisation__region"))
        ),
        leadership_visible,
        "support:leadership_list",
        "support:leadership_detail",
        "support:leadership_edit",
        "support:leadership_create",
        "leadership-responsibility",
        search=lambda obj: obj.official_name,
    ),
]

_TESTS = "safegrid/support/tests"
NON_RESOURCE_ROUTES = {
    "support:expenditure_create": "spending form of one allocation, scoped like support:fund_edit "
    f"(MANAGE_FUNDS: 404 outside, 403 without it); checked in {_TESTS}/test_views.py",
    "support:finding_create": "finding form of one engagement: engagement read under VIEW_SUPPORT (404 "
    f"outside), managers and its own experts only (403 otherwise); checked in {_TESTS}/test_views.py",
    "support:finding_raise_hazard": "see support:finding_create; the hazard's site scope is checked by "
    f"hazard_report; checked in {_TESTS}/test_views.py and test_services.py",
    "support:weight_list": "the county's assessment weights (county rows read in the county and below, "
    f"none for experts); checked in {_TESTS}/test_views.py",
    "support:weight_create": f"MANAGE_EVALUATION form (403 without it); checked in {_TESTS}/test_views.py",
    "support:weight_edit": f"see support:weight_create (404 outside the county); {_TESTS}/test_views.py",
    "api:fund-allocation-expenditures": "action on an allocation scoped like fund-allocation PATCH; "
    f"checked in {_TESTS}/test_api.py",
    "api:fund-allocation-totals": "totals over fund-allocation-list's scope and filters; equality with "
    f"the oracle in {_TESTS}/test_api.py",
    "api:expert-engagement-findings": "action on an engagement read under VIEW_SUPPORT, managers and its "
    f"experts only; checked in {_TESTS}/test_api.py",
    "api:expert-engagement-raise-hazard": f"see api:expert-engagement-findings; {_TESTS}/test_api.py",
    "api:expert-engagement-figures": "figures over expert-engagement-list's scope (the expert counts only "
    f"its own engagements); checked in {_TESTS}/test_api.py",
    "support:expert_unmask": "POST: one pool entry's full phone; VIEW_PLAIN_PII and MANAGE_EXPERTS (403 "
    f"without), the pool kept (404 outside), one audit record; {_TESTS}/test_unmask.py",
    "api:expert-unmask": f"see support:expert_unmask; {_TESTS}/test_unmask.py",
}
