"""Writes for support (基础保障): funds and their spending, the expert pool, engagements and their
findings, responsibility evaluations, assessment weights and leadership responsibility records.

Each service takes the acting user, runs in one transaction, validates (`full_clean`), checks the
capability and scope by re-selecting through `visible_to(actor, capability)` (NotInScope → 404)
and writes exactly one audit record. Turning a finding into a hazard is the hazard service's
`hazard_report` (its one "hazard.report" record) plus the link back to the finding."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from safegrid.accounts.models import RoleAssignment
from safegrid.accounts.roles import Cap, Role
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import ApplicationError, CapabilityDenied, NotInScope
from safegrid.core.scope import grants_for
from safegrid.core.selectors import scoped_get
from safegrid.core.services import model_update
from safegrid.hazards.choices import HazardCategory, HazardGrade, HazardSource
from safegrid.orgs.choices import RegionKind
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.people.validators import normalise_phone
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

CENT = Decimal("0.01")


def _strip(value: Any) -> str:
    return (value or "").strip()


def _pks(objects: Iterable[Any]) -> list[int]:
    return sorted(o.pk for o in objects)


def _locked(model, actor, capability: str, pk):
    """The row, locked, when the actor may act on it with `capability`; NotInScope otherwise."""
    row = model.objects.visible_to(actor, capability).select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    return row


def _still_in_scope(model, actor, capability: str, pk) -> None:
    """After a write, inside its transaction: the row still lies in the actor's scope."""
    if not model.objects.visible_to(actor, capability).filter(pk=pk).exists():
        raise NotInScope(_("未找到。"))


def _yuan(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("请填写有效的金额。")}) from None
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("金额应大于 0。") if not allow_zero else _("金额不能为负数。")})
    return amount


# ---- funds ------------------------------------------------------------------------------------


def _check_fund_place(*, actor, region: Region, sector: Sector | None) -> None:
    if not Region.objects.visible_to(actor, Cap.MANAGE_FUNDS).filter(pk=region.pk).exists():
        raise NotInScope(_("未找到。"))
    if region.kind not in SUPPORT_REGION_KINDS:
        raise ValidationError({"region": _("资金应安排到县（区）或乡镇（街道）。")})
    if sector is not None:
        sectors = Sector.objects.visible_to(actor, Cap.MANAGE_FUNDS, write=False)
        if not sectors.filter(pk=sector.pk).exists() or not region.path.startswith(sector.region_path):
            raise ValidationError({"sector": _("行业领域应为本县（区）的行业领域。")})


def _spent(allocation: FundAllocation) -> Decimal:
    return allocation.expenditures.aggregate(s=Sum("amount"))["s"] or Decimal("0")


@transaction.atomic
def fund_allocation_create(
    *,
    actor,
    year: int,
    title: str,
    purpose: str,
    amount: Decimal,
    region: Region,
    sector: Sector | None = None,
    source: str = "",
    document_number: str = "",
    note: str = "",
) -> FundAllocation:
    """Record a fund allocation to the county or a township of the actor's MANAGE_FUNDS scope,
    optionally for one sector of the county. One audit record ("fund_allocation.create").
    NotInScope outside the scope; ValidationError (Chinese) for a non-positive amount, a bad purpose,
    a region that is not a county or township or a sector of another county."""
    _check_fund_place(actor=actor, region=region, sector=sector)
    if purpose not in FundPurpose.values:
        raise ValidationError({"purpose": _("资金用途无效。")})
    allocation = FundAllocation(
        year=year,
        title=_strip(title),
        purpose=purpose,
        amount=_yuan(amount, "amount"),
        region=region,
        region_path=region.path,
        sector=sector,
        source=_strip(source),
        document_number=_strip(document_number),
        note=_strip(note),
        created_by=actor,
    )
    allocation.full_clean()
    allocation.save()
    _still_in_scope(FundAllocation, actor, Cap.MANAGE_FUNDS, allocation.pk)
    audit_record(
        actor=actor,
        action="fund_allocation.create",
        obj=allocation,
        changes={
            "year": [None, year],
            "purpose": [None, purpose],
            "amount": [None, str(allocation.amount)],
            "region": [None, region.pk],
            "sector": [None, sector.pk if sector else None],
        },
    )
    return allocation


