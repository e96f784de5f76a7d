from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from safegrid.accounts.roles import Cap
from safegrid.core.api import ScopedPrimaryKeyRelatedField, ScopedViewSet, ServiceCreateMixin
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Organisation
from safegrid.sites import selectors as site_selectors
from safegrid.sites.models import Site

from . import selectors, services
from .choices import InspectionKind, InspectionResult, ItemResult
from .filters import InspectionFilterSet
from .models import Inspection


class InspectionItem(serializers.Serializer):
    item = serializers.CharField(max_length=200)
    result = serializers.ChoiceField(choices=ItemResult.choices, default=ItemResult.OK)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InspectionOutput(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display")
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
