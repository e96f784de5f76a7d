from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
)

from . import selectors, services
from .choices import RegionKind
from .filters import GridDutyFilterSet, OrganisationFilterSet, RegionFilterSet, SectorFilterSet
from .models import GridDuty, Organisation, Region, Sector

# ---- output -------------------------------------------------------------------------------------


class RegionOutput(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")

    class Meta:
        model = Region
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_display",
            "parent",
            "path",
            "depth",
            "center_lon",
            "center_lat",
            "planning_area",
            "sort_order",
        ]


class RegionDetailOutput(RegionOutput):
    class Meta(RegionOutput.Meta):
        fields = [*RegionOutput.Meta.fields, "geometry"]


class SectorOutput(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = [
            "id",
            "region",
            "code",
            "name",
            "committee_name",
            "lead_department",
            "member_departments",
            "meetings_per_year",
            "sort_order",
        ]


class OrganisationOutput(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "region",
            "sector",
            "parent",
            "contact_name",
            "contact_phone",
            "address",
            "is_active",
        ]


class GridDutyOutput(serializers.ModelSerializer):
    role_display = ChoiceDisplayField("role")
    duties = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = GridDuty
        fields = [
            "id",
            "grid",
            "role",
            "role_display",
            "person_name",
            "organisation",
            "duties",
            "inspection_interval_days",
        ]


# ---- input --------------------------------------------------------------------------------------


def _regions(capability):
    return lambda actor: selectors.region_list(actor=actor, capability=capability)


_SELECTORS = {Organisation: selectors.organisation_list, Sector: selectors.sector_list}


def _visible(model):
    return lambda actor: _SELECTORS[model](actor=actor)


class RegionCreateInput(serializers.Serializer):
    parent = ScopedPrimaryKeyRelatedField(model=Region, scoped=_regions(Cap.MANAGE_REGION))
    kind = serializers.ChoiceField(choices=RegionKind.choices)
    code = serializers.CharField(max_length=15)
    name = serializers.CharField(max_length=60)
    geometry = serializers.JSONField(required=False, allow_null=True)
    planning_area = serializers.BooleanField(required=False, default=False)
    sort_order = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1_000_000)


class RegionUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    geometry = serializers.JSONField(required=False, allow_null=True)
    planning_area = serializers.BooleanField(required=False)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)


class SectorCreateInput(serializers.Serializer):
    region = ScopedPrimaryKeyRelatedField(model=Region, scoped=_regions(Cap.MANAGE_SECTOR))
    code = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=60)
    committee_name = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    lead_department = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=_visible(Organisation), required=False, allow_null=True
    )
    member_departments = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    meetings_per_year = serializers.IntegerField(required=False, default=4, min_value=0, max_value=366)
    sort_order = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1_000_000)


class SectorUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    committee_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    lead_department = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=_visible(Organisation), required=False, allow_null=True
    )
    member_departments = serializers.CharField(max_length=300, required=False, allow_blank=True)
    meetings_per_year = serializers.IntegerField(required=False, min_value=0, max_value=366)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000)


class _OrganisationFields(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Organisation._meta.get_field("kind").choices)
    sector = ScopedPrimaryKeyRelatedField(
        model=Sector, scoped=_visible(Sector), required=False, allow_null=True
    )
    parent = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=_visible(Organisation), required=False, allow_null=True
    )
    contact_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class OrganisationCreateInput(_OrganisationFields):
    region = ScopedPrimaryKeyRelatedField(model=Region, scoped=_regions(Cap.MANAGE_ORGANISATION))


class OrganisationUpdateInput(_OrganisationFields):
    pass


class GridDutyCreateInput(serializers.Serializer):
    grid = ScopedPrimaryKeyRelatedField(
        model=Region,
        scoped=lambda actor: selectors.grid_choices(actor=actor, capability=Cap.MANAGE_GRIDDUTY),
    )
    role = serializers.ChoiceField(choices=GridDuty._meta.get_field("role").choices)
    person_name = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=_visible(Organisation), required=False, allow_null=True
    )
    duties = serializers.ListField(child=serializers.CharField(max_length=100), max_length=30)
    inspection_interval_days = serializers.IntegerField(
        required=False, default=90, min_value=1, max_value=366
    )


