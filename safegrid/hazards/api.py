from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    FieldsBuiltOnce,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    latitude_field,
    longitude_field,
)
from safegrid.core.pagination import CappedPagination
from safegrid.inspections import selectors as inspection_selectors
from safegrid.inspections.models import Criterion, Inspection
from safegrid.orgs import selectors as org_selectors
from safegrid.orgs.models import Organisation
from safegrid.sites import selectors as site_selectors
from safegrid.sites.models import Site

from . import policies, selectors, services
from .choices import HazardCategory, HazardGrade, HazardSource
from .filters import HazardFilterSet
from .models import Hazard, HazardEvent


class HazardEventOutput(FieldsBuiltOnce, serializers.ModelSerializer):
    action_display = ChoiceDisplayField("action")
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = HazardEvent
        fields = [
            "id",
            "action",
            "action_display",
            "from_status",
            "to_status",
            "from_level",
            "to_level",
            "actor",
            "actor_name",
            "at",
            "note",
            "data",
        ]

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else _("系统")


class HazardOutput(FieldsBuiltOnce, serializers.ModelSerializer):
    status_display = ChoiceDisplayField("status")
    grade_display = ChoiceDisplayField("grade")
    level_display = ChoiceDisplayField("level")
    site_name = serializers.CharField(source="site.name")
    overdue = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Hazard
        fields = [
            "id",
            "number",
            "site",
            "site_name",
            "inspection",
            "criterion",
            "source",
            "category",
            "grade",
            "grade_display",
            "description",
            "location",
            "longitude",
            "latitude",
            "reported_by",
            "reported_at",
            "status",
            "status_display",
            "level",
            "level_display",
            "version",
            "responsible_org",
            "responsible_person",
            "deadline",
            "measures",
            "funds",
            "emergency_plan",
            "supervised",
            "rectification_note",
            "rectified_at",
            "closed_at",
            "on_the_spot",
            "overdue",
            "available_transitions",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_available_transitions(self, obj) -> list[str]:
        request = self.context.get("request")
        return policies.available_transitions(request.user, obj) if request else []


# A hazard with its timeline: the prefetched `events`, or — for the answer to a report, which has
# just written the hazard and its events — the events passed in the context (`"events"`), so that a
# phone's report is answered without reading back what it wrote (issue 9 (c)). (A comment, not a
# docstring: drf-spectacular would publish a docstring in the API schema.)
class HazardDetailOutput(HazardOutput):
    events = serializers.SerializerMethodField()

    class Meta(HazardOutput.Meta):
        fields = [*HazardOutput.Meta.fields, "events"]

    @extend_schema_field(HazardEventOutput(many=True))
    def get_events(self, obj) -> list[dict]:
        events = self.context.get("events")
        if events is None:
            events = obj.events.all()
        return HazardEventOutput(events, many=True, context=self.context).data


class ReportSiteField(ScopedPrimaryKeyRelatedField):
    """The site of a report, chosen among the sites the caller may report on; the site comes back
    marked so that the service does not run the same scope query a second time."""

    def __init__(self, **kwargs):
        super().__init__(
            model=Site,
            scoped=lambda actor: site_selectors.site_list(actor=actor, capability=Cap.REPORT_HAZARD),
            **kwargs,
        )

    def to_internal_value(self, data):
        site = super().to_internal_value(data)
        return services.site_mark_report_scope_checked(site=site, actor=self.context["request"].user)


class HazardReportInput(serializers.Serializer):
    site = ReportSiteField()
    description = serializers.CharField(max_length=2000)
    category = serializers.ChoiceField(choices=HazardCategory.choices)
    grade = serializers.ChoiceField(choices=HazardGrade.choices, required=False, default=HazardGrade.GENERAL)
    source = serializers.ChoiceField(
        choices=HazardSource.choices, required=False, default=HazardSource.PATROL
    )
    location = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    longitude = longitude_field()
    latitude = latitude_field()
    inspection = ScopedPrimaryKeyRelatedField(
        model=Inspection,
        scoped=lambda actor: inspection_selectors.inspection_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    criterion = ScopedPrimaryKeyRelatedField(
        model=Criterion,
        scoped=lambda actor: inspection_selectors.criterion_current_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("引用重大事故隐患判定标准条款时，隐患定为重大隐患，由行业领域及以上层级处置"),
    )


class HazardOnSpotInput(HazardReportInput):
    grade = None
    rectification_note = serializers.CharField(max_length=2000)


class _Versioned(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, help_text=gettext_lazy("乐观锁：客户端看到的版本号")
    )


class AssignInput(_Versioned):
    grade = serializers.ChoiceField(choices=HazardGrade.choices)
    responsible_org = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: org_selectors.organisation_list(actor=actor)
    )
    responsible_person = serializers.CharField(max_length=30)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    workdays = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=365
    )
    measures = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    emergency_plan = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs.get("deadline") is None and attrs.get("workdays") is None:
            raise serializers.ValidationError({"deadline": _("请填写整改期限或工作日数。")})
        return attrs


