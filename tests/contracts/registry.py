"""Every scoped resource, its pages and API, and an independent oracle of who may see what.

The oracle is written from the domain rules (DESIGN.md §4), by walking `parent` links, not from the
scope code under test. Adding a page or API endpoint without registering it here fails
`test_every_route_is_registered`.
"""

from __future__ import annotations

import importlib
import importlib.util

from safegrid.accounts.models import User
from safegrid.enforcement.models import EnforcementDocument, Penalty
from safegrid.enforcement.tests.world import seed_enforcement
from safegrid.hazards.models import Hazard
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import GridDuty, Organisation, Region, Sector
from safegrid.people.models import Certificate, Commendation, Person, Posting, Team, Training
from safegrid.people.tests.world import seed_people
from safegrid.publicity.models import Activity, PublicityPlan
from safegrid.publicity.tests.world import seed_publicity
from safegrid.risks.models import RiskPoint
from safegrid.risks.tests.world import seed_risks
from safegrid.sites.models import Site

from .base import Anchor, Resource, ancestors_or_self, anchors, in_subtree, placed_visible  # noqa: F401

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
# Teams and training: every business role but the expert reads; officers and enterprises keep them;
# commendations come from the county offices and the sector committees.
PEOPLE_READERS = BUSINESS - {"expert"}
PEOPLE_MANAGERS = PEOPLE_READERS - {"leader", "grid11"}
COMMENDERS = {"office", "sector_mining", "office_b"}
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
    "person": PEOPLE_READERS,
    "posting": PEOPLE_READERS,
    "team": PEOPLE_READERS,
    "training": PEOPLE_READERS,
    "certificate": PEOPLE_READERS,
    "commendation": PEOPLE_READERS,
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
    "person": PEOPLE_MANAGERS,
    "posting": set(),  # postings are ended, not edited (people:posting_end)
    "team": PEOPLE_MANAGERS,
    "training": PEOPLE_MANAGERS,
    "certificate": set(),  # reviewed, extended or revoked through their own actions
    "commendation": set(),  # recorded once, never edited
}

