"""Every scoped resource, its pages and API, and an independent oracle of who may see what.

The oracle is written from the domain rules (DESIGN.md §4), by walking `parent` links, not from the
scope code under test. Adding a page or API endpoint without registering it here fails
`test_every_route_is_registered`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from safegrid.accounts.models import User
from safegrid.enforcement.models import EnforcementDocument, Penalty
from safegrid.enforcement.tests.world import seed_enforcement
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.risks.models import RiskPoint
from safegrid.risks.tests.world import seed_risks
from safegrid.sites.models import Site

# Who may read / write what (the policy, written down independently of roles.py).
BUSINESS = {
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
# Enforcement is for officers and the site concerned (grid workers and experts do not see it);
# departments enforce: the county offices and sector officers draft and issue, townships do not.
ENFORCEMENT_READERS = {
    "leader",
    "office",
    "sector_mining",
    "township1",
    "township2",
    "enterprise11",
    "office_b",
}
ENFORCERS = {"office", "sector_mining", "office_b"}
VIEWERS = {
    "region": BUSINESS | {"sysadmin", "secadmin"},
    "sector": BUSINESS | {"sysadmin", "secadmin"},
    "organisation": BUSINESS | {"sysadmin"},
    "gridduty": BUSINESS | {"sysadmin"},
    "site": BUSINESS | {"sysadmin"},
    "user": {"leader", "office", "township1", "township2", "secadmin", "office_b"},
    "inspection": BUSINESS,
    "hazard": BUSINESS,
    "enforcement_document": ENFORCEMENT_READERS,
    "penalty": ENFORCEMENT_READERS,
    "risk_point": BUSINESS,
}
MANAGERS = {
    "region": {"sysadmin"},
    "sector": {"sysadmin"},
    "organisation": {"sysadmin", "office", "office_b"},
    "gridduty": {"sysadmin", "office", "office_b", "township1", "township2"},
    "site": {"sysadmin", "office", "office_b", "sector_mining", "township1", "township2", "enterprise11"},
    "user": {"secadmin"},
    "inspection": set(),  # records are not edited; corrections are new records
    "hazard": set(),  # hazards change only through the transitions (hazards/tests)
    "enforcement_document": ENFORCERS,  # drafts edited; issued ones corrected by a new document
    "penalty": set(),  # recorded once as decided, never edited
    # Risk points are not edited; they are reassessed (risks:risk_point_reassess, tested in risks/tests).
    "risk_point": {"office", "sector_mining", "township1", "township2", "enterprise11", "office_b"},
}

# Who may open the create pages: the managers, except enterprise staff, who edit their own site only.
CREATORS = {
    **MANAGERS,
    "site": MANAGERS["site"] - {"enterprise11"},
    "inspection": BUSINESS,
    "hazard": BUSINESS,
    "penalty": ENFORCERS,
}


def ancestors_or_self(region: Region) -> list[Region]:
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def in_subtree(region: Region, anchor: Region) -> bool:
    return anchor in ancestors_or_self(region)


@dataclass
class Anchor:
    region: Region
    sectors: list[Sector] | None = None
    site: Site | None = None


def anchors(w: SimpleNamespace) -> dict[str, Anchor]:
    return {
        "leader": Anchor(w.county),
        "office": Anchor(w.county),
        "sector_mining": Anchor(w.county, sectors=[w.mining]),
        "township1": Anchor(w.t1),
        "township2": Anchor(w.t2),
        "grid11": Anchor(w.g11),
        "enterprise11": Anchor(w.g11, site=w.site11_mine),
        "expert": Anchor(w.county),
        "sysadmin": Anchor(w.county),
        "secadmin": Anchor(w.county),
        "auditor": Anchor(w.county),
        "office_b": Anchor(w.county_b),
    }


def _reference_visible(
    region: Region, sector: Sector | None, a: Anchor, *, sector_nullable: bool, write: bool = False
) -> bool:
    """Reference rows: in the anchor's subtree, or (reading only) above it."""
    if a.site is not None:
        ok_region = region in ancestors_or_self(a.site.grid) if not write else region == a.site.grid
        allowed_sectors = [a.site.sector]
    else:
        ok_region = in_subtree(region, a.region) or (not write and region in ancestors_or_self(a.region))
        allowed_sectors = a.sectors
    if not ok_region:
        return False
    if allowed_sectors is None:
        return True
    if sector is None:
        return sector_nullable
    return sector in allowed_sectors


def region_visible(obj: Region, a: Anchor, write: bool = False) -> bool:
    if a.site is not None:
        return obj == a.site.grid
    return in_subtree(obj, a.region)


def sector_visible(obj: Sector, a: Anchor, write: bool = False) -> bool:
    return _reference_visible(obj.region, obj, a, sector_nullable=False, write=write)