FUND_EDITABLE = [
    "year",
    "title",
    "purpose",
    "amount",
    "source",
    "document_number",
    "note",
    "region",
    "sector",
]


@transaction.atomic
def fund_allocation_update(*, actor, allocation: FundAllocation, data: dict[str, Any]) -> FundAllocation:
    """Correct an allocation; the amount may not fall below what was already spent. Scope keys
    follow a new region. One audit record ("fund_allocation.update") when something changed."""
    row = _locked(FundAllocation, actor, Cap.MANAGE_FUNDS, allocation.pk)
    data = {k: v for k, v in data.items() if k in FUND_EDITABLE}
    for key in ("title", "source", "document_number", "note"):
        if key in data:
            data[key] = _strip(data[key])
    if "title" in data and not data["title"]:
        raise ValidationError({"title": _("请填写资金名称。")})
    if "purpose" in data and data["purpose"] not in FundPurpose.values:
        raise ValidationError({"purpose": _("资金用途无效。")})
    if "region" in data or "sector" in data:
        _check_fund_place(
            actor=actor, region=data.get("region", row.region), sector=data.get("sector", row.sector)
        )
    if "amount" in data:
        data["amount"] = _yuan(data["amount"], "amount")
        spent = _spent(row)
        if data["amount"] < spent:
            raise ValidationError(
                {"amount": _("安排金额不能少于已支出的 %(spent)s 元。") % {"spent": f"{spent:,.2f}"}}
            )
    data["region_path"] = data.get("region", row.region).path
    changes = model_update(instance=row, fields=[*FUND_EDITABLE, "region_path"], data=data)
    if changes:
        _still_in_scope(FundAllocation, actor, Cap.MANAGE_FUNDS, row.pk)
        audit_record(actor=actor, action="fund_allocation.update", obj=row, changes=changes)
    return row


@transaction.atomic
def fund_expenditure_add(
    *,
    actor,
    allocation: FundAllocation,
    spent_on: datetime.date,
    amount: Decimal,
    description: str,
    payee: str = "",
) -> FundExpenditure:
    """Record spending against an allocation. The allocation is locked, so that two spendings
    recorded at once cannot together exceed it; an amount beyond what remains is refused
    (ValidationError on `amount`, in Chinese). One audit record ("fund_expenditure.add")."""
    row = _locked(FundAllocation, actor, Cap.MANAGE_FUNDS, allocation.pk)
    amount = _yuan(amount, "amount")
    if spent_on is None:
        raise ValidationError({"spent_on": _("请填写支出日期。")})
    if spent_on > timezone.localdate():
        raise ValidationError({"spent_on": _("支出日期不能晚于今天。")})
    remaining = row.amount - _spent(row)
    if amount > remaining:
        raise ValidationError(
            {
                "amount": _("支出金额 %(amount)s 元超出该笔资金的剩余额度 %(remaining)s 元。")
                % {"amount": f"{amount:,.2f}", "remaining": f"{remaining:,.2f}"}
            }
        )
    expenditure = FundExpenditure(
        allocation=row,
        spent_on=spent_on,
        amount=amount,
        description=_strip(description),
        payee=_strip(payee),
        created_by=actor,
    )
    expenditure.full_clean()
    expenditure.save()
    audit_record(
        actor=actor,
        action="fund_expenditure.add",
        obj=row,
        changes={"expenditure": [None, expenditure.pk], "amount": [None, str(amount)]},
    )
    return expenditure


# ---- experts ----------------------------------------------------------------------------------


def _check_pool_region(actor, region: Region) -> None:
    if not Region.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(pk=region.pk).exists():
        raise NotInScope(_("未找到。"))
    if region.kind != RegionKind.COUNTY:
        raise ValidationError({"region": _("专家库按县（区）建立，请选择县级区划。")})


def _check_expert_user(user, region: Region, expert: Expert | None = None) -> None:
    if user is None:
        return
    holds = RoleAssignment.objects.filter(
        user=user, role=Role.EXPERT, region_path__startswith=region.path
    ).exists()
    if not holds:
        raise ValidationError({"user": _("登录账号应为本县（区）专家角色的账号。")})
    taken = Expert.objects.filter(user=user).exclude(pk=expert.pk if expert else None).exists()
    if taken:
        raise ValidationError({"user": _("该账号已关联其他专家。")})