# Who may open the create pages: the managers, except enterprise staff, who edit their own site only.
CREATORS = {
    **MANAGERS,
    "site": MANAGERS["site"] - {"enterprise11"},
    "inspection": BUSINESS,
    "hazard": BUSINESS,
    "penalty": ENFORCERS,
    "posting": PEOPLE_MANAGERS,
    "certificate": PEOPLE_MANAGERS,
    "commendation": COMMENDERS,
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


def _person_place(p: Person) -> tuple[Region, Sector | None, Site | None]:
    if p.site is not None:
        return p.site.grid, p.site.sector, p.site
    return p.region, (p.organisation.sector if p.organisation else None), None


def person_visible(obj: Person, a: Anchor, write: bool = False) -> bool:
    return placed_visible(*_person_place(obj), a)


def posting_visible(obj: Posting, a: Anchor, write: bool = False) -> bool:
    if obj.site is not None:
        return placed_visible(obj.site.grid, obj.site.sector, obj.site, a)
    return placed_visible(obj.region, _person_place(obj.person)[1], None, a)


def team_visible(obj: Team, a: Anchor, write: bool = False) -> bool:
    if obj.site is not None:
        return placed_visible(obj.site.grid, obj.site.sector, obj.site, a)
    return placed_visible(obj.region, obj.sector, None, a)


def training_visible(obj: Training, a: Anchor, write: bool = False) -> bool:
    if obj.site is not None:
        return placed_visible(obj.site.grid, obj.site.sector, obj.site, a)
    return placed_visible(obj.organiser.region, obj.organiser.sector, None, a)


def certificate_visible(obj: Certificate, a: Anchor, write: bool = False) -> bool:
    return person_visible(obj.person, a)


def commendation_visible(obj: Commendation, a: Anchor, write: bool = False) -> bool:
    if obj.person is not None:
        return person_visible(obj.person, a)
    if obj.organisation is not None:
        return placed_visible(obj.organisation.region, obj.organisation.sector, None, a)
    site = obj.recipient_site
    return placed_visible(site.grid, site.sector, site, a)


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

RESOURCES += [
    Resource(
        "person",
        Person,
        lambda w: seed_people(w) and list(Person.objects.select_related("site", "region", "organisation")),
        person_visible,
        "people:person_list",
        "people:person_detail",
        "people:person_edit",
        "people:person_create",
        "person",
    ),
    Resource(
        "posting",
        Posting,
        lambda w: seed_people(w) and list(Posting.objects.select_related("person", "site", "region")),
        posting_visible,
        "people:posting_list",
        "people:posting_detail",
        None,
        "people:posting_create",
        "posting",
        search=lambda obj: obj.person.name,
    ),
    Resource(
        "team",
        Team,
        lambda w: seed_people(w) and list(Team.objects.select_related("site", "region", "sector")),
        team_visible,
        "people:team_list",
        "people:team_detail",
        "people:team_edit",
        "people:team_create",
        "team",
    ),
    Resource(
        "training",
        Training,
        lambda w: seed_people(w) and list(Training.objects.select_related("site", "organiser")),
        training_visible,
        "people:training_list",
        "people:training_detail",
        "people:training_edit",
        "people:training_create",
        "training",
        search=lambda obj: obj.title,
    ),
    Resource(
        "certificate",
        Certificate,
        lambda w: seed_people(w) and list(Certificate.objects.select_related("person")),
        certificate_visible,
        "people:certificate_list",
        "people:certificate_detail",
        None,
        "people:certificate_create",
        "certificate",
        search=lambda obj: obj.number,
    ),
    Resource(
        "commendation",
        Commendation,
        lambda w: seed_people(w) and list(Commendation.objects.select_related("person", "organisation")),
        commendation_visible,
        "people:commendation_list",
        "people:commendation_detail",
        None,
        "people:commendation_create",
        "commendation",
        search=lambda obj: obj.title,
    ),
]

# Grid workers are the county's publicists (信息员和宣传员) and record activities with the township,
# sector officers and the county office; the leader reads; the county office keeps the annual plan.
# Enterprise staff, experts and the three administrators hold no publicity capability.
_PUBLICITY_READERS = {"leader", "office", "sector_mining", "township1", "township2", "grid11", "office_b"}
_PUBLICITY_RECORDERS = {"office", "sector_mining", "township1", "township2", "grid11", "office_b"}

PUBLICITY_VIEWERS = {
    "publicity_activity": _PUBLICITY_READERS,
    "publicity_plan": _PUBLICITY_READERS,
}
PUBLICITY_MANAGERS = {
    "publicity_activity": _PUBLICITY_RECORDERS,
    "publicity_plan": {"office", "office_b"},
}
PUBLICITY_CREATORS = dict(PUBLICITY_MANAGERS)


def activity_visible(obj: Activity, a: Anchor, write: bool = False) -> bool:
    """Where it took place lies in the anchor's subtree; a sector officer sees only the activities
    organised by a body of its sectors. Reading and recording follow the same rule."""
    if a.site is not None:
        return False
    if not in_subtree(obj.region, a.region):
        return False
    return a.sectors is None or obj.organiser.sector in a.sectors


def plan_visible(obj: PublicityPlan, a: Anchor, write: bool = False) -> bool:
    """A county's plan is read in the county and everywhere below it (the township officer and the
    grid worker work to it, whatever their sector); it is kept at the county or above."""
    if a.site is not None:
        return False
    if in_subtree(obj.region, a.region):
        return True
    return not write and obj.region in ancestors_or_self(a.region)


PUBLICITY_RESOURCES = [
    Resource(
        "publicity_activity",
        Activity,
        lambda w: seed_publicity(w) and list(Activity.objects.select_related("region", "organiser__sector")),
        activity_visible,
        "publicity:activity_list",
        "publicity:activity_detail",
        "publicity:activity_edit",
        "publicity:activity_create",
        "publicity-activity",
        search=lambda obj: obj.title,
    ),
    Resource(
        "publicity_plan",
        PublicityPlan,
        lambda w: seed_publicity(w) and list(PublicityPlan.objects.select_related("region")),
        plan_visible,
        "publicity:plan_list",
        "publicity:plan_detail",
        "publicity:plan_edit",
        "publicity:plan_create",
        "publicity-plan",
        search=lambda obj: obj.title,
    ),
]

PUBLICITY_NON_RESOURCE_ROUTES = {
    "publicity:plan_month_edit": "one month of a plan, scoped like publicity:plan_edit "
    "(MANAGE_PUBLICITY_PLAN: 404 outside, 403 without it); checked in safegrid/publicity/tests/test_views.py",
    "api:publicity-plan-months": "plan against delivery of a plan read through publicity-plan-detail's "
    "scope; numbers checked against an independent count in safegrid/publicity/tests/test_selectors.py",
    "api:publicity-plan-month": "edits one month, scoped like publicity-plan PATCH; checked in "
    "safegrid/publicity/tests/test_api.py",
}


RESOURCES += PUBLICITY_RESOURCES
VIEWERS.update(PUBLICITY_VIEWERS)
MANAGERS.update(PUBLICITY_MANAGERS)
CREATORS.update(PUBLICITY_CREATORS)

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
    "accounts:password_change": "the signed-in user's own password",
    "accounts:otp_setup": "own TOTP enrolment (privileged roles only, 403 otherwise)",
    "accounts:otp_verify": "own second sign-in step",
    "accounts:lockout_list": "MANAGE_USER (security admin) only, 403 otherwise; "
    "safegrid/accounts/tests/test_lockout.py",
    "accounts:lockout_release": "POST, MANAGE_USER only; see accounts:lockout_list",
    "accounts:role_assign": "user sub-page: scoped by accounts:user_edit rules, checked in accounts tests",
    "accounts:role_revoke": "POST only; scoped by role_assignment_get, checked in accounts tests",
    "api-schema": "OpenAPI document (structure only, no rows)",
    "api-docs": "Swagger UI shell",
    "api:me": "the signed-in user's own account",
    "api:token_login": "token exchange",
    "api:token_logout": "token revocation",
    "attachments:download": "scoped file download (owner's view scope, 404 outside); checked in "
    "safegrid/attachments/tests/test_views.py",
    "api:attachment-list": "attachments (of hazards, inspections, publicity activities) have no pages of "
    "their own; scope per owner checked in "
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
    "people:posting_end": "form of one posting, scoped like people:posting_detail with MANAGE_PEOPLE "
    "(404 outside, 403 without it); checked in safegrid/people/tests/test_views.py",
    "people:posting_raise_hazard": "uncertified operator → hazard; posting scoped by VIEW_PEOPLE, site by "
    "REPORT_HAZARD; checked in safegrid/people/tests/test_views.py",
    "people:certificate_review": "action form of one certificate, scoped by MANAGE_PEOPLE (404 outside, 403 "
    "without it); checked in safegrid/people/tests/test_views.py",
    "people:certificate_extend": "see people:certificate_review",
    "people:certificate_revoke": "see people:certificate_review",
    "people:person_unmask": "POST: one person's full ID number and phone; VIEW_PLAIN_PII (403 without "
    "it), its scope (404 outside), one audit record; checked in safegrid/people/tests/test_unmask.py",
    "api:person-unmask": "see people:person_unmask; checked in safegrid/people/tests/test_unmask.py",
    "people:person_import": "bulk import under MANAGE_PEOPLE (403 without it); every row goes through "
    "person_create's scope; checked in safegrid/people/tests/test_import.py",
    "people:person_import_template": "blank .xlsx template, no rows",
    "people:certificate_import": "see people:person_import (certificate_create's scope)",
    "people:certificate_import_template": "blank .xlsx template, no rows",
    "api:people-import": "see people:person_import",
    "api:certificate-import": "see people:certificate_import",
    "api:posting-end": "action; scope and capability checked in safegrid/people/tests/test_api.py",
    "api:posting-raise-hazard": "action; see api:posting-end",
    "api:training-person-times": "per-organiser totals over api:training-list's scope; equality with the "
    "oracle in safegrid/people/tests/test_api.py",
    "api:certificate-review": "action; see api:posting-end",
    "api:certificate-extend-review": "action; see api:posting-end",
    "api:certificate-revoke": "action; see api:posting-end",
    "risks:site_grading_create": "form whose site choices are the MANAGE_RISK-scoped sites; scope checked "
    "in safegrid/risks/tests/test_views.py",
}
NON_RESOURCE_ROUTES.update(PUBLICITY_NON_RESOURCE_ROUTES)

# Modules that keep their entries in tests/contracts/registry_<app>.py (built on .base): each exports
# RESOURCES, VIEWERS, MANAGERS, CREATORS and NON_RESOURCE_ROUTES (each optional), merged here.
for _app in (
    "dispatch",
    "emergency",
    "support",
    "reports",
    "imports",
    "exports",
    "bulletin",
    "screen",
    "jobs",
):
    if importlib.util.find_spec(f"{__package__}.registry_{_app}") is None:
        continue
    _module = importlib.import_module(f"{__package__}.registry_{_app}")
    RESOURCES += getattr(_module, "RESOURCES", [])
    VIEWERS.update(getattr(_module, "VIEWERS", {}))
    MANAGERS.update(getattr(_module, "MANAGERS", {}))
    CREATORS.update(getattr(_module, "CREATORS", {}))
    NON_RESOURCE_ROUTES.update(getattr(_module, "NON_RESOURCE_ROUTES", {}))

# The supervisor (上级监管人员, anchored at the city above both counties) reads every resource the
# county leader reads, in both counties, except the accounts; it manages and creates nothing.
for _key, _readers in list(VIEWERS.items()):
    if "leader" in _readers and _key != "user":
        VIEWERS[_key] = set(_readers) | {"supervisor"}