def organisation_visible(obj: Organisation, a: Anchor, write: bool = False) -> bool:
    return _reference_visible(obj.region, obj.sector, a, sector_nullable=True, write=write)


def gridduty_visible(obj: GridDuty, a: Anchor, write: bool = False) -> bool:
    if a.site is not None:
        return obj.grid == a.site.grid
    return in_subtree(obj.grid, a.region)


def site_visible(obj: Site, a: Anchor, write: bool = False) -> bool:
    if a.site is not None:
        return obj == a.site
    return in_subtree(obj.grid, a.region) and (a.sectors is None or obj.sector in a.sectors)


def site_row_visible(obj, a: Anchor, write: bool = False) -> bool:
    """Rows that belong to a site (inspections, hazards): visible exactly when the site is."""
    return site_visible(obj.site, a, write)


def document_visible(obj, a: Anchor, write: bool = False) -> bool:
    """Enforcement documents: those of a visible site, except that a site's own staff see only what
    was issued to them, never the regulator's drafts. For writing, drafts and issued documents alike
    (the edit page of an issued one explains that it is corrected by a new document)."""
    return site_visible(obj.site, a, write) and (a.site is None or obj.status == "issued")


def user_visible(obj: User, a: Anchor, write: bool = False, *, me: User | None = None) -> bool:
    regions = [ra.region for ra in obj.role_assignments.all()]
    if a.site is not None or a.sectors is not None:
        return (obj == me) and not write
    if write:
        return bool(regions) and all(in_subtree(r, a.region) for r in regions)
    return obj == me or any(in_subtree(r, a.region) for r in regions)


@dataclass
class Resource:
    key: str
    model: type
    objects: Callable[[SimpleNamespace], list]
    visible: Callable
    list_page: str
    detail_page: str
    edit_page: str | None
    create_page: str
    api: str  # router basename
    search: Callable = field(default=lambda obj: obj.name)


RESOURCES = [
    Resource(
        "region",
        Region,
        lambda w: list(Region.objects.all()),
        region_visible,
        "orgs:region_list",
        "orgs:region_detail",
        "orgs:region_edit",
        "orgs:region_create",
        "region",
    ),
    Resource(
        "sector",
        Sector,
        lambda w: list(Sector.objects.all()),
        sector_visible,
        "orgs:sector_list",
        "orgs:sector_detail",
        "orgs:sector_edit",
        "orgs:sector_create",
        "sector",
    ),
    Resource(
        "organisation",
        Organisation,
        lambda w: list(Organisation.objects.all()),
        organisation_visible,
        "orgs:organisation_list",
        "orgs:organisation_detail",
        "orgs:organisation_edit",
        "orgs:organisation_create",
        "organisation",
    ),
    Resource(
        "gridduty",
        GridDuty,
        lambda w: list(GridDuty.objects.all()),
        gridduty_visible,
        "orgs:gridduty_list",
        "orgs:gridduty_detail",
        "orgs:gridduty_edit",
        "orgs:gridduty_create",
        "gridduty",
        search=lambda obj: obj.person_name,
    ),
    Resource(
        "site",
        Site,
        lambda w: list(Site.objects.all()),
        site_visible,
        "sites:site_list",
        "sites:site_detail",
        "sites:site_edit",
        "sites:site_create",
        "site",
    ),
    Resource(
        "user",
        User,
        lambda w: list(User.objects.prefetch_related("role_assignments__region")),
        user_visible,
        "accounts:user_list",
        "accounts:user_detail",
        "accounts:user_edit",
        "accounts:user_create",
        "user",
        search=lambda obj: obj.username,
    ),
    Resource(
        "inspection",
        Inspection,
        lambda w: list(Inspection.objects.select_related("site")),
        site_row_visible,
        "inspections:inspection_list",
        "inspections:inspection_detail",
        None,
        "inspections:inspection_create",
        "inspection",
        search=lambda obj: obj.site.name,
    ),
    Resource(
        "hazard",
        Hazard,
        lambda w: list(Hazard.objects.select_related("site")),
        site_row_visible,
        "hazards:hazard_list",
        "hazards:hazard_detail",
        None,
        "hazards:hazard_report",
        "hazard",
        search=lambda obj: obj.number,
    ),
    Resource(
        "enforcement_document",
        EnforcementDocument,
        lambda w: seed_enforcement(w) and list(EnforcementDocument.objects.select_related("site")),
        document_visible,
        "enforcement:document_list",
        "enforcement:document_detail",
        "enforcement:document_edit",
        "enforcement:document_create",
        "enforcement-document",
        search=lambda obj: obj.site.name,
    ),
    Resource(
        "risk_point",
        RiskPoint,
        lambda w: seed_risks(w) and list(RiskPoint.objects.select_related("site")),
        site_row_visible,
        "risks:risk_point_list",
        "risks:risk_point_detail",
        None,
        "risks:risk_point_create",
        "risk-point",
    ),
    Resource(
        "penalty",
        Penalty,
        lambda w: seed_enforcement(w) and list(Penalty.objects.select_related("site")),
        site_row_visible,
        "enforcement:penalty_list",
        "enforcement:penalty_detail",
        None,
        "enforcement:penalty_create",
        "penalty",
        search=lambda obj: obj.site.name,
    ),
]