def _check_specialties(actor, sectors: Iterable[Sector], region: Region) -> list[Sector]:
    sectors = list(sectors)
    visible = set(
        Sector.objects.visible_to(actor, Cap.MANAGE_EXPERTS, write=False)
        .filter(pk__in=[s.pk for s in sectors], region_path=region.path)
        .values_list("pk", flat=True)
    )
    if any(s.pk not in visible for s in sectors):
        raise ValidationError({"specialties": _("专业领域应为本县（区）的行业领域。")})
    return sectors


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


@transaction.atomic
def expert_create(
    *,
    actor,
    name: str,
    region: Region,
    specialties: Iterable[Sector] = (),
    expertise: str = "",
    title: str = "",
    employer: str = "",
    phone: str = "",
    user=None,
    is_active: bool = True,
    note: str = "",
) -> Expert:
    """Add an expert to a county's pool (the county office or a sector officer of the county).
    `user`, if given, is a login holding the expert role in that county, linked to no other entry;
    the phone is checked and stored for masked display only. One audit record ("expert.create")."""
    _check_pool_region(actor, region)
    sectors = _check_specialties(actor, specialties, region)
    _check_expert_user(user, region)
    expert = Expert(
        name=_strip(name),
        region=region,
        region_path=region.path,
        expertise=_strip(expertise),
        title=_strip(title),
        employer=_strip(employer),
        phone=_phone(phone),
        user=user,
        is_active=is_active,
        note=_strip(note),
    )
    expert.full_clean()
    expert.save()
    expert.specialties.set(sectors)
    _still_in_scope(Expert, actor, Cap.MANAGE_EXPERTS, expert.pk)
    audit_record(
        actor=actor,
        action="expert.create",
        obj=expert,
        changes={
            "region": [None, region.pk],
            "specialties": [None, _pks(sectors)],
            "user": [None, user.pk if user else None],
        },
    )
    return expert


EXPERT_EDITABLE = ["name", "expertise", "title", "employer", "phone", "user", "is_active", "note"]


@transaction.atomic
def expert_unmask(*, actor, expert: Expert) -> dict[str, str]:
    """The full phone of one pool entry, for an actor holding VIEW_PLAIN_PII who keeps the pool
    (MANAGE_EXPERTS; NotInScope → 404 outside both scopes). One audit record ("expert.unmask") with
    the masked phone only."""
    if not (grants_for(actor, Cap.VIEW_PLAIN_PII) and grants_for(actor, Cap.MANAGE_EXPERTS)):
        raise CapabilityDenied(_("您没有执行该操作的权限。"))
    plain = Expert.objects.visible_to(actor, Cap.VIEW_PLAIN_PII).values("pk")
    row = scoped_get(Expert.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(pk__in=plain), expert.pk)
    audit_record(actor=actor, action="expert.unmask", obj=row, changes={"phone": row.masked_phone})
    return {"phone": row.phone}


@transaction.atomic
def expert_update(*, actor, expert: Expert, data: dict[str, Any]) -> Expert:
    """Edit a pool entry (the county is fixed). The phone is never part of the audit diff, only
    the fact that it changed. One audit record ("expert.update") when something changed."""
    row = _locked(Expert, actor, Cap.MANAGE_EXPERTS, expert.pk)
    data = {k: v for k, v in data.items() if k in [*EXPERT_EDITABLE, "specialties"]}
    for key in ("name", "expertise", "title", "employer", "note"):
        if key in data:
            data[key] = _strip(data[key])
    if "name" in data and not data["name"]:
        raise ValidationError({"name": _("请填写姓名。")})
    if "phone" in data:
        data["phone"] = _phone(data["phone"])
    if "user" in data:
        _check_expert_user(data["user"], row.region, row)
    changes = model_update(instance=row, fields=EXPERT_EDITABLE, data=data)
    if "phone" in changes:
        changes["phone"] = ["***", "***"]  # personal data stays out of the audit trail
    if "specialties" in data:
        sectors = _check_specialties(actor, data["specialties"], row.region)
        before = _pks(row.specialties.all())
        if _pks(sectors) != before:
            row.specialties.set(sectors)
            changes["specialties"] = [before, _pks(sectors)]
    if changes:
        audit_record(actor=actor, action="expert.update", obj=row, changes=changes)
    return row