class StartInput(_Versioned):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    measures = serializers.CharField(max_length=2000, required=False, allow_null=True, default=None)
    funds = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    emergency_plan = serializers.CharField(max_length=2000, required=False, allow_null=True, default=None)


class SubmitInput(_Versioned):
    rectification_note = serializers.CharField(max_length=2000)


class VerifyInput(_Versioned):
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EscalateInput(_Versioned):
    reason = serializers.CharField(max_length=2000)


class ExtendInput(_Versioned):
    deadline = serializers.DateField()
    reason = serializers.CharField(max_length=2000)


TRANSITION_INPUTS = {
    "assign": (AssignInput, services.hazard_assign),
    "start": (StartInput, services.hazard_start),
    "submit": (SubmitInput, services.hazard_submit),
    "verify": (VerifyInput, services.hazard_verify),
    "escalate": (EscalateInput, services.hazard_escalate),
    "extend": (ExtendInput, services.hazard_extend),
}


@extend_schema_view(
    create=extend_schema(request=HazardReportInput, responses={201: HazardDetailOutput}),
    retrieve=extend_schema(responses=HazardDetailOutput),
)
class HazardViewSet(ScopedViewSet):
    """Hazards (隐患) in the caller's scope; each step of the closed loop is an action."""

    capabilities = {
        "list": Cap.VIEW_HAZARD,
        "retrieve": Cap.VIEW_HAZARD,
        "create": Cap.REPORT_HAZARD,
        "on_the_spot": Cap.REPORT_HAZARD,
        **dict.fromkeys(TRANSITION_INPUTS, Cap.VIEW_HAZARD),
    }
    filterset_class = HazardFilterSet
    output_serializer_class = HazardOutput
    # No exact COUNT over a province's hazards per page (issue 9): counted up to a cap.
    pagination_class = CappedPagination
    # A phone retrying a report or a step over a bad network gets the first answer, not a second
    # hazard or a 409 for its own earlier success (SECURITY.md H4).
    idempotent_actions = frozenset({"create", "on_the_spot", *TRANSITION_INPUTS})

    def list_selector(self, *, actor, capability):
        return selectors.hazard_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        if self.action == "create":
            return HazardReportInput
        if self.action == "on_the_spot":
            return HazardOnSpotInput
        if self.action in TRANSITION_INPUTS:
            return TRANSITION_INPUTS[self.action][0]
        if self.action == "retrieve":
            return HazardDetailOutput
        return HazardOutput

    def _detail(self, hazard, status_code=status.HTTP_200_OK):
        hazard = selectors.hazard_get(actor=self.request.user, pk=hazard.pk)
        return Response(
            HazardDetailOutput(hazard, context=self.get_serializer_context()).data, status=status_code
        )

    def retrieve(self, request, *args, **kwargs):
        hazard = selectors.hazard_get(actor=request.user, pk=kwargs["pk"])
        self.tag(hazard)
        return self._detail(hazard)

    def _created(self, hazard):
        """The answer to a report: the hazard as the service wrote it, with the events it wrote —
        what a GET of the hazard would answer (a test holds them equal), without reading it back.
        The reporter may read it: whoever may report at a site may view its hazards (the same grant
        gives both capabilities over the same rows; a test holds that for every role)."""
        context = {**self.get_serializer_context(), "events": hazard.events_written}
        return Response(HazardDetailOutput(hazard, context=context).data, status=status.HTTP_201_CREATED)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._created(services.hazard_report(actor=request.user, **serializer.validated_data))

    @extend_schema(request=HazardOnSpotInput, responses={201: HazardDetailOutput})
    @action(detail=False, methods=["post"], url_path="on-the-spot")
    def on_the_spot(self, request):
        """立即整改: report a general hazard already fixed on the spot (closed in one step)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._created(services.hazard_rectify_on_spot(actor=request.user, **serializer.validated_data))

    def _transition(self, request, pk, name):
        hazard = selectors.hazard_get(actor=request.user, pk=pk)
        input_class, service = TRANSITION_INPUTS[name]
        serializer = input_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        hazard = service(actor=request.user, hazard=hazard, expected_version=version, **data)
        self.tag(hazard)
        return self._detail(hazard)

    @extend_schema(request=AssignInput, responses=HazardDetailOutput)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """交办: grade, responsible unit and person, deadline (date or working days)."""
        return self._transition(request, pk, "assign")

    @extend_schema(request=StartInput, responses=HazardDetailOutput)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始整改 (a major hazard needs the five items in place)."""
        return self._transition(request, pk, "start")

    @extend_schema(request=SubmitInput, responses=HazardDetailOutput)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """报告整改完成."""
        return self._transition(request, pk, "submit")

    @extend_schema(request=VerifyInput, responses=HazardDetailOutput)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """复查: passed → 销号; not passed → back to rectifying with a note."""
        return self._transition(request, pk, "verify")

    @extend_schema(request=EscalateInput, responses=HazardDetailOutput)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """提级处置 with a reason; the next level must assign it again."""
        return self._transition(request, pk, "escalate")

    @extend_schema(request=ExtendInput, responses=HazardDetailOutput)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """延长期限 with a reason."""
        return self._transition(request, pk, "extend")