# Routes that are not scoped resources, each with the reason it needs no scope oracle.
NON_RESOURCE_ROUTES = {
    "api:risk_map": "same data as reports:risk_map_data; per-role equality in test_risk_map_api",
    "api:risk_matrix": "same data as the page's matrix; per-role equality in test_risk_map_api",
    "reports:home": "per-role home; its counts are checked against the oracle in test_home_counts",
    "core:audit_list": "audit administrator only; checked in test_audit_log_is_auditor_only",
    "core:healthz": "liveness probe, no data",
    "accounts:login": "public login form",
    "accounts:logout": "ends the session",
    "accounts:profile": "the signed-in user's own account",
    "accounts:role_assign": "user sub-page: scoped by accounts:user_edit rules, checked in accounts tests",
    "accounts:role_revoke": "POST only; scoped by role_assignment_get, checked in accounts tests",
    "api-schema": "OpenAPI document (structure only, no rows)",
    "api-docs": "Swagger UI shell",
    "api:me": "the signed-in user's own account",
    "api:token_login": "token exchange",
    "api:token_logout": "token revocation",
    "attachments:download": "scoped file download (owner's view scope, 404 outside); checked in "
    "safegrid/attachments/tests/test_views.py",
    "api:attachment-list": "attachments have no pages of their own; scope per owner checked in "
    "safegrid/attachments/tests/test_api.py",
    "api:attachment-detail": "scope per owner checked in safegrid/attachments/tests/test_api.py",
    "notifications:inbox": "the user's own inbox (owner-only queryset); checked in notifications/tests",
    "notifications:mark_read": "POST, marks only the user's own messages; checked in notifications/tests",
    "hazards:hazard_action": "one transition form per hazard; checked in hazards/tests/test_views.py",
    "api:hazard-assign": "transition; scope and level checked in hazards/tests/test_api.py",
    "api:hazard-start": "transition; see api:hazard-assign",
    "api:hazard-submit": "transition; see api:hazard-assign",
    "api:hazard-verify": "transition; see api:hazard-assign",
    "api:hazard-escalate": "transition; see api:hazard-assign",
    "api:hazard-extend": "transition; see api:hazard-assign",
    "api:hazard-on-the-spot": "report-and-close; same scope as api:hazard-list create",
    "enforcement:document_issue": "POST-only issue button; scope (404) and capability (403) checked "
    "in safegrid/enforcement/tests/test_views.py",
    "enforcement:document_correct": "correction form of an issued document, scoped like "
    "enforcement:document_edit; checked in safegrid/enforcement/tests/test_views.py",
    "api:enforcement-document-issue": "transition; scope and capability checked in "
    "safegrid/enforcement/tests/test_api.py",
    "api:enforcement-document-correct": "new draft from an issued document; see "
    "api:enforcement-document-issue",
    "api:criterion-list": "major-hazard criteria: county-wide reference data, not scoped; every "
    "business role reads it, others get 403; checked in safegrid/inspections/tests/test_library.py",
    "api:criterion-detail": "see api:criterion-list",
    "api:checklist-list": "checklists: county-wide reference data, not scoped; checked in "
    "safegrid/inspections/tests/test_library.py",
    "api:checklist-detail": "see api:checklist-list",
    "risks:risk_point_reassess": "reassessment form of one risk point, scoped by MANAGE_RISK (404 outside, "
    "403 without it); checked in safegrid/risks/tests/test_views.py",
    "api:risk-point-reassess": "reassessment; scope and capability checked in "
    "safegrid/risks/tests/test_api.py",
    "reports:risk_map": "four-colour map of the actor's VIEW_RISK scope (region outside it → 404); "
    "totals and matrix checked against the oracle in test_risk_map_and_matrix_equal_the_oracle",
    "reports:risk_map_data": "the map's JSON; see reports:risk_map",
    "reports:risk_matrix_export": "the matrix as .xlsx; see reports:risk_map",
    "risks:site_badge": "htmx partial of the site page: the site's risk colour, scoped by VIEW_RISK "
    "(404 outside, 403 without it); checked in safegrid/risks/tests/test_views.py",
    "risks:site_grading_create": "form whose site choices are the MANAGE_RISK-scoped sites; scope checked "
    "in safegrid/risks/tests/test_views.py",
}
