from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
)
from safegrid.orgs.models import Organisation, Region
from safegrid.sites.models import Site

from . import selectors, services
from .choices import Channel
from .filters import ActivityFilterSet, PublicityPlanFilterSet
from .models import Activity, PublicityPlan

# ---- activities -------------------------------------------------------------------------------


class ActivityOutput(serializers.ModelSerializer):
    channel_display = ChoiceDisplayField("channel")
    organiser_name = serializers.CharField(source="organiser.name")
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Activity
        fields = [
            "id",
            "date",
            "title",
            "channel",
            "channel_display",
            "organiser",
            "organiser_name",
            "region",
            "region_name",
            "sector_id",
            "audience_count",
            "description",
            "created_by",
            "created_at",
        ]


class ActivityDetailOutput(ActivityOutput):
    sites_visited = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(ActivityOutput.Meta):
        fields = [*ActivityOutput.Meta.fields, "sites_visited"]


def _organiser_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: selectors.organiser_choices(actor=actor), **kwargs
    )


def _region_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Region, scoped=lambda actor: selectors.activity_region_choices(actor=actor), **kwargs
    )


def _sites_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Site, scoped=lambda actor: selectors.visited_site_choices(actor=actor), many=True, **kwargs
    )


class ActivityInput(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=100)
    channel = serializers.ChoiceField(choices=Channel.choices)
    organiser = _organiser_field()
    region = _region_field()
    audience_count = serializers.IntegerField(min_value=0, required=False, default=0)
    sites_visited = _sites_field(required=False, default=list)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ActivityUpdateInput(serializers.Serializer):
    """Only the fields given change."""

    date = serializers.DateField(required=False)
    title = serializers.CharField(max_length=100, required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    organiser = _organiser_field(required=False)
    region = _region_field(required=False)
    audience_count = serializers.IntegerField(min_value=0, required=False)
    sites_visited = _sites_field(required=False)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)


@extend_schema_view(
    create=extend_schema(request=ActivityInput, responses={201: ActivityDetailOutput}),
    partial_update=extend_schema(request=ActivityUpdateInput, responses={200: ActivityDetailOutput}),
    retrieve=extend_schema(responses=ActivityDetailOutput),
)
class PublicityActivityViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Publicity activities (宣传活动) in the caller's scope: recorded by grid workers, townships,
    sector officers and the county office; a sector officer sees its sector's activities only.

    This endpoint takes JSON only (like the hazard API). Photos are added through the attachments
    API: `POST /api/v1/attachments/` (multipart) with `activity=<id>`, `kind=photo` and `file`, by
    whoever may record the activity; `GET /api/v1/attachments/?activity=<id>` lists them."""

    capabilities = {
        "list": Cap.VIEW_PUBLICITY,
        "retrieve": Cap.VIEW_PUBLICITY,
        "create": Cap.RECORD_PUBLICITY,
        "partial_update": Cap.RECORD_PUBLICITY,
    }
    filterset_class = ActivityFilterSet
    output_serializer_class = ActivityDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.activity_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": ActivityInput,
            "partial_update": ActivityUpdateInput,
            "retrieve": ActivityDetailOutput,
        }.get(self.action, ActivityOutput)

    def _fresh(self, activity):
        return selectors.activity_get(actor=self.request.user, pk=activity.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.activity_record(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.activity_update(actor=actor, activity=instance, data=data))


# ---- plans ------------------------------------------------------------------------------------


class UnitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MonthDeliveryOutput(serializers.Serializer):
    """One month: the plan (theme, content, units, target) against the activities held."""

    month = serializers.IntegerField()
    theme = serializers.CharField()
    content = serializers.CharField()
    responsible_units = UnitOutput(many=True)
    planned_activities = serializers.IntegerField()
    held = serializers.IntegerField()
    audience = serializers.IntegerField()
    enterprise_visits = serializers.IntegerField(help_text=gettext_lazy("进企业宣传活动次数"))
    sites_visited = serializers.IntegerField(help_text=gettext_lazy("走访的不同场所数"))
    lectures = serializers.IntegerField(help_text=gettext_lazy("宣讲/讲座次数"))


class PlanOutput(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = PublicityPlan
        fields = ["id", "region", "region_name", "year", "title", "note", "created_by", "created_at"]


class PlanDetailOutput(PlanOutput):
    months = serializers.SerializerMethodField()

    class Meta(PlanOutput.Meta):
        fields = [*PlanOutput.Meta.fields, "months"]

    @extend_schema_field(MonthDeliveryOutput(many=True))
    def get_months(self, obj):
        request = self.context["request"]
        rows = selectors.plan_delivery(actor=request.user, region=obj.region, year=obj.year)
        return MonthDeliveryOutput(rows, many=True).data


class PlanInput(serializers.Serializer):
    region = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=lambda actor: selectors.plan_region_choices(actor=actor)
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PlanUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=100, required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PlanMonthInput(serializers.Serializer):
    """One month of the plan; only the fields given change (besides `month`)."""

    month = serializers.IntegerField(min_value=1, max_value=12)
    theme = serializers.CharField(max_length=100, required=False, allow_blank=True)
    content = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    responsible_units = ScopedPrimaryKeyRelatedField(
        model=Organisation,
        scoped=lambda actor: selectors.plan_unit_choices(actor=actor),
        many=True,
        required=False,
    )
    planned_activities = serializers.IntegerField(min_value=0, required=False)


@extend_schema_view(
    create=extend_schema(request=PlanInput, responses={201: PlanDetailOutput}),
    partial_update=extend_schema(request=PlanUpdateInput, responses={200: PlanDetailOutput}),
    retrieve=extend_schema(responses=PlanDetailOutput),
)
class PublicityPlanViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Annual publicity plans (年度安全生产宣传工作计划): readable in the county and below, kept by
    the county office; `months` gives the plan against delivery, `month` edits one month."""

    capabilities = {
        "list": Cap.VIEW_PUBLICITY,
        "retrieve": Cap.VIEW_PUBLICITY,
        "months": Cap.VIEW_PUBLICITY,
        "create": Cap.MANAGE_PUBLICITY_PLAN,
        "partial_update": Cap.MANAGE_PUBLICITY_PLAN,
        "month": Cap.MANAGE_PUBLICITY_PLAN,
    }
    filterset_class = PublicityPlanFilterSet
    output_serializer_class = PlanDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.plan_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": PlanInput,
            "partial_update": PlanUpdateInput,
            "retrieve": PlanDetailOutput,
            "months": MonthDeliveryOutput,
            "month": PlanMonthInput,
        }.get(self.action, PlanOutput)

    def _fresh(self, plan):
        return selectors.plan_get(actor=self.request.user, pk=plan.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.publicity_plan_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.publicity_plan_update(actor=actor, plan=instance, data=data))

    @extend_schema(responses=MonthDeliveryOutput(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def months(self, request, pk=None):
        """计划与落实: for each month, the plan against the activities held in the caller's scope."""
        plan = self.get_object()
        rows = selectors.plan_delivery(actor=request.user, region=plan.region, year=plan.year)
        return Response(MonthDeliveryOutput(rows, many=True).data)

    @extend_schema(request=PlanMonthInput, responses=PlanDetailOutput)
    @action(detail=True, methods=["post", "patch"], filterset_class=None)
    def month(self, request, pk=None):
        """编辑月度安排: theme, content, responsible units or target of one month."""
        plan = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.plan_month_update(actor=request.user, plan=plan, **serializer.validated_data)
        return self.output(self._fresh(plan))
