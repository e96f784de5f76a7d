"""Roles (DESIGN.md §2) and what each may do (capabilities).

Capability answers "may this role do this kind of thing" (missing → 403); scope answers "on which
rows" (outside → 404). Both are checked through `ScopedQuerySet.visible_to(actor, capability)`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_LEADER = "county_leader", _("县安委会领导")
    COUNTY_OFFICE = "county_office", _("县安委办工作人员")
    SECTOR_OFFICER = "sector_officer", _("行业监管人员")
    TOWNSHIP_OFFICER = "township_officer", _("乡镇安监人员")
    GRID_WORKER = "grid_worker", _("网格员")
    ENTERPRISE_MANAGER = "enterprise_manager", _("企业安全管理员")
    EXPERT = "expert", _("专家")
    SUPERVISOR = "supervisor", _("上级监管人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三员分立: no user may hold two of these, nor one of these together with a business role.
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
BUSINESS_ROLES = frozenset(set(Role) - ADMIN_ROLES)
# The read-only role above the county (a city's or province's emergency-management bureau or safety
# committee office): it reads its counties' work and handles none of it.
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR})
# Roles that must be restricted to sectors, and the role bound to one site.
SECTOR_ROLES = frozenset({Role.SECTOR_OFFICER})
SITE_ROLES = frozenset({Role.ENTERPRISE_MANAGER})


class Cap:
    """Capability names (<app>.<verb>_<model>)."""

    VIEW_REGION = "orgs.view_region"
    MANAGE_REGION = "orgs.manage_region"
    VIEW_SECTOR = "orgs.view_sector"
    MANAGE_SECTOR = "orgs.manage_sector"
    VIEW_ORGANISATION = "orgs.view_organisation"
    MANAGE_ORGANISATION = "orgs.manage_organisation"
    VIEW_GRIDDUTY = "orgs.view_gridduty"
    MANAGE_GRIDDUTY = "orgs.manage_gridduty"
    VIEW_SITE = "sites.view_site"
    ADD_SITE = "sites.add_site"
    CHANGE_SITE = "sites.change_site"
    VIEW_USER = "accounts.view_user"
    MANAGE_USER = "accounts.manage_user"
    VIEW_AUDIT = "core.view_audit"
    USE_ADMIN = "core.use_admin"
    VIEW_INSPECTION = "inspections.view_inspection"
    ADD_INSPECTION = "inspections.add_inspection"
    VIEW_HAZARD = "hazards.view_hazard"
    REPORT_HAZARD = "hazards.report_hazard"
    HANDLE_HAZARD = "hazards.handle_hazard"  # assign, escalate, extend, verify at the role's handling level
    VERIFY_HAZARD = "hazards.verify_hazard"  # grid worker: re-check (复查) at the territorial level
    RECTIFY_HAZARD = "hazards.rectify_hazard"  # the responsible unit: start and report completion
    VIEW_ENFORCEMENT = "enforcement.view_document"  # enforcement documents and penalties
    ISSUE_ENFORCEMENT = "enforcement.issue_document"  # draft, issue, correct documents; record penalties
    VIEW_RISK = "risks.view_riskpoint"  # risk points, assessments, site gradings and their counts
    MANAGE_RISK = "risks.manage_riskpoint"  # register and reassess risk points, record site gradings
    VIEW_PEOPLE = "people.view_person"  # people, teams, postings, trainings, certificates, commendations
    MANAGE_PEOPLE = "people.manage_person"  # register people, teams, postings, trainings, certificates
    # See one person's (or pool expert's) full ID number and phone, one record at a time, audited
    # (SECURITY.md "Personal data"); everyone else sees them masked.
    VIEW_PLAIN_PII = "people.view_plain_pii"
    MANAGE_COMMENDATION = "people.manage_commendation"  # 评先评优、通报表扬
    VIEW_PUBLICITY = "publicity.view_activity"  # publicity plans and activities
    RECORD_PUBLICITY = "publicity.record_activity"  # record a publicity activity
    MANAGE_PUBLICITY_PLAN = "publicity.manage_plan"  # the annual publicity plan of a county
    VIEW_DISPATCH = "dispatch.view_meeting"  # meetings, resolutions, action items, cadence compliance
    MANAGE_MEETING = "dispatch.manage_meeting"  # record meetings and decisions, track action items (督办)
    VIEW_EMERGENCY = "emergency.view_plan"  # emergency plans, drill plans and drill records
    MANAGE_EMERGENCY = "emergency.manage_plan"  # write, file and revise plans; plan and record drills
    VIEW_SUPPORT = "support.view_support"  # funds, experts and engagements, evaluations
    MANAGE_FUNDS = "support.manage_fund"  # fund allocations and expenditures
    MANAGE_EXPERTS = "support.manage_expert"  # the expert pool and expert engagements
    MANAGE_EVALUATION = "support.manage_evaluation"  # responsibility evaluations and assessment weights


_READ_REFERENCE = {Cap.VIEW_REGION, Cap.VIEW_SECTOR, Cap.VIEW_ORGANISATION, Cap.VIEW_GRIDDUTY, Cap.VIEW_SITE}
_FIELD_WORK = {Cap.VIEW_INSPECTION, Cap.ADD_INSPECTION, Cap.VIEW_HAZARD, Cap.REPORT_HAZARD}
_OFFICER = _FIELD_WORK | {Cap.HANDLE_HAZARD}
# Departments enforce (执法): the county office and sector officers issue documents; township officers
# and leaders read them; enterprise staff read their own site's issued documents.
_ENFORCE = {Cap.VIEW_ENFORCEMENT, Cap.ISSUE_ENFORCEMENT}
# Risk grading (风险分级管控): every business role reads it; the enterprise (its own site), sector and
# township officers and the county office register and reassess risk points.
_RISK = {Cap.VIEW_RISK, Cap.MANAGE_RISK}
# Teams and training (队伍建设): officers keep the people of their scope, enterprises their own staff
# and certificates; commendations come from the county office and the sector committees. Those who
# keep the register may unmask a person's ID number and phone (one at a time, audited); the three
# administrators never hold it.
_PEOPLE = {Cap.VIEW_PEOPLE, Cap.MANAGE_PEOPLE, Cap.VIEW_PLAIN_PII}
# Publicity (宣传): grid workers are the county's publicists (信息员和宣传员) and record activities;
# the county office keeps the annual plan.
_PUBLICITY = {Cap.VIEW_PUBLICITY, Cap.RECORD_PUBLICITY}
# Dispatch (调度): the county committee, its office and the sector committees meet and dispatch work;
# townships read what concerns them and report their action items.
_DISPATCH = {Cap.VIEW_DISPATCH, Cap.MANAGE_MEETING}
# Emergency plans and drills (预案与演练): every unit keeps its own; grid workers and experts read them.
_EMERGENCY = {Cap.VIEW_EMERGENCY, Cap.MANAGE_EMERGENCY}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.COUNTY_LEADER: frozenset(
        _READ_REFERENCE
        | _OFFICER
        | _DISPATCH  # the county committee's meetings and its decisions on escalated hazards
        | {
            Cap.VIEW_USER,
            Cap.VIEW_ENFORCEMENT,
            Cap.VIEW_RISK,
            Cap.VIEW_PEOPLE,
            Cap.VIEW_PUBLICITY,
            Cap.VIEW_EMERGENCY,
            Cap.VIEW_SUPPORT,
        }
    ),
    Role.COUNTY_OFFICE: frozenset(
        _READ_REFERENCE
        | _OFFICER
        | _ENFORCE
        | _RISK
        | _PEOPLE
        | _PUBLICITY
        | _DISPATCH
        | _EMERGENCY
        | {
            Cap.MANAGE_ORGANISATION,
            Cap.MANAGE_GRIDDUTY,
            Cap.ADD_SITE,
            Cap.CHANGE_SITE,
            Cap.VIEW_USER,
            Cap.MANAGE_COMMENDATION,
            Cap.MANAGE_PUBLICITY_PLAN,
            Cap.VIEW_SUPPORT,
            Cap.MANAGE_FUNDS,
            Cap.MANAGE_EXPERTS,
            Cap.MANAGE_EVALUATION,
        }
    ),
    Role.SECTOR_OFFICER: frozenset(
        _READ_REFERENCE
        | _OFFICER
        | _ENFORCE
        | _RISK
        | _PEOPLE
        | _PUBLICITY
        | _DISPATCH
        | _EMERGENCY
        | {Cap.ADD_SITE, Cap.CHANGE_SITE, Cap.MANAGE_COMMENDATION, Cap.VIEW_SUPPORT, Cap.MANAGE_EXPERTS}
    ),
    Role.TOWNSHIP_OFFICER: frozenset(
        _READ_REFERENCE
        | _OFFICER
        | _RISK
        | _PEOPLE
        | _PUBLICITY
        | _EMERGENCY
        | {
            Cap.MANAGE_GRIDDUTY,
            Cap.ADD_SITE,
            Cap.CHANGE_SITE,
            Cap.VIEW_USER,
            Cap.VIEW_ENFORCEMENT,
            Cap.VIEW_DISPATCH,
            Cap.VIEW_SUPPORT,
        }
    ),
    Role.GRID_WORKER: frozenset(
        _READ_REFERENCE
        | _FIELD_WORK
        | _PUBLICITY
        | {Cap.VERIFY_HAZARD, Cap.VIEW_RISK, Cap.VIEW_PEOPLE, Cap.VIEW_EMERGENCY}
    ),
    Role.ENTERPRISE_MANAGER: frozenset(
        _READ_REFERENCE
        | _FIELD_WORK
        | _RISK
        | _PEOPLE
        | _EMERGENCY
        | {Cap.CHANGE_SITE, Cap.RECTIFY_HAZARD, Cap.VIEW_ENFORCEMENT}
    ),
    # An expert reads plans and drills and its own engagements (support scopes those to the expert).
    Role.EXPERT: frozenset(
        _READ_REFERENCE | _FIELD_WORK | {Cap.VIEW_RISK, Cap.VIEW_EMERGENCY, Cap.VIEW_SUPPORT}
    ),
    # The supervisor above the county (上级监管人员) reads what the county leader reads, over every
    # county of its city or province: the business records and the reports built on them, people
    # masked. It writes nothing, handles no hazard (no handling level), sees no accounts and never
    # unmasks personal data.
    Role.SUPERVISOR: frozenset(
        _READ_REFERENCE
        | {
            Cap.VIEW_INSPECTION,
            Cap.VIEW_HAZARD,
            Cap.VIEW_ENFORCEMENT,
            Cap.VIEW_RISK,
            Cap.VIEW_PEOPLE,
            Cap.VIEW_PUBLICITY,
            Cap.VIEW_DISPATCH,
            Cap.VIEW_EMERGENCY,
            Cap.VIEW_SUPPORT,
        }
    ),
    Role.SYSTEM_ADMIN: frozenset(
        _READ_REFERENCE
        | {
            Cap.MANAGE_REGION,
            Cap.MANAGE_SECTOR,
            Cap.MANAGE_ORGANISATION,
            Cap.MANAGE_GRIDDUTY,
            Cap.ADD_SITE,
            Cap.CHANGE_SITE,
            Cap.USE_ADMIN,
        }
    ),
    Role.SECURITY_ADMIN: frozenset({Cap.VIEW_USER, Cap.MANAGE_USER, Cap.VIEW_REGION, Cap.VIEW_SECTOR}),
    Role.AUDIT_ADMIN: frozenset({Cap.VIEW_AUDIT}),
}

# The handling level (处置层级, DESIGN.md §5) at which a role acts; used by the hazard loop.
ROLE_HANDLING_LEVEL: dict[str, int] = {
    Role.GRID_WORKER: 1,
    Role.TOWNSHIP_OFFICER: 1,
    Role.SECTOR_OFFICER: 2,
    Role.COUNTY_OFFICE: 3,
    Role.COUNTY_LEADER: 4,
}
