"""Risk points for the demo county (风险分级管控): a few at each enterprise in mining, hazardous
chemicals, hydropower and industry & trade, assessed by LEC or LS with the real tables, in a
realistic spread — few 重大 (red), more 较大 (orange), many 一般 (yellow) and 低 (blue).

Deterministic: sites are read in natural-key order and everything random comes from one
`random.Random(seed)`. Rows are bulk-created with their first assessment; no audit per row (the
county's `demo.seed` record carries the counts)."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from safegrid.accounts.models import User
from safegrid.risks.choices import MIN_CONTROL_LEVEL, AccidentType
from safegrid.risks.models import RiskAssessment, RiskPoint
from safegrid.risks.services import assess
from safegrid.risks.summary import rebuild as rebuild_risk_summary
from safegrid.sites.choices import BusinessStatus, SiteCategory, SiteKind
from safegrid.sites.models import Site

# kind → [(risk point, area, accident types)]
CATALOGUE: dict[str, list[tuple[str, str, list[str]]]] = {
    SiteKind.MINE: [
        ("井下采场", "井下作业区", ["roof_fall", "blasting", "object_strike"]),
        ("主井提升系统", "主井井口及提升机房", ["lifting", "fall"]),
        ("井下中央变电所", "井下中段", ["electrocution", "fire"]),
        ("炸药库", "地面爆破器材库", ["explosive"]),
        ("井下水泵房", "井下中段", ["water_inrush", "drowning"]),
        ("掘进工作面通风", "井下掘进巷道", ["poisoning"]),
    ],
    SiteKind.TAILINGS_POND: [
        ("尾矿坝", "库区坝体", ["collapse", "drowning"]),
        ("排洪设施", "排洪井及排洪隧洞", ["collapse", "drowning"]),
    ],
    SiteKind.HAZCHEM: [
        ("储罐区", "罐区", ["fire", "vessel_explosion", "poisoning"]),
        ("装卸作业区", "装卸站台", ["fire", "other_explosion", "vehicle"]),
        ("反应釜", "生产车间", ["vessel_explosion", "scald", "poisoning"]),
        ("危化品仓库", "仓储区", ["fire", "poisoning"]),
    ],
    SiteKind.FIREWORKS: [("烟花爆竹仓库", "仓储区", ["explosive", "fire"])],
    SiteKind.GAS_STATION: [
        ("油罐区", "加油站罐区", ["fire", "other_explosion"]),
        ("卸油作业", "卸油口", ["fire", "other_explosion"]),
    ],
    SiteKind.HYDROPOWER: [
        ("发电机组", "主厂房", ["machinery", "electrocution"]),
        ("升压站", "开关站", ["electrocution", "fire"]),
        ("压力前池及大坝", "引水建筑物", ["drowning", "collapse"]),
    ],
    SiteKind.FACTORY: [
        ("冲压设备", "生产车间", ["machinery"]),
        ("粉尘作业区", "打磨车间", ["other_explosion", "fire"]),
        ("行车吊装", "车间", ["lifting", "object_strike"]),
        ("配电室", "厂区", ["electrocution", "fire"]),
    ],
    SiteKind.FORESTRY: [
        ("木材加工锯机", "加工车间", ["machinery"]),
        ("木粉尘及堆场", "原料堆场", ["fire", "other_explosion"]),
    ],
}
# Factor values per target level (LEC: L, E, C; LS: L, S); the level itself is computed by `assess`.
LEC_BY_LEVEL = {
    "major": [("6", "6", "15"), ("3", "6", "40"), ("1", "6", "100")],
    "significant": [("3", "6", "15"), ("6", "3", "15"), ("3", "3", "40")],
    "general": [("3", "6", "7"), ("1", "6", "15"), ("3", "2", "15")],
    "low": [("1", "6", "7"), ("3", "3", "3"), ("1", "3", "15"), ("0.5", "6", "15")],
}
LS_BY_LEVEL = {
    "major": [(4, 5), (5, 4)],
    "significant": [(3, 5), (4, 4)],
    "general": [(3, 3), (2, 5), (3, 4)],
    "low": [(2, 3), (1, 5), (2, 4)],
}
# Target spread: few red, more orange, many yellow and blue.
LEVEL_WEIGHTS = {"major": 3, "significant": 14, "general": 41, "low": 42}
POINTS_PER_SITE = (2, 4)


def build_demo_risks(*, seed: int, today: datetime.date | None = None) -> dict[str, Any]:
    """Write risk points for the demo county's operating enterprises of the kinds in CATALOGUE and
    return their counts by level and by sector."""
    rng = random.Random(f"risks-{seed}")
    today = today or timezone.localdate()
    assessed_at = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(9))
    )
    author = User.objects.filter(username="office").first() or User.objects.order_by("username").first()
    sites = list(
        Site.objects.filter(
            kind__in=list(CATALOGUE),
            category=SiteCategory.ENTERPRISE,
            business_status=BusinessStatus.OPERATING,
        )
        .select_related("sector")
        .order_by("credit_code", "name")
    )
    levels, weights = list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values())
    points, assessments, by_level, by_sector = [], [], Counter(), Counter()
    with transaction.atomic():
        for site in sites:
            catalogue = CATALOGUE[site.kind]
            count = min(len(catalogue), rng.randint(*POINTS_PER_SITE))
            for name, area, accident_types in rng.sample(catalogue, count):
                target = rng.choices(levels, weights)[0]
                if rng.random() < 0.6:
                    lv, ev, cv = rng.choice(LEC_BY_LEVEL[target])
                    fields = assess(method="lec", l_value=lv, e_value=ev, c_value=cv)
                else:
                    lv, sv = rng.choice(LS_BY_LEVEL[target])
                    fields = assess(method="ls", l_value=lv, s_value=sv)
                point = RiskPoint(
                    site=site,
                    region_path=site.region_path,
                    sector_id=site.sector_id,
                    name=name,
                    area=area,
                    accident_types=accident_types,
                    hazardous_factors="可能导致"
                    + "、".join(str(AccidentType(t).label) for t in accident_types),
                    control_measures="落实岗位安全操作规程，定期检查维护，设置安全警示标志",
                    control_level=MIN_CONTROL_LEVEL[fields["level"]],
                    responsible_person=site.safety_contact or site.legal_representative or "",
                    review_date=today + datetime.timedelta(days=rng.randint(30, 365)),
                    assessed_at=assessed_at,
                    created_by=author,
                    **fields,
                )
                points.append(point)
                by_level[fields["level"]] += 1
                by_sector[site.sector.code] += 1
        RiskPoint.objects.bulk_create(points)
        for point in points:
            fields = {
                k: getattr(point, k)
                for k in ("method", "l_value", "e_value", "c_value", "s_value", "score", "level")
            }
            assessments.append(
                RiskAssessment(
                    risk_point=point, assessed_by=author, assessed_at=assessed_at, note="初始评估", **fields
                )
            )
        RiskAssessment.objects.bulk_create(assessments)
        rebuild_risk_summary()  # the per-site summary, which the services would keep
    return {
        "risk_points": len(points),
        "by_level": {level: by_level.get(level, 0) for level in levels},
        "by_sector": dict(sorted(by_sector.items())),
    }


def wipe_demo_risks() -> None:
    from safegrid.risks.models import SiteRiskGrading

    RiskAssessment.objects.all().delete()
    RiskPoint.objects.all().delete()
    SiteRiskGrading.objects.all().delete()
    rebuild_risk_summary()  # empty now, as the points
