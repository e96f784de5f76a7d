from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
)
from safegrid.sites import selectors as site_selectors
from safegrid.sites.models import Site

from . import selectors, services
from .choices import AccidentType, AssessmentMethod, ControlLevel
from .filters import RiskPointFilterSet
from .models import RiskAssessment, RiskPoint


class RiskAssessmentOutput(serializers.ModelSerializer):
    assessed_by_name = serializers.CharField(source="assessed_by.display_name")
    colour = serializers.CharField()

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "method",
            "l_value",
            "e_value",
            "c_value",
            "s_value",
            "score",
            "level",
            "colour",
            "assessed_by",
            "assessed_by_name",
            "assessed_at",
            "note",
        ]


class RiskPointOutput(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name")
    level_display = ChoiceDisplayField("level")
    colour = serializers.CharField()
    accident_types = serializers.ListField(child=serializers.ChoiceField(choices=AccidentType.choices))

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "site",
            "site_name",
            "name",
            "area",
            "accident_types",
            "hazardous_factors",
            "control_measures",
            "control_level",
            "responsible_person",
            "review_date",
            "method",
            "l_value",
            "e_value",
            "c_value",
            "s_value",
            "score",
            "level",
            "level_display",
            "colour",
            "assessed_at",
        ]


class RiskPointDetailOutput(RiskPointOutput):
    assessments = serializers.SerializerMethodField()

    class Meta(RiskPointOutput.Meta):
        fields = [*RiskPointOutput.Meta.fields, "assessments"]

    @extend_schema_field(RiskAssessmentOutput(many=True))
    def get_assessments(self, obj):
        history = selectors.risk_assessment_history(risk_point=obj)
        return RiskAssessmentOutput(history, many=True, context=self.context).data


def _factor(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=1, **kwargs)


class AssessmentInput(serializers.Serializer):
    """Factor values from the method's table (LEC: L, E, C; LS: L, S); score and level are computed."""

    method = serializers.ChoiceField(choices=AssessmentMethod.choices)
    l_value = _factor()
    e_value = _factor(required=False, allow_null=True, default=None)
    c_value = _factor(required=False, allow_null=True, default=None)
    s_value = _factor(required=False, allow_null=True, default=None)
    control_level = serializers.ChoiceField(
        choices=ControlLevel.choices, required=False, allow_null=True, default=None
    )


class RiskPointInput(AssessmentInput):
    site = ScopedPrimaryKeyRelatedField(
        model=Site, scoped=lambda actor: site_selectors.site_list(actor=actor, capability=Cap.MANAGE_RISK)
    )
    name = serializers.CharField(max_length=100)
    area = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    accident_types = serializers.ListField(
        child=serializers.ChoiceField(choices=AccidentType.choices), min_length=1, max_length=20
    )
    hazardous_factors = serializers.CharField(max_length=2000)
    control_measures = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    review_date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReassessInput(AssessmentInput):
    control_measures = serializers.CharField(max_length=4000, required=False, allow_null=True, default=None)
    review_date = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_view(
    create=extend_schema(request=RiskPointInput, responses={201: RiskPointDetailOutput}),
    retrieve=extend_schema(responses=RiskPointDetailOutput),
)
class RiskPointViewSet(ServiceCreateMixin, ScopedViewSet):
    """Risk points (风险点) in the caller's scope, with their current LEC/LS assessment; `reassess`
    appends an assessment (the history is kept)."""

    capabilities = {
        "list": Cap.VIEW_RISK,
        "retrieve": Cap.VIEW_RISK,
        "create": Cap.MANAGE_RISK,
        "reassess": Cap.MANAGE_RISK,
    }
    filterset_class = RiskPointFilterSet
    output_serializer_class = RiskPointDetailOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.risk_point_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        if self.action == "create":
            return RiskPointInput
        if self.action == "reassess":
            return ReassessInput
        if self.action == "retrieve":
            return RiskPointDetailOutput
        return RiskPointOutput

    def perform_service_create(self, *, actor, data):
        point = services.risk_point_create(actor=actor, **data)
        return selectors.risk_point_get(actor=actor, pk=point.pk)

    @extend_schema(request=ReassessInput, responses=RiskPointDetailOutput)
    @action(detail=True, methods=["post"])
    def reassess(self, request, pk=None):
        """重新评估: a new LEC or LS assessment becomes current; earlier ones stay in `assessments`."""
        point = selectors.risk_point_get(actor=request.user, pk=pk, capability=Cap.MANAGE_RISK)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        point = services.risk_point_reassess(
            actor=request.user, risk_point=point, **serializer.validated_data
        )
        return self.output(selectors.risk_point_get(actor=request.user, pk=point.pk), status.HTTP_200_OK)
