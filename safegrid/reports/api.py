"""The four-colour map and the sector × township matrix through the REST API (token or session),
the same data the map page draws."""

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

from . import risk_map


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
    """四色风险图数据：下级区划（GeoJSON FeatureCollection，含最高风险等级与各级计数）与场所点位。"""

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