# ---- engagements ------------------------------------------------------------------------------


def _check_engagement(
    *, actor, site: Site, experts: Iterable[Expert], start_date, end_date, cost
) -> tuple[list[Expert], Decimal]:
    if not Site.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(pk=site.pk).exists():
        raise NotInScope(_("未找到。"))
    experts = list(experts)
    if not experts:
        raise ValidationError({"experts": _("请选择参与服务的专家。")})
    usable = set(
        Expert.objects.visible_to(actor, Cap.MANAGE_EXPERTS, write=False)
        .filter(pk__in=[e.pk for e in experts], is_active=True)
        .values_list("pk", flat=True)
    )
    if any(e.pk not in usable or not site.region_path.startswith(e.region_path) for e in experts):
        raise ValidationError({"experts": _("请选择本县（区）专家库中在库的专家。")})
    if start_date is None or end_date is None:
        raise ValidationError({"start_date": _("请填写服务起止日期。")})
    if end_date < start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    return experts, _yuan(cost, "cost", allow_zero=True)


@transaction.atomic
def engagement_create(
    *,
    actor,
    site: Site,
    experts: Iterable[Expert],
    purpose: str,
    start_date: datetime.date,
    end_date: datetime.date,
    cost: Decimal = Decimal("0"),
    report: str = "",
) -> ExpertEngagement:
    """Engage experts of the county's pool at a site of the actor's MANAGE_EXPERTS scope (a sector
    officer: sites of its sectors). Scope keys are copied from the site. One audit record
    ("engagement.create"). NotInScope for a site outside the scope; ValidationError (Chinese) for no
    or unusable experts, dates in the wrong order or a negative cost."""
    experts, cost = _check_engagement(
        actor=actor, site=site, experts=experts, start_date=start_date, end_date=end_date, cost=cost
    )
    engagement = ExpertEngagement(
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        purpose=_strip(purpose),
        start_date=start_date,
        end_date=end_date,
        cost=cost,
        report=_strip(report),
        created_by=actor,
    )
    engagement.full_clean()
    engagement.save()
    engagement.experts.set(experts)
    _still_in_scope(ExpertEngagement, actor, Cap.MANAGE_EXPERTS, engagement.pk)
    audit_record(
        actor=actor,
        action="engagement.create",
        obj=engagement,
        changes={
            "site": [None, site.pk],
            "experts": [None, _pks(experts)],
            "start_date": [None, str(start_date)],
            "end_date": [None, str(end_date)],
            "cost": [None, str(cost)],
        },
    )
    return engagement


ENGAGEMENT_EDITABLE = ["site", "purpose", "start_date", "end_date", "cost", "report"]


@transaction.atomic
def engagement_update(*, actor, engagement: ExpertEngagement, data: dict[str, Any]) -> ExpertEngagement:
    """Correct an engagement with the rules of `engagement_create`; a new site moves the scope keys
    and must stay in the actor's scope. One audit record ("engagement.update") when something
    changed."""
    row = _locked(ExpertEngagement, actor, Cap.MANAGE_EXPERTS, engagement.pk)
    data = {k: v for k, v in data.items() if k in [*ENGAGEMENT_EDITABLE, "experts"]}
    for key in ("purpose", "report"):
        if key in data:
            data[key] = _strip(data[key])
    if "purpose" in data and not data["purpose"]:
        raise ValidationError({"purpose": _("请填写服务事项。")})
    current = list(row.experts.all())
    site = data.get("site", row.site)
    experts, cost = _check_engagement(
        actor=actor,
        site=site,
        experts=data.get("experts", current),
        start_date=data.get("start_date", row.start_date),
        end_date=data.get("end_date", row.end_date),
        cost=data.get("cost", row.cost),
    )
    data["cost"] = cost
    data["region_path"], data["sector_id"] = site.region_path, site.sector_id
    changes = model_update(instance=row, fields=[*ENGAGEMENT_EDITABLE, "region_path", "sector_id"], data=data)
    if _pks(experts) != _pks(current):
        row.experts.set(experts)
        changes["experts"] = [_pks(current), _pks(experts)]
    if changes:
        _still_in_scope(ExpertEngagement, actor, Cap.MANAGE_EXPERTS, row.pk)
        audit_record(actor=actor, action="engagement.update", obj=row, changes=changes)
    return row


