from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
)
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Organisation
from safegrid.sites import selectors as site_selectors
from safegrid.sites.models import Site

from . import selectors, services
from .choices import InspectionKind, InspectionResult, ItemResult
from .filters import ChecklistFilterSet, CriterionFilterSet, InspectionFilterSet
from .models import Checklist, ChecklistItem, Criterion, Inspection, Instrument


class InspectionItem(serializers.Serializer):
    item = serializers.CharField(max_length=200)
    result = serializers.ChoiceField(choices=ItemResult.choices, default=ItemResult.OK)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InspectionOutput(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")
    site_name = serializers.CharField(source="site.name")
    items = InspectionItem(many=True)
    hazard_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "site",
            "site_name",
            "kind",
            "kind_display",
            "inspected_on",
            "organisation",
            "inspectors",
            "checklist",
            "items",
            "result",
            "summary",
            "recorded_by",
            "created_at",
            "hazard_count",
        ]


class InspectionInput(serializers.Serializer):
    site = ScopedPrimaryKeyRelatedField(
        model=Site, scoped=lambda actor: site_selectors.site_list(actor=actor, capability=Cap.ADD_INSPECTION)
    )
    kind = serializers.ChoiceField(choices=InspectionKind.choices)
    inspected_on = serializers.DateField()
    inspectors = serializers.CharField(max_length=200)
    result = serializers.ChoiceField(choices=InspectionResult.choices)
    checklist = ScopedPrimaryKeyRelatedField(
        model=Checklist,
        scoped=lambda actor: selectors.checklist_active_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("检查表；未填写检查项目时按检查表逐项预填为“符合”"),
    )
    items = InspectionItem(many=True, required=False, default=list)
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation,
        scoped=lambda actor: org_selectors.organisation_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )


@extend_schema_view(create=extend_schema(request=InspectionInput, responses={201: InspectionOutput}))
class InspectionViewSet(ServiceCreateMixin, ScopedViewSet):
    """Inspections (检查记录) in the caller's scope."""

    capabilities = {
        "list": Cap.VIEW_INSPECTION,
        "retrieve": Cap.VIEW_INSPECTION,
        "create": Cap.ADD_INSPECTION,
    }
    filterset_class = InspectionFilterSet
    output_serializer_class = InspectionOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.inspection_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return InspectionInput if self.action == "create" else InspectionOutput

    def perform_service_create(self, *, actor, data):
        inspection = services.inspection_record(actor=actor, **data)
        return selectors.inspection_get(actor=actor, pk=inspection.pk)


class InstrumentOutput(serializers.ModelSerializer):
    sector_codes = serializers.ListField(child=serializers.CharField(), source="sector_code_list")

    class Meta:
        model = Instrument
        fields = ["id", "name", "number", "sector_codes", "effective_from", "superseded_by"]


class CriterionOutput(serializers.ModelSerializer):
    instrument = InstrumentOutput()
    current = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = [
            "id",
            "instrument",
            "article",
            "item",
            "text",
            "is_major",
            "effective_from",
            "superseded_by",
            "current",
        ]

    def get_current(self, obj) -> bool:
        return obj.superseded_by_id is None and obj.instrument.superseded_by_id is None


class ChecklistItemOutput(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "text", "criterion"]


class ChecklistOutput(serializers.ModelSerializer):
    items = ChecklistItemOutput(many=True)

    class Meta:
        model = Checklist
        fields = ["id", "name", "sector_code", "active", "items"]


class CriterionViewSet(ScopedViewSet):
    """Major-hazard criteria (重大事故隐患判定标准条款): county-wide reference data, read-only here
    (edited by the system administrator in the admin or imported from Excel)."""

    capabilities = {"list": Cap.VIEW_INSPECTION, "retrieve": Cap.VIEW_INSPECTION}
    filterset_class = CriterionFilterSet
    output_serializer_class = CriterionOutput
    http_method_names = ["get", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.criterion_list(actor=actor, capability=capability)


class ChecklistViewSet(ScopedViewSet):
    """Checklists (检查表) per sector and general ones: reference data, read-only here."""

    capabilities = {"list": Cap.VIEW_INSPECTION, "retrieve": Cap.VIEW_INSPECTION}
    filterset_class = ChecklistFilterSet
    output_serializer_class = ChecklistOutput
    http_method_names = ["get", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.checklist_list(actor=actor, capability=capability)
