from decimal import Decimal

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from safegrid.accounts.models import User
from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
)
from safegrid.core.scope import grants_for
from safegrid.hazards.choices import HazardCategory, HazardGrade
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from . import selectors, services
from .choices import FundPurpose
from .filters import (
    EvaluationFilterSet,
    ExpertEngagementFilterSet,
    ExpertFilterSet,
    FundAllocationFilterSet,
    LeadershipFilterSet,
)
from .models import (
    EngagementFinding,
    Expert,
    ExpertEngagement,
    FundAllocation,
    FundExpenditure,
    LeadershipResponsibility,
    ResponsibilityEvaluation,
)


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


# ---- funds ------------------------------------------------------------------------------------


class ExpenditureOutput(serializers.ModelSerializer):
    class Meta:
        model = FundExpenditure
        fields = ["id", "spent_on", "amount", "description", "payee", "created_at"]


class FundAllocationOutput(serializers.ModelSerializer):
    purpose_display = ChoiceDisplayField("purpose")
    region_name = serializers.CharField(source="region.name")
    spent = _money(read_only=True)
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = FundAllocation
        fields = [
            "id",
            "year",
            "title",
            "purpose",
            "purpose_display",
            "amount",
            "spent",
            "remaining",
            "source",
            "document_number",
            "region",
            "region_name",
            "sector",
            "note",
            "created_at",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_remaining(self, obj):
        return f"{obj.amount - obj.spent:.2f}"


class FundAllocationDetailOutput(FundAllocationOutput):
    expenditures = ExpenditureOutput(many=True, read_only=True)

    class Meta(FundAllocationOutput.Meta):
        fields = [*FundAllocationOutput.Meta.fields, "expenditures"]


def _fund_region(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Region, scoped=lambda actor: selectors.fund_region_choices(actor=actor), **kwargs
    )


def _sector(capability, **kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Sector,
        scoped=lambda actor: selectors.sector_choices(actor=actor, capability=capability),
        **kwargs,
    )


class FundAllocationInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100)
    purpose = serializers.ChoiceField(choices=FundPurpose.choices)
    amount = _money(min_value=Decimal("0.01"))
    region = _fund_region()
    sector = _sector(Cap.MANAGE_FUNDS, required=False, allow_null=True, default=None)
    source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class FundAllocationUpdateInput(serializers.Serializer):
    """Only the fields given change."""

    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    title = serializers.CharField(max_length=100, required=False)
    purpose = serializers.ChoiceField(choices=FundPurpose.choices, required=False)
    amount = _money(min_value=Decimal("0.01"), required=False)
    region = _fund_region(required=False)
    sector = _sector(Cap.MANAGE_FUNDS, required=False, allow_null=True)
    source = serializers.CharField(max_length=100, required=False, allow_blank=True)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ExpenditureInput(serializers.Serializer):
    spent_on = serializers.DateField()
    amount = _money(min_value=Decimal("0.01"))
    description = serializers.CharField(max_length=200)
    payee = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class FundTotalOutput(serializers.Serializer):
    year = serializers.IntegerField()
    purpose = serializers.ChoiceField(choices=FundPurpose.choices)
    purpose_display = serializers.CharField(source="purpose_label")
    allocated = _money()
    spent = _money()
    remaining = _money()


@extend_schema_view(
    create=extend_schema(request=FundAllocationInput, responses={201: FundAllocationDetailOutput}),
    partial_update=extend_schema(
        request=FundAllocationUpdateInput, responses={200: FundAllocationDetailOutput}
    ),
    retrieve=extend_schema(responses=FundAllocationDetailOutput),
)
class FundAllocationViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Work-safety fund allocations (安全生产专项资金) with what was spent and what remains; kept by
    the county office. `totals` gives allocated / spent / remaining by year and purpose over the
    same filters; `expenditures` records spending (never beyond what remains)."""

    capabilities = {
        "list": Cap.VIEW_SUPPORT,
        "retrieve": Cap.VIEW_SUPPORT,
        "totals": Cap.VIEW_SUPPORT,
        "create": Cap.MANAGE_FUNDS,
        "partial_update": Cap.MANAGE_FUNDS,
        "expenditures": Cap.MANAGE_FUNDS,
    }
    filterset_class = FundAllocationFilterSet
    output_serializer_class = FundAllocationDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.fund_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": FundAllocationInput,
            "partial_update": FundAllocationUpdateInput,
            "retrieve": FundAllocationDetailOutput,
            "expenditures": ExpenditureInput,
            "totals": FundTotalOutput,
        }.get(self.action, FundAllocationOutput)

    def _fresh(self, allocation):
        return selectors.fund_get(actor=self.request.user, pk=allocation.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.fund_allocation_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.fund_allocation_update(actor=actor, allocation=instance, data=data))

    @extend_schema(request=ExpenditureInput, responses={201: FundAllocationDetailOutput})
    @action(detail=True, methods=["post"], filterset_class=None)
    def expenditures(self, request, pk=None):
        """登记资金支出: refused in Chinese beyond what remains of the allocation."""
        allocation = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.fund_expenditure_add(actor=request.user, allocation=allocation, **serializer.validated_data)
        return self.output(self._fresh(allocation), status.HTTP_201_CREATED)

    @extend_schema(responses=FundTotalOutput(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def totals(self, request):
        """资金汇总: allocated, spent and remaining by year and purpose, over the list's filters."""
        allocations = self.filter_queryset(self.get_queryset())
        rows = selectors.fund_totals(actor=request.user, allocations=allocations)
        return Response(FundTotalOutput(rows, many=True).data)


