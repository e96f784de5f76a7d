"""Reads for support (基础保障). Every read starts from `visible_to(actor, capability)`; the figures
(fund totals, engagement figures, weight changes) are built on the same scoped querysets, so a row
outside the actor's scope is never counted."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from safegrid.accounts.models import User
from safegrid.accounts.roles import Cap, Role
from safegrid.core.scope import grants_for
from safegrid.core.selectors import scoped_get
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from .choices import SUPPORT_REGION_KINDS, FundPurpose
from .models import (
    AssessmentWeight,
    EngagementFinding,
    Expert,
    ExpertEngagement,
    FundAllocation,
    FundExpenditure,
    LeadershipResponsibility,
    ResponsibilityEvaluation,
)

ZERO = Decimal("0.00")


def _subtree_q(actor, capability: str, field: str) -> Q:
    """Rows whose `field` path lies under one of the actor's anchors for `capability` (choices of
    reference rows that are visible above the anchor too, but may only be used below it)."""
    q = Q(pk__in=[])
    for grant in grants_for(actor, capability):
        q |= Q(**{f"{field}__startswith": grant.path})
    return q


# ---- funds ------------------------------------------------------------------------------------


def fund_list(*, actor, capability: str | None = Cap.VIEW_SUPPORT) -> QuerySet[FundAllocation]:
    """Allocations with `spent` (sum of their expenditures) annotated."""
    return (
        FundAllocation.objects.visible_to(actor, capability)
        .select_related("region", "sector")
        .annotate(spent=Coalesce(Sum("expenditures__amount"), ZERO))
        .order_by("-year", "region_path", "purpose", "id")
    )


def fund_get(*, actor, pk, capability: str | None = Cap.VIEW_SUPPORT) -> FundAllocation:
    return scoped_get(
        fund_list(actor=actor, capability=capability).prefetch_related(
            Prefetch("expenditures", queryset=FundExpenditure.objects.order_by("spent_on", "id"))
        ),
        pk,
    )


@dataclass
class FundTotal:
    """Allocated, spent and remaining for one (year, purpose); year 0 / purpose "" for totals."""

    year: int
    purpose: str
    allocated: Decimal = ZERO
    spent: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.spent

    @property
    def purpose_label(self) -> str:
        return str(FundPurpose(self.purpose).label) if self.purpose else ""


def fund_totals(*, actor, allocations: QuerySet[FundAllocation] | None = None) -> list[FundTotal]:
    """Totals by year (newest first) and purpose (in the order of FundPurpose) of the allocations
    the actor may see — or of `allocations`, an already scoped and filtered queryset (the list
    page's filters). Two queries."""
    allocations = fund_list(actor=actor) if allocations is None else allocations
    keys = allocations.order_by().values("pk")
    rows: dict[tuple[int, str], FundTotal] = {}
    for r in (
        FundAllocation.objects.filter(pk__in=keys)
        .order_by()
        .values("year", "purpose")
        .annotate(s=Sum("amount"))
    ):
        rows[(r["year"], r["purpose"])] = FundTotal(r["year"], r["purpose"], allocated=r["s"])
    for r in (
        FundExpenditure.objects.filter(allocation__in=keys)
        .order_by()
        .values("allocation__year", "allocation__purpose")
        .annotate(s=Sum("amount"))
    ):
        rows[(r["allocation__year"], r["allocation__purpose"])].spent = r["s"]
    order = {p: i for i, p in enumerate(FundPurpose.values)}
    return sorted(rows.values(), key=lambda t: (-t.year, order[t.purpose]))


def fund_grand_total(totals: list[FundTotal]) -> FundTotal:
    total = FundTotal(0, "")
    for t in totals:
        total.allocated += t.allocated
        total.spent += t.spent
    return total


def fund_region_choices(*, actor) -> QuerySet[Region]:
    return Region.objects.visible_to(actor, Cap.MANAGE_FUNDS).filter(kind__in=SUPPORT_REGION_KINDS)


def sector_choices(*, actor, capability: str) -> QuerySet[Sector]:
    return Sector.objects.visible_to(actor, capability, write=False)


# ---- experts ----------------------------------------------------------------------------------


def expert_list(*, actor, capability: str | None = Cap.VIEW_SUPPORT) -> QuerySet[Expert]:
    return (
        Expert.objects.visible_to(actor, capability)
        .select_related("region")
        .prefetch_related(Prefetch("specialties", queryset=Sector.objects.order_by("sort_order", "id")))
        .order_by("region_path", "name", "id")
    )


def expert_get(*, actor, pk, capability: str | None = Cap.VIEW_SUPPORT) -> Expert:
    return scoped_get(expert_list(actor=actor, capability=capability).select_related("user"), pk)


def _expert_plain_list(*, actor) -> QuerySet[Expert]:
    """Pool entries whose full phone the actor may see: kept by the actor (MANAGE_EXPERTS scope) and
    within its VIEW_PLAIN_PII scope."""
    plain = Expert.objects.visible_to(actor, Cap.VIEW_PLAIN_PII).values("pk")
    return Expert.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(pk__in=plain)


def expert_plain_get(*, actor, pk) -> Expert:
    return scoped_get(_expert_plain_list(actor=actor), pk)


def can_unmask_expert(*, actor, expert: Expert) -> bool:
    """Whether the expert page offers "显示完整号码" to the actor."""
    if not (grants_for(actor, Cap.VIEW_PLAIN_PII) and grants_for(actor, Cap.MANAGE_EXPERTS)):
        return False
    return _expert_plain_list(actor=actor).filter(pk=expert.pk).exists()


def pool_region_choices(*, actor) -> QuerySet[Region]:
    return Region.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(kind=RegionKind.COUNTY)


def expert_user_choices(*, actor) -> QuerySet[User]:
    """Logins holding the expert role below one of the actor's MANAGE_EXPERTS anchors."""
    return (
        User.objects.filter(
            _subtree_q(actor, Cap.MANAGE_EXPERTS, "role_assignments__region_path"),
            role_assignments__role=Role.EXPERT,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


# ---- engagements ------------------------------------------------------------------------------


def engagement_list(*, actor, capability: str | None = Cap.VIEW_SUPPORT) -> QuerySet[ExpertEngagement]:
    return (
        ExpertEngagement.objects.visible_to(actor, capability)
        .select_related("site")
        .annotate(
            expert_count=Count("experts", distinct=True),
            finding_count=Count("findings", distinct=True),
        )
        .order_by("-start_date", "-id")
    )


def engagement_get(*, actor, pk, capability: str | None = Cap.VIEW_SUPPORT) -> ExpertEngagement:
    return scoped_get(
        engagement_list(actor=actor, capability=capability).prefetch_related(
            Prefetch("experts", queryset=Expert.objects.order_by("name", "id")),
            Prefetch("findings", queryset=EngagementFinding.objects.select_related("hazard").order_by("id")),
        ),
        pk,
    )


def finding_get(*, engagement: ExpertEngagement, pk) -> EngagementFinding:
    """One finding of an engagement already fetched through `engagement_get` (another engagement's
    finding is not found here, which is no scope denial)."""
    return scoped_get(engagement.findings.select_related("hazard"), pk, record_denial=False)


def engagement_site_choices(*, actor) -> QuerySet[Site]:
    return Site.objects.visible_to(actor, Cap.MANAGE_EXPERTS).select_related("grid").order_by("name", "id")


def engagement_expert_choices(*, actor) -> QuerySet[Expert]:
    return Expert.objects.visible_to(actor, Cap.MANAGE_EXPERTS, write=False).filter(is_active=True)


def engagement_days(engagement: ExpertEngagement) -> int:
    return (engagement.end_date - engagement.start_date).days + 1


@dataclass(frozen=True)
class EngagementFigures:
    engagements: int
    expert_days: int  # Σ experts × days (both dates included)
    cost: Decimal
    problems: int  # findings recorded
    hazards: int  # findings turned into hazards


def engagement_figures(
    *,
    actor,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    engagements: QuerySet[ExpertEngagement] | None = None,
) -> EngagementFigures:
    """The bulletin's expert figures over the engagements the actor may see that started in the
    period (both dates included; open ends allowed) — or over `engagements`, already scoped. Two
    queries; the expert-days are added up in Python (date arithmetic differs between databases)."""
    qs = engagement_list(actor=actor) if engagements is None else engagements
    if date_from is not None:
        qs = qs.filter(start_date__gte=date_from)
    if date_to is not None:
        qs = qs.filter(start_date__lte=date_to)
    keys = qs.order_by().values("pk")
    rows = list(
        ExpertEngagement.objects.filter(pk__in=keys)
        .order_by()
        .annotate(n=Count("experts"))
        .values_list("start_date", "end_date", "n", "cost")
    )
    findings = EngagementFinding.objects.filter(engagement__in=keys).aggregate(
        n=Count("id"), raised=Count("hazard")
    )
    return EngagementFigures(
        engagements=len(rows),
        expert_days=sum(((end - start).days + 1) * n for start, end, n, _cost in rows),
        cost=sum((cost for *_r, cost in rows), ZERO),
        problems=findings["n"],
        hazards=findings["raised"],
    )


# ---- evaluations, weights, leadership ---------------------------------------------------------


def evaluation_list(
    *, actor, capability: str | None = Cap.VIEW_SUPPORT
) -> QuerySet[ResponsibilityEvaluation]:
    return (
        ResponsibilityEvaluation.objects.visible_to(actor, capability)
        .select_related("unit")
        .order_by("-year", "-total_score", "id")
    )


def evaluation_get(*, actor, pk, capability: str | None = Cap.VIEW_SUPPORT) -> ResponsibilityEvaluation:
    return scoped_get(evaluation_list(actor=actor, capability=capability), pk)


def unit_choices(*, actor) -> QuerySet[Organisation]:
    """Organisations the actor may evaluate or record leaders of: those of its own subtree."""
    return (
        Organisation.objects.visible_to(actor, Cap.MANAGE_EVALUATION)
        .filter(_subtree_q(actor, Cap.MANAGE_EVALUATION, "region_path"))
        .order_by("region_path", "kind", "name", "id")
    )


def weight_change_percent(previous: Decimal | None, current: Decimal) -> Decimal | None:
    """Change of the weight against the year before, in per cent to one decimal (half up):
    1.7 → 2.0 gives +17.6. None without a previous year."""
    if previous is None or previous == 0:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WeightRow:
    weight: AssessmentWeight
    previous: Decimal | None
    change_percent: Decimal | None


def weight_list(*, actor, capability: str | None = Cap.VIEW_SUPPORT) -> QuerySet[AssessmentWeight]:
    return AssessmentWeight.objects.visible_to(actor, capability).select_related("region")


def weight_get(*, actor, pk, capability: str | None = Cap.VIEW_SUPPORT) -> AssessmentWeight:
    return scoped_get(weight_list(actor=actor, capability=capability), pk)


def weight_rows(*, actor) -> list[WeightRow]:
    """Each county's weights by year, each with the change against the county's year before (a
    gap of years compares with the latest earlier year recorded). One query."""
    rows, last = [], {}
    for w in weight_list(actor=actor).order_by("region_path", "year"):
        previous = last.get(w.region_id)
        rows.append(WeightRow(w, previous, weight_change_percent(previous, w.weight)))
        last[w.region_id] = w.weight
    return rows


def weight_region_choices(*, actor) -> QuerySet[Region]:
    return Region.objects.visible_to(actor, Cap.MANAGE_EVALUATION).filter(kind=RegionKind.COUNTY)


def leadership_list(
    *, actor, capability: str | None = Cap.VIEW_SUPPORT
) -> QuerySet[LeadershipResponsibility]:
    return (
        LeadershipResponsibility.objects.visible_to(actor, capability)
        .select_related("organisation")
        .order_by("-year", "region_path", "-is_first_responsible", "id")
    )


def leadership_get(*, actor, pk, capability: str | None = Cap.VIEW_SUPPORT) -> LeadershipResponsibility:
    return scoped_get(leadership_list(actor=actor, capability=capability), pk)


def can_record_findings(*, actor, engagement: ExpertEngagement) -> bool:
    """Findings are recorded by whoever manages the engagement or by one of its own experts (the
    same rule as `services.finding_add`, for showing the buttons and gating the pages)."""
    if ExpertEngagement.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(pk=engagement.pk).exists():
        return True
    return any(e.user_id == actor.pk for e in engagement.experts.all())