def _engagement_for_findings(actor, engagement_pk) -> ExpertEngagement:
    """The engagement, locked, for recording its findings: by whoever manages it or by one of its
    own experts (an expert records what it found). Others who merely read it get CapabilityDenied;
    those who cannot see it, NotInScope."""
    row = (
        ExpertEngagement.objects.visible_to(actor, Cap.VIEW_SUPPORT)
        .select_for_update()
        .select_related("site")
        .filter(pk=engagement_pk)
        .first()
    )
    if row is None:
        raise NotInScope(_("未找到。"))
    manages = ExpertEngagement.objects.visible_to(actor, Cap.MANAGE_EXPERTS).filter(pk=row.pk).exists()
    if not manages and not row.experts.filter(user_id=actor.pk).exists():
        raise CapabilityDenied(_("只有参与本次服务的专家或专家管理人员才能登记发现的问题。"))
    return row


@transaction.atomic
def finding_add(
    *, actor, engagement: ExpertEngagement, description: str, location: str = ""
) -> EngagementFinding:
    """Record a problem an engagement found. By the engagement's managers or its own experts.
    One audit record ("engagement.finding_add")."""
    row = _engagement_for_findings(actor, engagement.pk)
    finding = EngagementFinding(
        engagement=row, description=_strip(description), location=_strip(location), created_by=actor
    )
    finding.full_clean()
    finding.save()
    audit_record(
        actor=actor,
        action="engagement.finding_add",
        obj=row,
        changes={"finding": [None, finding.pk], "description": [None, finding.description[:200]]},
    )
    return finding


@transaction.atomic
def finding_raise_hazard(
    *,
    actor,
    finding: EngagementFinding,
    category: str = HazardCategory.THING,
    grade: str = HazardGrade.GENERAL,
):
    """Turn a finding into a hazard at the engagement's site (source 专家服务), through
    `hazards.services.hazard_report` — which checks that the actor may report there, starts the
    hazard's timeline and writes its one audit record ("hazard.report") — and link it back to the
    finding. Refused (ApplicationError) when the finding already has its hazard."""
    from safegrid.hazards.services import hazard_report

    engagement = _engagement_for_findings(actor, finding.engagement_id)
    row = EngagementFinding.objects.select_for_update().filter(pk=finding.pk, engagement=engagement).first()
    if row is None:
        raise NotInScope(_("未找到。"))
    if row.hazard_id is not None:
        raise ApplicationError(
            _("该问题已生成隐患（%(number)s），请勿重复上报。") % {"number": row.hazard.number}
        )
    if category not in HazardCategory.values:
        raise ValidationError({"category": _("隐患类别无效。")})
    if grade not in HazardGrade.values:
        raise ValidationError({"grade": _("隐患等级无效。")})
    hazard = hazard_report(
        actor=actor,
        site=engagement.site,
        description=row.description,
        category=category,
        grade=grade,
        source=HazardSource.EXPERT,
        location=row.location,
    )
    row.hazard = hazard
    row.save(update_fields=["hazard"])
    return hazard


# ---- evaluations ------------------------------------------------------------------------------


def evaluation_items_clean(items: Any) -> tuple[list[dict[str, Any]], Decimal, Decimal]:
    """Normalise scored items [{item, max_score, score, note}] and return them with their total and
    full marks. ValidationError (Chinese, on `items`) for an empty list, a missing item name, a full
    mark that is not positive or a score outside 0 … full mark."""
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": _("请至少填写一个考核项目。")})
    cleaned, total, full = [], Decimal("0"), Decimal("0")
    for n, raw in enumerate(items, 1):
        if not isinstance(raw, dict):
            raise ValidationError({"items": _("第 %(n)s 项格式不正确。") % {"n": n}})
        name = _strip(str(raw.get("item") or ""))
        try:
            max_score = Decimal(str(raw.get("max_score"))).quantize(CENT)
            score = Decimal(str(raw.get("score"))).quantize(CENT)
        except (InvalidOperation, ValueError, TypeError):
            raise ValidationError({"items": _("第 %(n)s 项的分值应为数字。") % {"n": n}}) from None
        if not name:
            raise ValidationError({"items": _("第 %(n)s 项缺少考核项目名称。") % {"n": n}})
        if max_score <= 0:
            raise ValidationError({"items": _("第 %(n)s 项的满分应大于 0。") % {"n": n}})
        if not Decimal("0") <= score <= max_score:
            raise ValidationError({"items": _("第 %(n)s 项的得分应在 0 至满分之间。") % {"n": n}})
        note = _strip(str(raw.get("note") or ""))[:200]
        cleaned.append({"item": name[:100], "max_score": str(max_score), "score": str(score), "note": note})
        total += score
        full += max_score
    return cleaned, total, full


