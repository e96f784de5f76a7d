"""Reads for risk points, their history, site gradings, a site's colour and counts for the map."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from safegrid.accounts.roles import Cap
from safegrid.core.selectors import scoped_get
from safegrid.sites.models import Site

from .choices import LEVEL_COLOUR, LEVEL_RANK, GradingMethod, RiskLevel
from .models import RiskAssessment, RiskPoint, SiteRiskGrading


def risk_point_list(*, actor, capability: str | None = Cap.VIEW_RISK) -> QuerySet[RiskPoint]:
    return (
        RiskPoint.objects.visible_to(actor, capability)
        .select_related("site")
        .order_by("site__name", "name", "id")
    )


def risk_point_get(*, actor, pk, capability: str | None = Cap.VIEW_RISK) -> RiskPoint:
    return scoped_get(risk_point_list(actor=actor, capability=capability), pk)


def risk_assessment_history(*, risk_point: RiskPoint) -> QuerySet[RiskAssessment]:
    """The assessments of a point already fetched through `risk_point_get`, newest first."""
    return risk_point.assessments.select_related("assessed_by").order_by("-assessed_at", "-id")


def site_grading_list(*, actor, capability: str | None = Cap.VIEW_RISK) -> QuerySet[SiteRiskGrading]:
    return SiteRiskGrading.objects.visible_to(actor, capability).select_related("site", "recorded_by")


@dataclass(frozen=True)
class SiteRiskLevel:
    """A site's colour and where it comes from: "grading" (the current enterprise-level grading,
    with its method) or "points" (the worst current risk point)."""

    level: str
    source: str
    method: str = ""

    @property
    def colour(self) -> str:
        return LEVEL_COLOUR[self.level]

    @property
    def label(self) -> str:
        return str(RiskLevel(self.level).label)

    @property
    def method_label(self) -> str:
        return str(GradingMethod(self.method).label) if self.method in GradingMethod.values else ""


def site_risk_level(*, actor, site: Site) -> SiteRiskLevel | None:
    """The site's risk level: its current enterprise-level grading where one is recorded, otherwise
    the worst level among its risk points; None when it has neither (or lies outside the actor's
    scope)."""
    grading = site_grading_list(actor=actor).filter(site_id=site.pk).order_by("-graded_on", "-id").first()
    if grading is not None:
        return SiteRiskLevel(level=grading.level, source="grading", method=grading.method)
    levels = set(risk_point_list(actor=actor).filter(site_id=site.pk).values_list("level", flat=True))
    if not levels:
        return None
    return SiteRiskLevel(level=max(levels, key=LEVEL_RANK.__getitem__), source="points")


def risk_site_get(*, actor, pk, capability: str | None = Cap.VIEW_RISK) -> Site:
    """A site whose risk figures the actor may see (missing or outside the scope → NotInScope)."""
    return scoped_get(Site.objects.visible_to(actor, capability), pk)


GROUPS = {
    "sector": "sector_id",
    "township": "site__grid__parent_id",
    "grid": "site__grid_id",
    "site": "site_id",
}


def risk_level_counts(*, actor, group_by: str = "sector") -> dict[int, dict[str, int]]:
    """Current risk points in the actor's scope counted by level, per group ("sector", "township",
    "grid" or "site" → {group id: {level: count}}, every level present). One query."""
    if group_by not in GROUPS:
        raise ValueError(f"unknown group_by {group_by!r}")
    key = GROUPS[group_by]
    rows = (
        risk_point_list(actor=actor)
        .order_by()
        .values(key)
        .annotate(**{level: Count("id", filter=Q(level=level)) for level in RiskLevel.values})
    )
    return {row[key]: {level: row[level] for level in RiskLevel.values} for row in rows}
