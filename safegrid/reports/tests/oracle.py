"""An independent count of every DESIGN.md §7 figure over the raw tables, for one role of the test
world: rows are read with `Model.objects.all()` and kept when the contract oracles
(tests/contracts/registry*.py) say the role may see them — never through the scope code under
test."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from safegrid.accounts.models import RoleAssignment
from safegrid.dispatch.tests.world import seed_dispatch
from safegrid.emergency.models import DrillRecord, PlanVersion
from safegrid.emergency.tests.world import seed_emergency
from safegrid.enforcement.models import EnforcementDocument, Penalty
from safegrid.enforcement.tests.world import seed_enforcement
from safegrid.hazards.choices import HazardAction, HazardGrade, HazardStatus
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.hazards.tally import refresh_derived
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import GridDuty, Organisation, Region
from safegrid.people.models import Certificate, Training
from safegrid.people.tests.world import seed_people
from safegrid.publicity.models import Activity
from safegrid.publicity.tests.world import seed_publicity
from safegrid.support.models import ExpertEngagement, FundAllocation
from safegrid.support.tests.world import seed_support
from tests.contracts import registry, registry_dispatch, registry_emergency, registry_support

ROLES = [
    "leader",
    "office",
    "sector_mining",
    "township1",
    "township2",
    "grid11",
    "enterprise11",
    "expert",
    "office_b",
]
ADMINS = ["sysadmin", "secadmin", "auditor"]

PUBLICITY_READERS = registry.PUBLICITY_VIEWERS["publicity_activity"]
EMERGENCY_READERS = registry_emergency.VIEWERS["drill_record"]
DISPATCH_READERS = registry_dispatch.VIEWERS["meeting"]
SUPPORT_READERS = registry_support.READERS


def seed_everything(w) -> SimpleNamespace:
    """Every app's rows, plus hazards that exercise each hazard figure: closed, overdue, major,
    escalated (with its timeline event), and one on each side of a new year at local midnight."""
    seed_enforcement(w)
    seed_people(w)
    seed_publicity(w)
    seed_emergency(w)
    seed_support(w)
    d = seed_dispatch(w)
    office = w.users["office"]
    today = timezone.localdate()
    g11, g21 = w.hazards["g11"], w.hazards["g21"]
    Hazard.objects.filter(pk=g11.pk).update(
        status=HazardStatus.CLOSED, closed_at=timezone.now(), closed_by=office
    )
    Hazard.objects.filter(pk=g21.pk).update(
        status=HazardStatus.RECTIFYING,
        deadline=today - datetime.timedelta(days=3),
        responsible_person="王某",
    )
    for key in ("l3_mining", "l4_fire", "b_l3"):
        h = d.hazards[key]
        HazardEvent.objects.create(
            hazard=h,
            action=HazardAction.ESCALATE,
            from_status=HazardStatus.REPORTED,
            to_status=HazardStatus.REPORTED,
            from_level=h.level - 1,
            to_level=h.level,
            actor=office,
        )
    extra = {}
    for key, site, when, grade, level in (
        ("eve", w.site11_mine, (2025, 12, 31, 23, 59, 59), HazardGrade.GENERAL, 1),
        ("new_year", w.site11_mine, (2026, 1, 1, 0, 0, 0), HazardGrade.MAJOR, 2),
        ("t2_major", w.site21_mine, (2026, 3, 1, 9, 0, 0), HazardGrade.MAJOR, 2),
    ):
        extra[key] = Hazard.objects.create(
            number=f"YH-S-{key}",
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            source="patrol",
            category="thing",
            grade=grade,
            level=level,
            description=f"{site.name}统计用隐患",
            reported_by=office,
            reported_at=timezone.make_aware(datetime.datetime(*when)),
        )
    # Written directly, as the demo builder does: derive what the services would have kept.
    refresh_derived()
    w.statistics = SimpleNamespace(extra=extra)
    return w.statistics


def _in(day, a, b) -> bool:
    return day is not None and a <= day <= b


def expected(w, role: str, date_from: datetime.date, date_to: datetime.date, today: datetime.date) -> dict:
    """The figures (statistics.Figures fields) as the oracle counts them."""
    a = registry.anchors(w)[role]
    out: dict = {"date_from": date_from, "date_to": date_to, "today": today}

    if role in registry.VIEWERS["inspection"]:
        inspections = [
            i
            for i in Inspection.objects.select_related("site__grid", "site__sector")
            if registry.site_row_visible(i, a) and _in(i.inspected_on, date_from, date_to)
        ]
        out |= {"places_inspected": len({i.site_id for i in inspections}), "inspections": len(inspections)}
    else:
        out |= dict.fromkeys(("places_inspected", "inspections"))

    if role in registry.VIEWERS["hazard"]:
        hazards = [
            h
            for h in Hazard.objects.select_related("site__grid", "site__sector")
            if registry.site_row_visible(h, a)
        ]
        escalated = set(
            HazardEvent.objects.filter(
                action__in=[HazardAction.ESCALATE, HazardAction.SWEEP_ESCALATE]
            ).values_list("hazard_id", flat=True)
        )
        found = [h for h in hazards if _in(timezone.localtime(h.reported_at).date(), date_from, date_to)]
        rectified = [h for h in found if h.status == HazardStatus.CLOSED]
        out |= {
            "hazards_found": len(found),
            "hazards_rectified": len(rectified),
            "rectification_rate": round(len(rectified) / len(found), 4) if found else None,
            "major_hazards": sum(1 for h in found if h.grade == HazardGrade.MAJOR),
            "hazards_overdue": sum(
                1
                for h in hazards
                if h.status in (HazardStatus.ASSIGNED, HazardStatus.RECTIFYING) and h.deadline < today
            ),
            "hazards_escalated_open": sum(
                1 for h in hazards if h.status != HazardStatus.CLOSED and h.pk in escalated
            ),
        }
    else:
        out |= dict.fromkeys(
            (
                "hazards_found",
                "hazards_rectified",
                "rectification_rate",
                "major_hazards",
                "hazards_overdue",
                "hazards_escalated_open",
            )
        )

    if role in registry.ENFORCEMENT_READERS:
        penalties = [
            p
            for p in Penalty.objects.select_related("site__grid", "site__sector")
            if registry.site_row_visible(p, a) and _in(p.decided_on, date_from, date_to)
        ]
        documents = [
            d
            for d in EnforcementDocument.objects.select_related("site__grid", "site__sector")
            if registry.document_visible(d, a)
            and d.status == "issued"
            and _in(d.issued_on, date_from, date_to)
        ]
        out |= {
            "penalties": len(penalties),
            "penalty_amount": sum((p.amount or Decimal(0) for p in penalties), Decimal("0.00")),
            "documents_issued": len(documents),
        }
    else:
        out |= dict.fromkeys(("penalties", "penalty_amount", "documents_issued"))

    if role in registry.PEOPLE_READERS:
        trainings = [
            t
            for t in Training.objects.select_related(
                "site__grid", "site__sector", "organiser__region", "organiser__sector"
            )
            if registry.training_visible(t, a) and _in(t.held_on, date_from, date_to)
        ]
        statuses = [
            c.status_on(today)
            for c in Certificate.objects.select_related(
                "person__site__grid", "person__region", "person__organisation"
            )
            if registry.certificate_visible(c, a)
        ]
        out |= {
            "trainings": len(trainings),
            "training_person_times": sum(t.person_times for t in trainings),
            "certificates_valid": statuses.count("valid"),
            "certificates_expiring": statuses.count("expiry_due"),
            "certificates_expired": statuses.count("expired"),
        }
    else:
        out |= dict.fromkeys(
            (
                "trainings",
                "training_person_times",
                "certificates_valid",
                "certificates_expiring",
                "certificates_expired",
            )
        )

    if role in PUBLICITY_READERS:
        activities = [
            x
            for x in Activity.objects.select_related("region", "organiser__sector").prefetch_related(
                "sites_visited"
            )
            if registry.activity_visible(x, a) and _in(x.date, date_from, date_to)
        ]
        out |= {
            "publicity_activities": len(activities),
            "enterprise_visits": sum(len(x.sites_visited.all()) for x in activities),
            "lectures": sum(1 for x in activities if x.channel == "lecture"),
        }
    else:
        out |= dict.fromkeys(("publicity_activities", "enterprise_visits", "lectures"))

    if role in EMERGENCY_READERS:
        related = ("site__grid", "site__sector", "organisation__region", "organisation__sector")
        drills = [
            d
            for d in DrillRecord.objects.select_related(*related)
            if registry_emergency.owned_visible(d, a) and _in(d.held_on, date_from, date_to)
        ]
        versions = [
            v
            for v in PlanVersion.objects.select_related(*(f"plan__{r}" for r in related))
            if registry_emergency.owned_visible(v.plan, a) and _in(v.issued_on, date_from, date_to)
        ]
        out |= {
            "drills": len(drills),
            "drill_participants": sum(d.participants for d in drills),
            "plans_written_or_revised": len(versions),
        }
    else:
        out |= dict.fromkeys(("drills", "drill_participants", "plans_written_or_revised"))

    from safegrid.dispatch.models import Meeting

    if role in DISPATCH_READERS:
        out["meetings_held"] = sum(
            1
            for m in Meeting.objects.select_related("region", "sector")
            if registry_dispatch.meeting_visible(m, a) and _in(m.held_on, date_from, date_to)
        )
        out["meetings_required"] = "cadence"  # a rule, not rows: checked against dispatch's cadence
    else:
        out |= dict.fromkeys(("meetings_held", "meetings_required"))

    if role in SUPPORT_READERS:
        me = w.users[role]
        funds = [
            f
            for f in FundAllocation.objects.select_related("region", "sector").prefetch_related(
                "expenditures"
            )
            if registry_support.fund_visible(f, a, me=me) and date_from.year <= f.year <= date_to.year
        ]
        engagements = [
            e
            for e in ExpertEngagement.objects.select_related("site__grid", "site__sector").prefetch_related(
                "experts", "findings"
            )
            if registry_support.engagement_visible(e, a, me=me) and _in(e.start_date, date_from, date_to)
        ]
        out |= {
            "fund_allocations": len(funds),
            "funds_allocated": sum((f.amount for f in funds), Decimal("0.00")),
            "funds_spent": sum((x.amount for f in funds for x in f.expenditures.all()), Decimal("0.00")),
            "expert_engagements": len(engagements),
            "expert_days": sum(
                ((e.end_date - e.start_date).days + 1) * len(e.experts.all()) for e in engagements
            ),
            "expert_cost": sum((e.cost for e in engagements), Decimal("0.00")),
            "expert_problems": sum(len(e.findings.all()) for e in engagements),
        }
    else:
        out |= dict.fromkeys(
            (
                "fund_allocations",
                "funds_allocated",
                "funds_spent",
                "expert_engagements",
                "expert_days",
                "expert_cost",
                "expert_problems",
            )
        )
    return out | duty_figures(w, role)


DUTY_FIGURES = (
    "townships",
    "grids",
    "grids_staffed",
    "grids_unstaffed",
    "organisations",
    "committees",
    "grid_duty_lists",
)


def duty_figures(w, role: str) -> dict:
    """明晰职责 as the records stand: regions by kind in the role's area; grids with an active user
    holding the grid-worker role there; active organisations seated in a region of the area (not
    the bodies above it); committees among them; grid duty lists."""
    if role not in registry.VIEWERS["organisation"]:
        return dict.fromkeys(DUTY_FIGURES)
    a = registry.anchors(w)[role]
    regions = [r for r in Region.objects.all() if registry.region_visible(r, a)]
    grids = {r.pk for r in regions if r.kind == 5}
    staffed = {
        ra.region_id
        for ra in RoleAssignment.objects.select_related("user")
        if ra.role == "grid_worker" and ra.user.is_active
    }
    organisations = [
        o
        for o in Organisation.objects.select_related("region", "sector")
        if o.is_active and o.region in regions and registry.organisation_visible(o, a)
    ]
    return {
        "townships": sum(1 for r in regions if r.kind == 4),
        "grids": len(grids),
        "grids_staffed": len(grids & staffed),
        "grids_unstaffed": len(grids - staffed),
        "organisations": len(organisations),
        "committees": sum(1 for o in organisations if o.kind in ("county_committee", "sector_committee")),
        "grid_duty_lists": sum(
            1 for d in GridDuty.objects.select_related("grid") if registry.gridduty_visible(d, a)
        ),
    }
