"""Risk points for the shared test world (conftest.build_world): two at 横水钨矿 (G11), one each at
新溪钨矿 (G12), 扬眉宾馆 (G21) and, in county B, 欣山钨矿 (G31), each with its first assessment.

Written through the model layer (fast, no audit) with the values the service would compute; used by
the scope contract's registry and by this app's tests. Idempotent per world."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from safegrid.risks import summary
from safegrid.risks.models import RiskAssessment, RiskPoint

ASSESSED_AT = timezone.make_aware(datetime.datetime(2026, 1, 6, 9, 0))

# key, site attribute, name, method, (L, E, C, S), score, level, control level
ROWS = [
    ("g11_stope", "site11_mine", "井下采场", "lec", ("6", "6", "15", None), "540", "major", "company"),
    ("g11_hoist", "site11_mine", "主井提升机房", "ls", ("2", None, None, "3"), "6", "low", "team"),
    ("g12_magazine", "site12_mine", "炸药库", "lec", ("3", "6", "15", None), "270", "significant", "company"),
    ("g21_kitchen", "site21_hotel", "后厨燃气间", "ls", ("3", None, None, "4"), "12", "general", "workshop"),
    ("g31_pond", "site31_mine", "尾矿库", "lec", ("1", "10", "7", None), "70", "low", "team"),
]


def _d(value):
    return None if value is None else Decimal(value)


def seed_risks(w) -> SimpleNamespace:
    existing = getattr(w, "risks", None)
    if existing is not None:
        return existing
    r = SimpleNamespace(points={})
    author = w.users["office"]
    for key, site_attr, name, method, (lv, ev, cv, sv), score, level, control in ROWS:
        site = getattr(w, site_attr)
        fields = {
            "method": method,
            "l_value": _d(lv),
            "e_value": _d(ev),
            "c_value": _d(cv),
            "s_value": _d(sv),
            "score": Decimal(score),
            "level": level,
        }
        point = RiskPoint.objects.create(
            site=site,
            region_path=site.region_path,
            sector_id=site.sector_id,
            name=name,
            area=name,
            accident_types=["fall", "other_injury"],
            hazardous_factors=f"{name}存在危险有害因素",
            control_level=control,
            assessed_at=ASSESSED_AT,
            created_by=author,
            **fields,
        )
        RiskAssessment.objects.create(risk_point=point, assessed_by=author, assessed_at=ASSESSED_AT, **fields)
        r.points[key] = point
    # Written around the services: bring the per-site summary the map reads above a county up to
    # date, as the demo builder does.
    summary.rebuild()
    w.risks = r
    return r
