from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
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
from safegrid.hazards.choices import HazardCategory, HazardGrade
from safegrid.orgs.models import Organisation
from safegrid.sites.models import Site

from . import selectors, services
from .choices import (
    ComplianceRule,
    DrillKind,
    DrillMode,
    EvaluationConclusion,
    FilingStatus,
    PeriodStatus,
    PlaceKind,
    PlanKind,
    ReviewMethod,
    RevisionTrigger,
)
from .filters import DrillPlanEntryFilterSet, DrillRecordFilterSet, EmergencyPlanFilterSet
from .models import (
    DrillPlanEntry,
    DrillProblem,
    DrillRecord,
    EmergencyPlan,
    PlanEvaluation,
    PlanVersion,
    RevisionTask,
)


def _org_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: selectors.owner_organisation_choices(actor=actor), **kwargs
    )


def _site_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Site, scoped=lambda actor: selectors.owner_site_choices(actor=actor), **kwargs
    )


def _plan_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=EmergencyPlan, scoped=lambda actor: selectors.plan_choices(actor=actor), **kwargs
    )


_OWNER_FIELDS = ["organisation", "organisation_name", "site", "site_name", "region", "sector_id"]


class _OwnerOutput(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", allow_null=True, default=None)
    site_name = serializers.CharField(source="site.name", allow_null=True, default=None)


# ---- plans ------------------------------------------------------------------------------------


class EmergencyPlanOutput(_OwnerOutput):
    kind_display = ChoiceDisplayField("kind")
    filing_status = serializers.SerializerMethodField()
    review_required = serializers.BooleanField()

    class Meta:
        model = EmergencyPlan
        fields = [
            "id",
            "kind",
            "kind_display",
            "title",
            "document_number",
            "version",
            *_OWNER_FIELDS,
            "issued_on",
            "review_required",
            "review_method",
            "reviewed_on",
            "filing_due",
            "filed_on",
            "filed_with",
            "filing_status",
            "last_evaluated_on",
            "next_evaluation_due",
            "note",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=FilingStatus.choices))
    def get_filing_status(self, obj) -> str:
        return obj.filing_status(timezone.localdate())


class PlanVersionOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = [
            "version",
            "issued_on",
            "title",
            "triggers",
            "reason",
            "review_method",
            "reviewed_on",
            "filing_due",
            "filed_on",
            "filed_with",
            "superseded_on",
        ]


class PlanEvaluationOutput(serializers.ModelSerializer):
    class Meta:
        model = PlanEvaluation
        fields = ["id", "evaluated_on", "conclusion", "note"]


class RevisionTaskOutput(serializers.ModelSerializer):
    class Meta:
        model = RevisionTask
        fields = ["id", "trigger", "description", "problem", "created_on", "resolved_version", "resolved_on"]


class EmergencyPlanDetailOutput(EmergencyPlanOutput):
    review_note = serializers.CharField()
    versions = PlanVersionOutput(many=True)
    evaluations = PlanEvaluationOutput(many=True)
    revision_tasks = RevisionTaskOutput(many=True)

    class Meta(EmergencyPlanOutput.Meta):
        fields = [
            *EmergencyPlanOutput.Meta.fields,
            "review_note",
            "versions",
            "evaluations",
            "revision_tasks",
        ]


class EmergencyPlanInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    title = serializers.CharField(max_length=150)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    organisation = _org_field(required=False, allow_null=True, default=None)
    site = _site_field(required=False, allow_null=True, default=None)
    issued_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EmergencyPlanUpdateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanKind.choices, required=False)
    title = serializers.CharField(max_length=150, required=False)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class EmergencyPlanReviewInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=ReviewMethod.choices)
    reviewed_on = serializers.DateField()
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class EmergencyPlanFileInput(serializers.Serializer):
    filed_on = serializers.DateField()
    filed_with = serializers.CharField(max_length=100)