# ---- experts ----------------------------------------------------------------------------------


class ExpertOutput(serializers.ModelSerializer):
    phone_masked = serializers.CharField(source="masked_phone", help_text=gettext_lazy("脱敏后的联系电话"))
    region_name = serializers.CharField(source="region.name")
    specialties = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "specialties",
            "expertise",
            "title",
            "employer",
            "phone_masked",
            "user",
            "is_active",
            "note",
        ]


def _expert_user(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=User, scoped=lambda actor: selectors.expert_user_choices(actor=actor), **kwargs
    )


class ExpertInput(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    region = ScopedPrimaryKeyRelatedField(
        model=Region, scoped=lambda actor: selectors.pool_region_choices(actor=actor)
    )
    specialties = _sector(Cap.MANAGE_EXPERTS, many=True, required=False, default=list)
    expertise = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    user = _expert_user(required=False, allow_null=True, default=None)
    is_active = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ExpertUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    specialties = _sector(Cap.MANAGE_EXPERTS, many=True, required=False)
    expertise = serializers.CharField(max_length=200, required=False, allow_blank=True)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True)
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    user = _expert_user(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ExpertPlainOutput(serializers.Serializer):
    phone = serializers.CharField(help_text=gettext_lazy("完整联系电话"))


@extend_schema_view(
    create=extend_schema(request=ExpertInput, responses={201: ExpertOutput}),
    partial_update=extend_schema(request=ExpertUpdateInput, responses={200: ExpertOutput}),
)
class ExpertViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """The county's expert pool (专家库); phones leave the server masked only. An expert login sees
    its own entry only."""

    capabilities = {
        "list": Cap.VIEW_SUPPORT,
        "retrieve": Cap.VIEW_SUPPORT,
        "create": Cap.MANAGE_EXPERTS,
        "partial_update": Cap.MANAGE_EXPERTS,
        "unmask": Cap.VIEW_PLAIN_PII,  # and MANAGE_EXPERTS (checked in the action)
    }
    filterset_class = ExpertFilterSet
    output_serializer_class = ExpertOutput

    def list_selector(self, *, actor, capability):
        return selectors.expert_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": ExpertInput, "partial_update": ExpertUpdateInput}.get(self.action, ExpertOutput)

    def _fresh(self, expert):
        return selectors.expert_get(actor=self.request.user, pk=expert.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.expert_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.expert_update(actor=actor, expert=instance, data=data))

    @extend_schema(request=None, responses=ExpertPlainOutput)
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None):
        """显示完整号码: this one expert's full phone (never cached); one audit record."""
        if not grants_for(request.user, Cap.MANAGE_EXPERTS):
            raise PermissionDenied(_("您没有执行该操作的权限。"))
        expert = selectors.expert_plain_get(actor=request.user, pk=pk)
        response = Response(ExpertPlainOutput(services.expert_unmask(actor=request.user, expert=expert)).data)
        add_never_cache_headers(response)
        return response


# ---- engagements ------------------------------------------------------------------------------