def _check_unit(actor, unit: Organisation) -> None:
    if not Organisation.objects.visible_to(actor, Cap.MANAGE_EVALUATION).filter(pk=unit.pk).exists():
        raise NotInScope(_("未找到。"))


@transaction.atomic
def evaluation_create(
    *,
    actor,
    unit: Organisation,
    year: int,
    items: list[dict[str, Any]],
    evaluator: str,
    vetoed: bool = False,
    note: str = "",
) -> ResponsibilityEvaluation:
    """Record the year's responsibility evaluation of a unit of the actor's MANAGE_EVALUATION
    scope; the total and full marks are computed from the items. One per unit and year. One audit
    record ("evaluation.create")."""
    _check_unit(actor, unit)
    cleaned, total, full = evaluation_items_clean(items)
    evaluation = ResponsibilityEvaluation(
        unit=unit,
        region_path=unit.region_path,
        sector_id=unit.sector_id,
        year=year,
        items=cleaned,
        total_score=total,
        max_score=full,
        vetoed=bool(vetoed),
        evaluator=_strip(evaluator),
        note=_strip(note),
        created_by=actor,
    )
    evaluation.full_clean()
    evaluation.save()
    _still_in_scope(ResponsibilityEvaluation, actor, Cap.MANAGE_EVALUATION, evaluation.pk)
    audit_record(
        actor=actor,
        action="evaluation.create",
        obj=evaluation,
        changes={"unit": [None, unit.pk], "year": [None, year], "total_score": [None, str(total)]},
    )
    return evaluation


@transaction.atomic
def evaluation_update(
    *, actor, evaluation: ResponsibilityEvaluation, data: dict[str, Any]
) -> ResponsibilityEvaluation:
    """Correct an evaluation's items, evaluator, veto or note (unit and year are fixed); the total
    follows the items. One audit record ("evaluation.update") when something changed."""
    row = _locked(ResponsibilityEvaluation, actor, Cap.MANAGE_EVALUATION, evaluation.pk)
    data = {k: v for k, v in data.items() if k in ("items", "evaluator", "vetoed", "note")}
    for key in ("evaluator", "note"):
        if key in data:
            data[key] = _strip(data[key])
    if "evaluator" in data and not data["evaluator"]:
        raise ValidationError({"evaluator": _("请填写考核单位。")})
    if "items" in data:
        data["items"], data["total_score"], data["max_score"] = evaluation_items_clean(data["items"])
    changes = model_update(
        instance=row, fields=["items", "total_score", "max_score", "evaluator", "vetoed", "note"], data=data
    )
    if changes:
        audit_record(actor=actor, action="evaluation.update", obj=row, changes=changes)
    return row


# ---- assessment weights -----------------------------------------------------------------------


def _weight(value: Any) -> Decimal:
    try:
        weight = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"weight": _("请填写有效的分值权重。")}) from None
    if weight <= 0:
        raise ValidationError({"weight": _("分值权重应大于 0。")})
    return weight


@transaction.atomic
def assessment_weight_create(
    *, actor, region: Region, year: int, weight: Decimal, note: str = ""
) -> AssessmentWeight:
    """Record the weight of work safety in a county's annual assessment for a year (one per county
    and year). One audit record ("assessment_weight.create")."""
    if not Region.objects.visible_to(actor, Cap.MANAGE_EVALUATION).filter(pk=region.pk).exists():
        raise NotInScope(_("未找到。"))
    if region.kind != RegionKind.COUNTY:
        raise ValidationError({"region": _("考核权重按县（区）设定，请选择县级区划。")})
    row = AssessmentWeight(
        region=region, region_path=region.path, year=year, weight=_weight(weight), note=_strip(note)
    )
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        action="assessment_weight.create",
        obj=row,
        changes={"region": [None, region.pk], "year": [None, year], "weight": [None, str(row.weight)]},
    )
    return row