class EmergencyPlanEvaluateInput(serializers.Serializer):
    evaluated_on = serializers.DateField()
    conclusion = serializers.ChoiceField(choices=EvaluationConclusion.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EmergencyPlanReviseInput(serializers.Serializer):
    issued_on = serializers.DateField()
    triggers = serializers.ListField(
        child=serializers.ChoiceField(choices=RevisionTrigger.choices), required=False, default=list
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True)


@extend_schema_view(
    create=extend_schema(request=EmergencyPlanInput, responses={201: EmergencyPlanDetailOutput}),
    partial_update=extend_schema(
        request=EmergencyPlanUpdateInput, responses={200: EmergencyPlanDetailOutput}
    ),
    retrieve=extend_schema(responses=EmergencyPlanDetailOutput),
)
class EmergencyPlanViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Emergency plans (应急预案) of organisations and enterprises in the caller's scope, with their
    versions, review, filing (备案, due 20 working days after issue), evaluations and revision
    tasks. `file`, `review`, `evaluate` and `revise` are the plan's steps."""

    capabilities = {
        "list": Cap.VIEW_EMERGENCY,
        "retrieve": Cap.VIEW_EMERGENCY,
        "create": Cap.MANAGE_EMERGENCY,
        "partial_update": Cap.MANAGE_EMERGENCY,
        "file": Cap.MANAGE_EMERGENCY,
        "review": Cap.MANAGE_EMERGENCY,
        "evaluate": Cap.MANAGE_EMERGENCY,
        "revise": Cap.MANAGE_EMERGENCY,
    }
    filterset_class = EmergencyPlanFilterSet
    output_serializer_class = EmergencyPlanDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.plan_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": EmergencyPlanInput,
            "partial_update": EmergencyPlanUpdateInput,
            "retrieve": EmergencyPlanDetailOutput,
            "file": EmergencyPlanFileInput,
            "review": EmergencyPlanReviewInput,
            "evaluate": EmergencyPlanEvaluateInput,
            "revise": EmergencyPlanReviseInput,
        }.get(self.action, EmergencyPlanOutput)

    def _fresh(self, plan):
        return selectors.plan_get(actor=self.request.user, pk=plan.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.emergency_plan_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.emergency_plan_update(actor=actor, plan=instance, data=data))

    def _step(self, request, service, **extra):
        plan = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service(actor=request.user, plan=plan, **serializer.validated_data, **extra)
        return self.output(self._fresh(plan))

    @extend_schema(request=EmergencyPlanFileInput, responses=EmergencyPlanDetailOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def file(self, request, pk=None):
        """备案: record the filing of the current version."""
        return self._step(request, services.emergency_plan_file)

    @extend_schema(request=EmergencyPlanReviewInput, responses=EmergencyPlanDetailOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def review(self, request, pk=None):
        """评审/论证: record the review (expert review with minutes where required) or validation."""
        return self._step(request, services.emergency_plan_review)

    @extend_schema(request=EmergencyPlanEvaluateInput, responses=EmergencyPlanDetailOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def evaluate(self, request, pk=None):
        """评估: record a periodic evaluation (every 3 years)."""
        return self._step(request, services.emergency_plan_evaluate)

    @extend_schema(request=EmergencyPlanReviseInput, responses=EmergencyPlanDetailOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def revise(self, request, pk=None):
        """修订: issue a new version with its triggers; open revision tasks are closed by it."""
        return self._step(request, services.emergency_plan_revise)


# ---- drill plan -------------------------------------------------------------------------------


class DrillPlanEntryOutput(_OwnerOutput):
    plan_title = serializers.CharField(source="plan.title", allow_null=True, default=None)
    record = serializers.SerializerMethodField()

    class Meta:
        model = DrillPlanEntry
        fields = [
            "id",
            "year",
            "month",
            "planned_on",
            "place_kind",
            "place",
            "theme",
            *_OWNER_FIELDS,
            "plan",
            "plan_title",
            "record",
            "note",
            "created_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_record(self, obj):
        record = getattr(obj, "record", None)
        return record.pk if record is not None else None


class DrillPlanEntryInput(serializers.Serializer):
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, allow_null=True, default=None
    )
    month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True, default=None)
    planned_on = serializers.DateField(required=False, allow_null=True, default=None)
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    theme = serializers.CharField(max_length=150)
    organisation = _org_field(required=False, allow_null=True, default=None)
    site = _site_field(required=False, allow_null=True, default=None)
    plan = _plan_field(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DrillPlanEntryUpdateInput(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    planned_on = serializers.DateField(required=False, allow_null=True)
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices, required=False)
    place = serializers.CharField(max_length=100, required=False)
    theme = serializers.CharField(max_length=150, required=False)
    plan = _plan_field(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


@extend_schema_view(
    create=extend_schema(request=DrillPlanEntryInput, responses={201: DrillPlanEntryOutput}),
    partial_update=extend_schema(request=DrillPlanEntryUpdateInput, responses={200: DrillPlanEntryOutput}),
)
class DrillPlanEntryViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """The year's drill plan (年度应急演练计划): one entry per planned drill, with its time, place,
    theme, responsible unit and plan exercised; `record` is the drill record once held."""

    capabilities = {
        "list": Cap.VIEW_EMERGENCY,
        "retrieve": Cap.VIEW_EMERGENCY,
        "create": Cap.MANAGE_EMERGENCY,
        "partial_update": Cap.MANAGE_EMERGENCY,
    }
    filterset_class = DrillPlanEntryFilterSet
    output_serializer_class = DrillPlanEntryOutput

    def list_selector(self, *, actor, capability):
        return selectors.drill_plan_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": DrillPlanEntryInput, "partial_update": DrillPlanEntryUpdateInput}.get(
            self.action, DrillPlanEntryOutput
        )

    def _fresh(self, entry):
        return selectors.drill_plan_get(actor=self.request.user, pk=entry.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.drill_plan_entry_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.drill_plan_entry_update(actor=actor, entry=instance, data=data))


# ---- drills -----------------------------------------------------------------------------------


class DrillProblemOutput(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", allow_null=True, default=None)
    revision_task = serializers.SerializerMethodField()

    class Meta:
        model = DrillProblem
        fields = ["id", "description", "hazard", "hazard_number", "revision_task"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_revision_task(self, obj):
        task = getattr(obj, "revision_task", None)
        return task.pk if task is not None else None


class DrillOutput(_OwnerOutput):
    plan_title = serializers.CharField(source="plan.title", allow_null=True, default=None)
    problem_count = serializers.IntegerField()

    class Meta:
        model = DrillRecord
        fields = [
            "id",
            "title",
            "held_on",
            "kind",
            "mode",
            "place_kind",
            "place",
            *_OWNER_FIELDS,
            "plan",
            "plan_title",
            "plan_entry",
            "participants",
            "participating_units",
            "submitted_on",
            "problem_count",
            "created_at",
        ]


class DrillDetailOutput(DrillOutput):
    problems = DrillProblemOutput(many=True)

    class Meta(DrillOutput.Meta):
        fields = [
            *DrillOutput.Meta.fields,
            "scenario",
            "debrief",
            "written_evaluation",
            "summary",
            "problems",
        ]


class DrillInput(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=DrillKind.choices)
    mode = serializers.ChoiceField(choices=DrillMode.choices)
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    participants = serializers.IntegerField(min_value=1)
    organisation = _org_field(required=False, allow_null=True, default=None)
    site = _site_field(required=False, allow_null=True, default=None)
    plan = _plan_field(required=False, allow_null=True, default=None)
    plan_entry = ScopedPrimaryKeyRelatedField(
        model=DrillPlanEntry,
        scoped=lambda actor: selectors.open_entry_choices(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    participating_units = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    scenario = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    debrief = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    written_evaluation = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    submitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    problems = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, default=list, max_length=100
    )


class DrillUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=150, required=False)
    held_on = serializers.DateField(required=False)
    kind = serializers.ChoiceField(choices=DrillKind.choices, required=False)
    mode = serializers.ChoiceField(choices=DrillMode.choices, required=False)
    place_kind = serializers.ChoiceField(choices=PlaceKind.choices, required=False)
    place = serializers.CharField(max_length=100, required=False)
    participants = serializers.IntegerField(min_value=1, required=False)
    plan = _plan_field(required=False, allow_null=True)
    participating_units = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    scenario = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    debrief = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    written_evaluation = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    summary = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    submitted_on = serializers.DateField(required=False, allow_null=True)
    new_problems = serializers.ListField(
        child=serializers.CharField(max_length=1000), required=False, max_length=100
    )


class ProblemHazardInput(serializers.Serializer):
    problem = serializers.IntegerField(help_text=gettext_lazy("演练发现的问题编号"))
    category = serializers.ChoiceField(choices=HazardCategory.choices)
    grade = serializers.ChoiceField(choices=HazardGrade.choices, required=False, default=HazardGrade.GENERAL)
    site = ScopedPrimaryKeyRelatedField(
        model=Site,
        scoped=lambda actor: selectors.hazard_site_choices(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProblemRevisionInput(serializers.Serializer):
    problem = serializers.IntegerField(help_text=gettext_lazy("演练发现的问题编号"))
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DrillPeriodOutput(serializers.Serializer):
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    drills = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PeriodStatus.choices)


class DrillComplianceRowOutput(serializers.Serializer):
    unit = serializers.CharField()
    unit_kind = serializers.ChoiceField(
        choices=[
            ("plan", gettext_lazy("预案")),
            ("site", gettext_lazy("场所")),
            ("organisation", gettext_lazy("单位")),
        ]
    )
    unit_id = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=ComplianceRule.choices)
    missed = serializers.IntegerField()
    periods = DrillPeriodOutput(many=True)


@extend_schema_view(
    create=extend_schema(request=DrillInput, responses={201: DrillDetailOutput}),
    partial_update=extend_schema(request=DrillUpdateInput, responses={200: DrillDetailOutput}),
    retrieve=extend_schema(responses=DrillDetailOutput),
)
class DrillRecordViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Drill records (应急演练) in the caller's scope with their problems; `problem-hazard` turns a
    problem into a hazard (source 应急演练) at the drill's site, `problem-revision` into a revision
    task of the plan exercised; `compliance` is the drill-frequency check of DOMAIN.md §5.3."""

    capabilities = {
        "list": Cap.VIEW_EMERGENCY,
        "retrieve": Cap.VIEW_EMERGENCY,
        "compliance": Cap.VIEW_EMERGENCY,
        "create": Cap.MANAGE_EMERGENCY,
        "partial_update": Cap.MANAGE_EMERGENCY,
        "problem_hazard": Cap.MANAGE_EMERGENCY,
        "problem_revision": Cap.MANAGE_EMERGENCY,
    }
    filterset_class = DrillRecordFilterSet
    output_serializer_class = DrillDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.drill_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": DrillInput,
            "partial_update": DrillUpdateInput,
            "retrieve": DrillDetailOutput,
            "problem_hazard": ProblemHazardInput,
            "problem_revision": ProblemRevisionInput,
            "compliance": DrillComplianceRowOutput,
        }.get(self.action, DrillOutput)

    def _fresh(self, drill):
        return selectors.drill_get(actor=self.request.user, pk=drill.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.drill_record_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        new_problems = data.pop("new_problems", [])
        return self._fresh(
            services.drill_record_update(actor=actor, drill=instance, data=data, new_problems=new_problems)
        )

    def _problem(self, request):
        drill = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        problem = selectors.problem_get(
            actor=request.user, drill_pk=drill.pk, pk=data.pop("problem"), capability=Cap.MANAGE_EMERGENCY
        )
        return drill, problem, data

    @extend_schema(request=ProblemHazardInput, responses=DrillDetailOutput)
    @action(detail=True, methods=["post"], url_path="problem-hazard", filterset_class=None)
    def problem_hazard(self, request, pk=None):
        """问题转隐患: report a problem found in the drill as a hazard (source 应急演练)."""
        drill, problem, data = self._problem(request)
        services.drill_problem_to_hazard(actor=request.user, problem=problem, **data)
        return self.output(self._fresh(drill))

    @extend_schema(request=ProblemRevisionInput, responses=DrillDetailOutput)
    @action(detail=True, methods=["post"], url_path="problem-revision", filterset_class=None)
    def problem_revision(self, request, pk=None):
        """问题转预案修订任务: open a revision task on the plan the drill exercised."""
        drill, problem, data = self._problem(request)
        services.drill_problem_to_revision(actor=request.user, problem=problem, **data)
        return self.output(self._fresh(drill))

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description=gettext_lazy("年度，默认为今年"))],
        responses=DrillComplianceRowOutput(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def compliance(self, request):
        """演练频次: drill-frequency compliance per unit and period for a year (missed periods shown)."""
        today = timezone.localdate()
        try:
            year = int(request.query_params.get("year", today.year))
        except ValueError:
            year = 0
        if not 2000 <= year <= 2100:
            raise serializers.ValidationError({"year": [gettext_lazy("年度应为 2000 至 2100 之间的整数。")]})
        rows = selectors.drill_compliance(actor=request.user, year=year, today=today)
        return Response(DrillComplianceRowOutput(rows, many=True).data)