class GridDutyUpdateInput(serializers.Serializer):
    person_name = serializers.CharField(max_length=30, required=False, allow_blank=True)
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=_visible(Organisation), required=False, allow_null=True
    )
    duties = serializers.ListField(child=serializers.CharField(max_length=100), max_length=30, required=False)
    inspection_interval_days = serializers.IntegerField(required=False, min_value=1, max_value=366)


# ---- viewsets -----------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=RegionCreateInput, responses={201: RegionDetailOutput}),
    partial_update=extend_schema(request=RegionUpdateInput, responses={200: RegionDetailOutput}),
    retrieve=extend_schema(responses=RegionDetailOutput),
)
class RegionViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Regions and grids (区划与网格) in the caller's scope."""

    capabilities = {
        "list": Cap.VIEW_REGION,
        "retrieve": Cap.VIEW_REGION,
        "create": Cap.MANAGE_REGION,
        "partial_update": Cap.MANAGE_REGION,
    }
    filterset_class = RegionFilterSet
    output_serializer_class = RegionOutput

    def list_selector(self, *, actor, capability):
        return selectors.region_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        if self.action == "create":
            return RegionCreateInput
        if self.action == "partial_update":
            return RegionUpdateInput
        if self.action == "retrieve":
            return RegionDetailOutput
        return RegionOutput

    def output(self, instance, status_code=200):
        self.output_serializer_class = RegionDetailOutput
        return super().output(instance, status_code)

    def perform_service_create(self, *, actor, data):
        return services.region_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.region_update(actor=actor, region=instance, data=data)


@extend_schema_view(
    create=extend_schema(request=SectorCreateInput, responses={201: SectorOutput}),
    partial_update=extend_schema(request=SectorUpdateInput, responses={200: SectorOutput}),
)
class SectorViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Sectors and their safety committees (行业领域安委会)."""

    capabilities = {
        "list": Cap.VIEW_SECTOR,
        "retrieve": Cap.VIEW_SECTOR,
        "create": Cap.MANAGE_SECTOR,
        "partial_update": Cap.MANAGE_SECTOR,
    }
    filterset_class = SectorFilterSet
    output_serializer_class = SectorOutput

    def list_selector(self, *, actor, capability):
        return selectors.sector_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": SectorCreateInput, "partial_update": SectorUpdateInput}.get(
            self.action, SectorOutput
        )

    def perform_service_create(self, *, actor, data):
        return services.sector_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.sector_update(actor=actor, sector=instance, data=data)


@extend_schema_view(
    create=extend_schema(request=OrganisationCreateInput, responses={201: OrganisationOutput}),
    partial_update=extend_schema(request=OrganisationUpdateInput, responses={200: OrganisationOutput}),
)
class OrganisationViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Organisations (组织机构): committees, departments, township governments, grid units …"""

    capabilities = {
        "list": Cap.VIEW_ORGANISATION,
        "retrieve": Cap.VIEW_ORGANISATION,
        "create": Cap.MANAGE_ORGANISATION,
        "partial_update": Cap.MANAGE_ORGANISATION,
    }
    filterset_class = OrganisationFilterSet
    output_serializer_class = OrganisationOutput

    def list_selector(self, *, actor, capability):
        return selectors.organisation_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": OrganisationCreateInput, "partial_update": OrganisationUpdateInput}.get(
            self.action, OrganisationOutput
        )

    def perform_service_create(self, *, actor, data):
        return services.organisation_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.organisation_update(actor=actor, organisation=instance, data=data)


@extend_schema_view(
    create=extend_schema(request=GridDutyCreateInput, responses={201: GridDutyOutput}),
    partial_update=extend_schema(request=GridDutyUpdateInput, responses={200: GridDutyOutput}),
)
class GridDutyViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Duty lists per grid and role (网格职责清单)."""

    capabilities = {
        "list": Cap.VIEW_GRIDDUTY,
        "retrieve": Cap.VIEW_GRIDDUTY,
        "create": Cap.MANAGE_GRIDDUTY,
        "partial_update": Cap.MANAGE_GRIDDUTY,
    }
    filterset_class = GridDutyFilterSet
    output_serializer_class = GridDutyOutput

    def list_selector(self, *, actor, capability):
        return selectors.grid_duty_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": GridDutyCreateInput, "partial_update": GridDutyUpdateInput}.get(
            self.action, GridDutyOutput
        )

    def perform_service_create(self, *, actor, data):
        return services.grid_duty_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.grid_duty_update(actor=actor, duty=instance, data=data)
