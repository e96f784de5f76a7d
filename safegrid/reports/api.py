"""The four-colour map and the sector × township matrix through the REST API (token or session),
the same data the map page draws."""

import datetime
from dataclasses import fields

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from safegrid.accounts.roles import Cap
from safegrid.core.api import HasCapability, ScopedPrimaryKeyRelatedField
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Sector
from safegrid.risks.choices import RiskLevel

from . import risk_map, statistics
from .forms import MAX_DAYS


class _RiskView(APIView):
    permission_classes = [HasCapability]

    def capability_for_action(self) -> str:
        return Cap.VIEW_RISK


class RiskMapQuery(serializers.Serializer):
    region = serializers.IntegerField(
        required=False, min_value=1, help_text="下钻到的区划 id（默认：本人可见的最高一级）"
    )
    sector = ScopedPrimaryKeyRelatedField(
        model=Sector,
        scoped=lambda actor: org_selectors.sector_choices(actor=actor, capability=Cap.VIEW_RISK),
        required=False,
    )
    level = serializers.ChoiceField(choices=RiskLevel.choices, required=False)


class RiskMapAPIView(_RiskView):
    """四色风险图数据：下级区划（GeoJSON FeatureCollection，含最高风险等级与各级计数）与场所点位。
    场所多于上限（reports.risk_map.SITE_LIST_CAP）时不列出点位，`sites` 为空，`sites_omitted` 为场所数。"""

    @extend_schema(parameters=[RiskMapQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        query = RiskMapQuery(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        region = None
        if query.validated_data.get("region") is not None:
            region = risk_map.map_region_get(actor=request.user, pk=query.validated_data["region"])
        data = risk_map.risk_map_data(
            actor=request.user,
            region=region,
            sector=query.validated_data.get("sector"),
            level=query.validated_data.get("level"),
        )
        return Response(data)


MatrixRow = inline_serializer(
    "RiskMatrixRow",
    {
        "sector": serializers.IntegerField(),
        "sector_name": serializers.CharField(),
        "township": serializers.IntegerField(),
        "township_name": serializers.CharField(),
        **{level: serializers.IntegerField() for level in RiskLevel.values},
    },
    many=True,
)


class RiskMatrixAPIView(_RiskView):
    """行业领域 × 乡镇 的红橙黄蓝风险点计数（只含非空单元格）。"""

    @extend_schema(responses={200: MatrixRow})
    def get(self, request):
        matrix = risk_map.risk_matrix(actor=request.user)
        rows = [
            {
                "sector": sector.pk,
                "sector_name": sector.name,
                "township": township.pk,
                "township_name": township.name,
                **counts,
            }
            for sector, township, counts in matrix.records()
        ]
        return Response(rows)


class StatisticsQuery(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text="起始日期（含），Asia/Shanghai 日历日；默认本年 1 月 1 日"
    )
    date_to = serializers.DateField(required=False, help_text="截止日期（含）；默认本年 12 月 31 日")

    def validate(self, attrs):
        today = timezone.localdate()
        attrs.setdefault("date_from", datetime.date(today.year, 1, 1))
        attrs.setdefault("date_to", datetime.date(today.year, 12, 31))
        if attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": "截止日期不能早于起始日期。"})
        if (attrs["date_to"] - attrs["date_from"]).days > MAX_DAYS:
            raise serializers.ValidationError({"date_to": "统计周期不能超过五年。"})
        return attrs


def _figures_serializer() -> serializers.Serializer:
    """Figures as an output serializer: one field per dataclass field, null where the actor may not
    see that group (see statistics.Figures)."""
    money = {"max_digits": 16, "decimal_places": 2, "coerce_to_string": True, "allow_null": True}
    columns: dict[str, serializers.Field] = {}
    for f in fields(statistics.Figures):
        if f.name in ("date_from", "date_to", "today"):
            columns[f.name] = serializers.DateField()
        elif "Decimal" in str(f.type):
            columns[f.name] = serializers.DecimalField(**money)
        elif "float" in str(f.type):
            columns[f.name] = serializers.FloatField(
                allow_null=True, help_text="整改率：已整改 / 发现（0—1）"
            )
        else:
            columns[f.name] = serializers.IntegerField(allow_null=True)
    return inline_serializer("StatisticsFigures", columns)


FiguresSerializer = _figures_serializer()


class StatisticsAPIView(APIView):
    """DESIGN.md §7 统计指标：一个统计周期（起止日期均含）内、本人可见范围内的各项数字；无权查看的
    一组指标为 null（不是 0）。与统计分析页面同一定义。"""

    permission_classes = [HasCapability]

    def capability_for_action(self) -> str:
        return Cap.VIEW_HAZARD

    @extend_schema(parameters=[StatisticsQuery], responses={200: FiguresSerializer})
    def get(self, request):
        today = timezone.localdate()
        query = StatisticsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = statistics.figures(
            actor=request.user,
            date_from=query.validated_data["date_from"],
            date_to=query.validated_data["date_to"],
            today=today,
        )
        return Response(type(FiguresSerializer)(result.as_dict()).data)