class FindingOutput(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", default=None, allow_null=True)

    class Meta:
        model = EngagementFinding
        fields = ["id", "description", "location", "hazard", "hazard_number", "created_at"]


class EngagementOutput(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name")
    expert_count = serializers.IntegerField(read_only=True)
    finding_count = serializers.IntegerField(read_only=True)
    expert_days = serializers.SerializerMethodField()

    class Meta:
        model = ExpertEngagement
        fields = [
            "id",
            "site",
            "site_name",
            "sector_id",
            "purpose",
            "start_date",
            "end_date",
            "cost",
            "expert_count",
            "expert_days",
            "finding_count",
            "created_at",
        ]

    def get_expert_days(self, obj) -> int:
        return selectors.engagement_days(obj) * obj.expert_count


class EngagementDetailOutput(EngagementOutput):
    experts = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    findings = FindingOutput(many=True, read_only=True)

    class Meta(EngagementOutput.Meta):
        fields = [*EngagementOutput.Meta.fields, "experts", "report", "findings"]


def _site(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Site, scoped=lambda actor: selectors.engagement_site_choices(actor=actor), **kwargs
    )


def _experts(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Expert,
        scoped=lambda actor: selectors.engagement_expert_choices(actor=actor),
        many=True,
        **kwargs,
    )


class EngagementInput(serializers.Serializer):
    site = _site()
    experts = _experts()
    purpose = serializers.CharField(max_length=200)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    cost = _money(min_value=Decimal("0"), required=False, default=0)
    report = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")


class EngagementUpdateInput(serializers.Serializer):
    site = _site(required=False)
    experts = _experts(required=False)
    purpose = serializers.CharField(max_length=200, required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    cost = _money(min_value=Decimal("0"), required=False)
    report = serializers.CharField(max_length=8000, required=False, allow_blank=True)


class FindingInput(serializers.Serializer):
    description = serializers.CharField(max_length=2000)
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RaiseHazardInput(serializers.Serializer):
    finding = serializers.IntegerField()
    category = serializers.ChoiceField(choices=HazardCategory.choices)
    grade = serializers.ChoiceField(choices=HazardGrade.choices, required=False, default=HazardGrade.GENERAL)


class EngagementFiguresOutput(serializers.Serializer):
    engagements = serializers.IntegerField()
    expert_days = serializers.IntegerField(help_text=gettext_lazy("专家人·天：每次服务的专家人数 × 天数之和"))
    cost = _money()
    problems = serializers.IntegerField(help_text=gettext_lazy("发现问题数"))
    hazards = serializers.IntegerField(help_text=gettext_lazy("转为隐患的问题数"))


@extend_schema_view(
    create=extend_schema(request=EngagementInput, responses={201: EngagementDetailOutput}),
    partial_update=extend_schema(request=EngagementUpdateInput, responses={200: EngagementDetailOutput}),
    retrieve=extend_schema(responses=EngagementDetailOutput),
)
class ExpertEngagementViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Expert engagements (专家服务) at sites of the caller's scope; an expert login sees only those
    it took part in. `findings` records a problem (managers and the engagement's own experts),
    `raise-hazard` turns one into a hazard (source 专家服务) at the site, `figures` gives the
    bulletin's figures over the list's filters."""

    capabilities = {
        "list": Cap.VIEW_SUPPORT,
        "retrieve": Cap.VIEW_SUPPORT,
        "figures": Cap.VIEW_SUPPORT,
        "findings": Cap.VIEW_SUPPORT,  # the service admits managers and the engagement's experts
        "raise_hazard": Cap.VIEW_SUPPORT,  # idem, and hazard_report checks REPORT_HAZARD at the site
        "create": Cap.MANAGE_EXPERTS,
        "partial_update": Cap.MANAGE_EXPERTS,
    }
    filterset_class = ExpertEngagementFilterSet
    output_serializer_class = EngagementDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.engagement_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": EngagementInput,
            "partial_update": EngagementUpdateInput,
            "retrieve": EngagementDetailOutput,
            "findings": FindingInput,
            "raise_hazard": RaiseHazardInput,
            "figures": EngagementFiguresOutput,
        }.get(self.action, EngagementOutput)

    def _fresh(self, engagement):
        return selectors.engagement_get(actor=self.request.user, pk=engagement.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.engagement_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.engagement_update(actor=actor, engagement=instance, data=data))

    @extend_schema(request=FindingInput, responses={201: EngagementDetailOutput})
    @action(detail=True, methods=["post"], filterset_class=None)
    def findings(self, request, pk=None):
        """登记发现问题."""
        engagement = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.finding_add(actor=request.user, engagement=engagement, **serializer.validated_data)
        return self.output(self._fresh(engagement), status.HTTP_201_CREATED)

    @extend_schema(request=RaiseHazardInput, responses={201: EngagementDetailOutput})
    @action(detail=True, methods=["post"], url_path="raise-hazard", filterset_class=None)
    def raise_hazard(self, request, pk=None):
        """问题转为隐患: the hazard lands in the site's scope with source 专家服务."""
        engagement = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        finding = selectors.finding_get(engagement=engagement, pk=data.pop("finding"))
        services.finding_raise_hazard(actor=request.user, finding=finding, **data)
        return self.output(self._fresh(engagement), status.HTTP_201_CREATED)

    @extend_schema(responses=EngagementFiguresOutput)
    @action(detail=False, methods=["get"], pagination_class=None)
    def figures(self, request):
        """专家服务统计: engagements, expert-days, cost, problems found, hazards raised."""
        engagements = self.filter_queryset(self.get_queryset())
        figures = selectors.engagement_figures(actor=request.user, engagements=engagements)
        return Response(EngagementFiguresOutput(figures).data)


# ---- evaluations and leadership ---------------------------------------------------------------


class EvaluationItemSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=100)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EvaluationOutput(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    items = EvaluationItemSerializer(many=True, read_only=True)

    class Meta:
        model = ResponsibilityEvaluation
        fields = [
            "id",
            "unit",
            "unit_name",
            "sector_id",
            "year",
            "items",
            "total_score",
            "max_score",
            "vetoed",
            "evaluator",
            "note",
            "created_at",
        ]


def _unit(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: selectors.unit_choices(actor=actor), **kwargs
    )


class EvaluationInput(serializers.Serializer):
    unit = _unit()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    items = EvaluationItemSerializer(many=True)
    evaluator = serializers.CharField(max_length=100)
    vetoed = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EvaluationUpdateInput(serializers.Serializer):
    items = EvaluationItemSerializer(many=True, required=False)
    evaluator = serializers.CharField(max_length=100, required=False)
    vetoed = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_view(
    create=extend_schema(request=EvaluationInput, responses={201: EvaluationOutput}),
    partial_update=extend_schema(request=EvaluationUpdateInput, responses={200: EvaluationOutput}),
)
class EvaluationViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Responsibility evaluations (安全生产责任制考核) of departments and townships; the total is
    computed from the scored items."""

    capabilities = {
        "list": Cap.VIEW_SUPPORT,
        "retrieve": Cap.VIEW_SUPPORT,
        "create": Cap.MANAGE_EVALUATION,
        "partial_update": Cap.MANAGE_EVALUATION,
    }
    filterset_class = EvaluationFilterSet
    output_serializer_class = EvaluationOutput

    def list_selector(self, *, actor, capability):
        return selectors.evaluation_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": EvaluationInput, "partial_update": EvaluationUpdateInput}.get(
            self.action, EvaluationOutput
        )

    def _fresh(self, evaluation):
        return selectors.evaluation_get(actor=self.request.user, pk=evaluation.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.evaluation_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.evaluation_update(actor=actor, evaluation=instance, data=data))


class LeadershipOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")

    class Meta:
        model = LeadershipResponsibility
        fields = [
            "id",
            "official_name",
            "post",
            "organisation",
            "organisation_name",
            "sector_id",
            "year",
            "is_first_responsible",
            "portfolio",
            "responsibilities",
            "letter_signed_on",
            "created_at",
        ]


class LeadershipInput(serializers.Serializer):
    official_name = serializers.CharField(max_length=50)
    post = serializers.CharField(max_length=100)
    organisation = _unit()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    is_first_responsible = serializers.BooleanField(required=False, default=False)
    portfolio = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    responsibilities = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    letter_signed_on = serializers.DateField(required=False, allow_null=True, default=None)


class LeadershipUpdateInput(serializers.Serializer):
    official_name = serializers.CharField(max_length=50, required=False)
    post = serializers.CharField(max_length=100, required=False)
    organisation = _unit(required=False)
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    is_first_responsible = serializers.BooleanField(required=False)
    portfolio = serializers.CharField(max_length=300, required=False, allow_blank=True)
    responsibilities = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    letter_signed_on = serializers.DateField(required=False, allow_null=True)


@extend_schema_view(
    create=extend_schema(request=LeadershipInput, responses={201: LeadershipOutput}),
    partial_update=extend_schema(request=LeadershipUpdateInput, responses={200: LeadershipOutput}),
)
class LeadershipResponsibilityViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Leadership responsibility records (党政同责、一岗双责): officials, posts, portfolios and the
    responsibility letters they signed."""

    capabilities = {
        "list": Cap.VIEW_SUPPORT,
        "retrieve": Cap.VIEW_SUPPORT,
        "create": Cap.MANAGE_EVALUATION,
        "partial_update": Cap.MANAGE_EVALUATION,
    }
    filterset_class = LeadershipFilterSet
    output_serializer_class = LeadershipOutput

    def list_selector(self, *, actor, capability):
        return selectors.leadership_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": LeadershipInput, "partial_update": LeadershipUpdateInput}.get(
            self.action, LeadershipOutput
        )

    def _fresh(self, record):
        return selectors.leadership_get(actor=self.request.user, pk=record.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.leadership_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.leadership_update(actor=actor, record=instance, data=data))