@transaction.atomic
def assessment_weight_update(*, actor, weight: AssessmentWeight, data: dict[str, Any]) -> AssessmentWeight:
    """Correct a year's weight or note. One audit record ("assessment_weight.update") when changed."""
    row = _locked(AssessmentWeight, actor, Cap.MANAGE_EVALUATION, weight.pk)
    data = {k: v for k, v in data.items() if k in ("weight", "note")}
    if "weight" in data:
        data["weight"] = _weight(data["weight"])
    if "note" in data:
        data["note"] = _strip(data["note"])
    changes = model_update(instance=row, fields=["weight", "note"], data=data)
    if changes:
        audit_record(actor=actor, action="assessment_weight.update", obj=row, changes=changes)
    return row


# ---- leadership responsibility ----------------------------------------------------------------

LEADERSHIP_EDITABLE = [
    "official_name",
    "post",
    "organisation",
    "year",
    "is_first_responsible",
    "portfolio",
    "responsibilities",
    "letter_signed_on",
]


def _check_letter_date(value) -> None:
    if value is not None and value > timezone.localdate():
        raise ValidationError({"letter_signed_on": _("责任书签订日期不能晚于今天。")})


@transaction.atomic
def leadership_create(
    *,
    actor,
    official_name: str,
    post: str,
    organisation: Organisation,
    year: int,
    is_first_responsible: bool = False,
    portfolio: str = "",
    responsibilities: str = "",
    letter_signed_on: datetime.date | None = None,
) -> LeadershipResponsibility:
    """Record an official's work-safety responsibility (党政同责、一岗双责) in an organisation of the
    actor's MANAGE_EVALUATION scope for a year, with the date the responsibility letter was signed.
    Scope keys are copied from the organisation. One audit record ("leadership.create")."""
    _check_unit(actor, organisation)
    _check_letter_date(letter_signed_on)
    row = LeadershipResponsibility(
        official_name=_strip(official_name),
        post=_strip(post),
        organisation=organisation,
        region_path=organisation.region_path,
        sector_id=organisation.sector_id,
        year=year,
        is_first_responsible=bool(is_first_responsible),
        portfolio=_strip(portfolio),
        responsibilities=_strip(responsibilities),
        letter_signed_on=letter_signed_on,
        created_by=actor,
    )
    row.full_clean()
    row.save()
    _still_in_scope(LeadershipResponsibility, actor, Cap.MANAGE_EVALUATION, row.pk)
    audit_record(
        actor=actor,
        action="leadership.create",
        obj=row,
        changes={"organisation": [None, organisation.pk], "year": [None, year]},
    )
    return row


@transaction.atomic
def leadership_update(
    *, actor, record: LeadershipResponsibility, data: dict[str, Any]
) -> LeadershipResponsibility:
    """Correct a leadership record; scope keys follow a new organisation. One audit record
    ("leadership.update") when something changed."""
    row = _locked(LeadershipResponsibility, actor, Cap.MANAGE_EVALUATION, record.pk)
    data = {k: v for k, v in data.items() if k in LEADERSHIP_EDITABLE}
    for key in ("official_name", "post", "portfolio", "responsibilities"):
        if key in data:
            data[key] = _strip(data[key])
    for key, message in (("official_name", _("请填写姓名。")), ("post", _("请填写职务。"))):
        if key in data and not data[key]:
            raise ValidationError({key: message})
    if "organisation" in data:
        _check_unit(actor, data["organisation"])
    if "letter_signed_on" in data:
        _check_letter_date(data["letter_signed_on"])
    organisation = data.get("organisation", row.organisation)
    data["region_path"], data["sector_id"] = organisation.region_path, organisation.sector_id
    changes = model_update(instance=row, fields=[*LEADERSHIP_EDITABLE, "region_path", "sector_id"], data=data)
    if changes:
        _still_in_scope(LeadershipResponsibility, actor, Cap.MANAGE_EVALUATION, row.pk)
        audit_record(actor=actor, action="leadership.update", obj=row, changes=changes)
    return row
