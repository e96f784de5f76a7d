from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
    latitude_field,
    longitude_field,
)
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Region, Sector

from . import selectors, services
from .choices import BusinessStatus, SiteCategory, SiteKind, SiteSize
from .credit_code import credit_code_error
from .filters import SiteFilterSet
from .models import Site


class SiteOutput(serializers.ModelSerializer):
    category_display = ChoiceDisplayField("category")
    kind_display = ChoiceDisplayField("kind")
    sector_name = serializers.CharField(source="sector.name")
    grid_name = serializers.CharField(source="grid.name")

    class Meta:
        model = Site
        fields = [
            "id",
            "name",
            "category",
            "category_display",
            "kind",
            "kind_display",
            "credit_code",
            "sector",
            "sector_name",
            "grid",
            "grid_name",
            "region_path",
            "address",
            "longitude",
            "latitude",
            "is_key",
            "size",
            "employees",
            "legal_representative",
            "safety_contact",
            "contact_phone",
            "business_status",
            "created_at",
            "updated_at",
        ]


class _SiteFields(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=SiteCategory.choices)
    kind = serializers.ChoiceField(choices=SiteKind.choices)
    credit_code = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=None
    )
    address = serializers.CharField(max_length=200)
    longitude = longitude_field()
    latitude = latitude_field()
    is_key = serializers.BooleanField(required=False, default=False)
    size = serializers.ChoiceField(choices=SiteSize.choices, required=False, default=SiteSize.SMALL)
    employees = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    legal_representative = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    safety_contact = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    business_status = serializers.ChoiceField(
        choices=BusinessStatus.choices, required=False, default=BusinessStatus.OPERATING
    )

    def validate_credit_code(self, value):
        value = services.normalise_credit_code(value)
        if value is not None:
            error = credit_code_error(value)
            if error:
                raise serializers.ValidationError(error)
        return value


class SiteCreateInput(_SiteFields):
    sector = ScopedPrimaryKeyRelatedField(
        model=Sector, scoped=lambda actor: org_selectors.sector_choices(actor=actor, capability=Cap.ADD_SITE)
    )
    grid = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=lambda actor: org_selectors.grid_choices(actor=actor, capability=Cap.ADD_SITE)
    )


class SiteUpdateInput(_SiteFields):
    sector = ScopedPrimaryKeyRelatedField(
        model=Sector,
        scoped=lambda actor: org_selectors.sector_choices(actor=actor, capability=Cap.CHANGE_SITE),
    )
    grid = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=lambda actor: org_selectors.grid_choices(actor=actor, capability=Cap.CHANGE_SITE)
    )


@extend_schema_view(
    create=extend_schema(request=SiteCreateInput, responses={201: SiteOutput}),
    partial_update=extend_schema(request=SiteUpdateInput, responses={200: SiteOutput}),
)
class SiteViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Sites (场所): enterprises, projects and venues, each with a sector and a grid."""

    capabilities = {
        "list": Cap.VIEW_SITE,
        "retrieve": Cap.VIEW_SITE,
        "create": Cap.ADD_SITE,
        "partial_update": Cap.CHANGE_SITE,
    }
    filterset_class = SiteFilterSet
    output_serializer_class = SiteOutput

    def list_selector(self, *, actor, capability):
        return selectors.site_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": SiteCreateInput, "partial_update": SiteUpdateInput}.get(self.action, SiteOutput)

    def perform_service_create(self, *, actor, data):
        return services.site_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.site_update(actor=actor, site=instance, data=data)
