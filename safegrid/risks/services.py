"""Writes for risk points (风险点), their assessments and enterprise-level gradings."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safegrid.accounts.roles import Cap
from safegrid.core.audit import audit_record
from safegrid.core.exceptions import NotInScope
from safegrid.sites.models import Site

from . import lec, ls, summary
from .choices import (
    CONTROL_RANK,
    MIN_CONTROL_LEVEL,
    AccidentType,
    AssessmentMethod,
    ControlLevel,
    GradingMethod,
    RiskLevel,
    worst_level,
)
from .models import RiskAssessment, RiskPoint, SiteRiskGrading

# DOMAIN.md §2.4: hazchem diagnosis out of 100 — 红 < 60, 橙 60–<75, 黄 75–<90, 蓝 ≥ 90.
HAZCHEM_BANDS: list[tuple[Decimal, str]] = [
    (Decimal("90"), RiskLevel.LOW),
    (Decimal("75"), RiskLevel.GENERAL),
    (Decimal("60"), RiskLevel.SIGNIFICANT),
]


def hazchem_level(score: Decimal) -> str:
    for lower, level in HAZCHEM_BANDS:
        if score >= lower:
            return level
    return RiskLevel.MAJOR


def assess(
    *, method: str, l_value: Any, e_value: Any = None, c_value: Any = None, s_value: Any = None
) -> dict:
    """The assessment fields for `method` with factor values from its tables (ValidationError in
    Chinese for any value not in the table); factors the method does not use are None."""
    if method == AssessmentMethod.LEC:
        d, level = lec.lec_assess(l_value, e_value, c_value)
        return {
            "method": method,
            "l_value": lec.factor_value("l_value", l_value),
            "e_value": lec.factor_value("e_value", e_value),
            "c_value": lec.factor_value("c_value", c_value),
            "s_value": None,
            "score": d,
            "level": level,
        }
    if method == AssessmentMethod.LS:
        r, level = ls.ls_assess(l_value, s_value)
        return {
            "method": method,
            "l_value": Decimal(ls.factor_value("l_value", l_value)),
            "e_value": None,
            "c_value": None,
            "s_value": Decimal(ls.factor_value("s_value", s_value)),
            "score": Decimal(r),
            "level": level,
        }
    raise ValidationError({"method": _("评估方法只能是 LEC 或 LS。")})


def _clean_accident_types(values: Any) -> list[str]:
    if not isinstance(values, list | tuple) or not values:
        raise ValidationError({"accident_types": _("请至少选择一种事故类型。")})
    cleaned = []
    for value in values:
        if value not in AccidentType.values:
            raise ValidationError({"accident_types": _("事故类型应为 GB 6441 规定的 20 类之一。")})
        if value not in cleaned:
            cleaned.append(value)
    return [code for code in AccidentType.values if code in cleaned]  # the standard's order


def _control_level(level: str, requested: str | None) -> str:
    """The control tier: at least the one the level requires (DOMAIN.md §2.2); blank → that one."""
    minimum = MIN_CONTROL_LEVEL[level]
    if not requested:
        return minimum
    if requested not in ControlLevel.values:
        raise ValidationError({"control_level": _("管控层级无效。")})
    if CONTROL_RANK[requested] < CONTROL_RANK[minimum]:
        raise ValidationError(
            {
                "control_level": _("%(level)s至少应由%(minimum)s管控。")
                % {"level": RiskLevel(level).label, "minimum": ControlLevel(minimum).label}
            }
        )
    return requested


def _manageable_site(actor, site: Site) -> None:
    if not Site.objects.visible_to(actor, Cap.MANAGE_RISK).filter(pk=site.pk).exists():
        raise NotInScope(_("未找到。"))


@transaction.atomic
def risk_point_create(
    *,
    actor,
    site: Site,
    name: str,
    hazardous_factors: str,
    accident_types: list[str],
    method: str,
    l_value: Any,
    e_value: Any = None,
    c_value: Any = None,
    s_value: Any = None,
    area: str = "",
    control_measures: str = "",
    control_level: str | None = None,
    responsible_person: str = "",
    review_date: datetime.date | None = None,
    note: str = "",
) -> RiskPoint:
    """Register a risk point at a site the actor may manage risks of, with its first assessment
    (computed here from the factor values). Writes the point, one assessment row, the point's count
    in the site risk summary (risks.summary) and one audit record. NotInScope outside the actor's
    scope; ValidationError (Chinese) for a factor value not in the method's table, an unknown
    accident type or a control tier below what the level requires."""
    _manageable_site(actor, site)
    fields = assess(method=method, l_value=l_value, e_value=e_value, c_value=c_value, s_value=s_value)
    now = timezone.now()
    point = RiskPoint(
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        name=(name or "").strip(),
        area=(area or "").strip(),
        accident_types=_clean_accident_types(accident_types),
        hazardous_factors=(hazardous_factors or "").strip(),
        control_measures=(control_measures or "").strip(),
        control_level=_control_level(fields["level"], control_level),
        responsible_person=(responsible_person or "").strip(),
        review_date=review_date,
        assessed_at=now,
        created_by=actor,
        **fields,
    )
    point.full_clean()
    point.save()
    summary.record_change(None, summary.state_of(point))
    RiskAssessment.objects.create(risk_point=point, assessed_by=actor, assessed_at=now, note=note, **fields)
    audit_record(
        actor=actor,
        action="risk_point.create",
        obj=point,
        changes={"site": [None, site.pk], "method": [None, method], "level": [None, fields["level"]]},
    )
    return point


@transaction.atomic
def risk_point_reassess(
    *,
    actor,
    risk_point: RiskPoint,
    method: str,
    l_value: Any,
    e_value: Any = None,
    c_value: Any = None,
    s_value: Any = None,
    control_measures: str | None = None,
    control_level: str | None = None,
    review_date: datetime.date | None = None,
    note: str = "",
) -> RiskPoint:
    """Assess a risk point again: appends an assessment row (the history is kept) and makes it the
    point's current assessment; the control tier is raised to what the new level requires unless a
    valid one is given. A change of level moves the point's count in the site risk summary
    (risks.summary). One audit record with the old and new level."""
    locked = (
        RiskPoint.objects.visible_to(actor, Cap.MANAGE_RISK)
        .select_for_update()
        .filter(pk=risk_point.pk)
        .first()
    )
    if locked is None:
        raise NotInScope(_("未找到。"))
    fields = assess(method=method, l_value=l_value, e_value=e_value, c_value=c_value, s_value=s_value)
    before = {"method": locked.method, "score": str(locked.score), "level": locked.level}
    before_state = summary.state_of(locked)
    if control_level:
        locked.control_level = _control_level(fields["level"], control_level)
    elif CONTROL_RANK[locked.control_level] < CONTROL_RANK[MIN_CONTROL_LEVEL[fields["level"]]]:
        locked.control_level = MIN_CONTROL_LEVEL[fields["level"]]
    if control_measures is not None:
        locked.control_measures = control_measures.strip()
    if review_date is not None:
        locked.review_date = review_date
    now = timezone.now()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.assessed_at = now
    locked.full_clean()
    locked.save(
        update_fields=[
            *fields,
            "assessed_at",
            "control_level",
            "control_measures",
            "review_date",
            "updated_at",
        ]
    )
    summary.record_change(before_state, summary.state_of(locked))
    RiskAssessment.objects.create(risk_point=locked, assessed_by=actor, assessed_at=now, note=note, **fields)
    audit_record(
        actor=actor,
        action="risk_point.reassess",
        obj=locked,
        changes={
            "method": [before["method"], method],
            "score": [before["score"], str(fields["score"])],
            "level": [before["level"], fields["level"]],
        },
    )
    return locked


@transaction.atomic
def site_grading_record(
    *,
    actor,
    site: Site,
    method: str,
    graded_on: datetime.date,
    score: Decimal | None = None,
    level: str | None = None,
    basis: str = "",
) -> SiteRiskGrading:
    """Record an enterprise-level grading of a site. With the hazchem diagnosis the score (0–100)
    decides the level (红 < 60 … 蓝 ≥ 90) unless the level given is worse (the four situations that
    make a company red directly); with another method the level is required and the basis should say
    which. Earlier gradings stay as history; the latest by date is current."""
    _manageable_site(actor, site)
    if method not in GradingMethod.values:
        raise ValidationError({"method": _("分级方法无效。")})
    if graded_on > timezone.localdate():
        raise ValidationError({"graded_on": _("分级日期不能晚于今天。")})
    if level and level not in RiskLevel.values:
        raise ValidationError({"level": _("风险等级无效。")})
    if method == GradingMethod.HAZCHEM_DIAGNOSIS:
        if score is None:
            raise ValidationError({"score": _("诊断分级须填写评估得分（百分制）。")})
        if not Decimal(0) <= Decimal(score) <= Decimal(100):
            raise ValidationError({"score": _("评估得分应在 0 至 100 之间。")})
        level = worst_level([hazchem_level(Decimal(score)), level])
    elif not level:
        raise ValidationError({"level": _("请选择风险等级。")})
    grading = SiteRiskGrading(
        site=site,
        region_path=site.region_path,
        sector_id=site.sector_id,
        method=method,
        score=score,
        level=level,
        graded_on=graded_on,
        basis=(basis or "").strip(),
        recorded_by=actor,
    )
    grading.full_clean()
    grading.save()
    audit_record(
        actor=actor,
        action="site_grading.record",
        obj=grading,
        changes={"site": [None, site.pk], "method": [None, method], "level": [None, level]},
    )
    return grading
