from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
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
from safegrid.hazards import selectors as hazard_selectors
from safegrid.hazards.choices import HazardGrade
from safegrid.hazards.models import Hazard
from safegrid.orgs.models import Organisation, Region, Sector

from . import selectors, services
from .choices import MeetingBody, MeetingKind, PeriodStatus
from .filters import ActionItemFilterSet, MeetingFilterSet
from .models import ActionItem, AgendaItem, Meeting

# ---- output -----------------------------------------------------------------------------------


class ActionItemOutput(serializers.ModelSerializer):
    meeting_title = serializers.CharField(source="meeting.title")
    body = serializers.ChoiceField(source="meeting.body", choices=MeetingBody.choices)
    owner_name = serializers.CharField(source="owner.name")
    status_display = ChoiceDisplayField("status")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "meeting",
            "meeting_title",
            "body",
            "sector_id",
            "resolution",
            "owner",
            "owner_name",
            "deadline",
            "status",
            "status_display",
            "overdue",
            "done_on",
            "done_note",
            "created_at",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue(self.context.get("today"))


class AgendaItemOutput(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", allow_null=True, default=None)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "order",
            "title",
            "hazard",
            "hazard_number",
            "decided",
            "decision",
            "responsible_org",
            "responsible_person",
            "deadline",
            "decided_at",
            "hazard_event",
        ]


class MeetingOutput(serializers.ModelSerializer):
    body_display = ChoiceDisplayField("body")
    body_label = serializers.CharField()
    kind_display = ChoiceDisplayField("kind")
    region_name = serializers.CharField(source="region.name")
    sector_name = serializers.CharField(source="sector.name", allow_null=True, default=None)
    agenda_count = serializers.IntegerField(read_only=True)
    action_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "body",
            "body_display",
            "body_label",
            "sector",
            "sector_name",
            "region",
            "region_name",
            "kind",
            "kind_display",
            "held_on",
            "place",
            "chair",
            "attendee_count",
            "agenda_count",
            "action_count",
            "created_at",
        ]


class MeetingDetailOutput(MeetingOutput):
    agenda_items = AgendaItemOutput(many=True, read_only=True)
    action_items = ActionItemOutput(many=True, read_only=True)

    class Meta(MeetingOutput.Meta):
        fields = [
            *MeetingOutput.Meta.fields,
            "attendees",
            "agenda",
            "minutes",
            "created_by",
            "agenda_items",
            "action_items",
        ]


class PeriodOutput(serializers.Serializer):
    index = serializers.IntegerField(source="period.index")
    label = serializers.CharField()
    start = serializers.DateField(source="period.start")
    end = serializers.DateField(source="period.end")
    months = serializers.IntegerField(source="period.months")
    required = serializers.IntegerField(source="period.required")
    held = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PeriodStatus.choices)


class BodyComplianceOutput(serializers.Serializer):
    """One body's year: the meetings required and held in each period, and the period's status."""

    body = serializers.ChoiceField(choices=MeetingBody.choices)
    label = serializers.CharField()
    region = serializers.IntegerField(source="region.pk")
    region_name = serializers.CharField(source="region.name")
    sector = serializers.IntegerField(source="sector.pk", allow_null=True, default=None)
    meetings_per_year = serializers.IntegerField()
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    periods = PeriodOutput(many=True)


# ---- input ------------------------------------------------------------------------------------


def _org_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: selectors.organisation_choices(actor=actor), **kwargs
    )


class MeetingInput(serializers.Serializer):
    body = serializers.ChoiceField(choices=MeetingBody.choices)
    region = ScopedPrimaryKeyRelatedField(
        model=Region,
        scoped=lambda actor: selectors.meeting_region_choices(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    sector = ScopedPrimaryKeyRelatedField(
        model=Sector,
        scoped=lambda actor: selectors.meeting_sector_choices(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    kind = serializers.ChoiceField(choices=MeetingKind.choices)
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    chair = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    attendees = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    attendee_count = serializers.IntegerField(min_value=0, required=False, default=0)
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    minutes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")


class MeetingUpdateInput(serializers.Serializer):
    """Only the fields given change; body, county and sector are fixed."""

    title = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=MeetingKind.choices, required=False)
    held_on = serializers.DateField(required=False)
    place = serializers.CharField(max_length=100, required=False, allow_blank=True)
    chair = serializers.CharField(max_length=60, required=False, allow_blank=True)
    attendees = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    attendee_count = serializers.IntegerField(min_value=0, required=False)
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    minutes = serializers.CharField(max_length=20000, required=False, allow_blank=True)


class AgendaItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    hazard = ScopedPrimaryKeyRelatedField(
        model=Hazard,
        scoped=lambda actor: hazard_selectors.hazard_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )


class DecisionInput(serializers.Serializer):
    """The decision on one agenda item of this meeting; on a hazard, unit, person and deadline are
    required and the hazard is assigned (交办) through the hazard loop."""

    agenda_item = serializers.IntegerField()
    decision = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    responsible_org = _org_field(required=False, allow_null=True, default=None)
    responsible_person = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    grade = serializers.ChoiceField(
        choices=HazardGrade.choices, required=False, allow_null=True, default=None
    )


class ActionItemInput(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000)
    owner = _org_field()
    deadline = serializers.DateField()


class CompleteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    done_on = serializers.DateField(required=False, allow_null=True, default=None)


class ComplianceQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)


# ---- viewsets ---------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=MeetingInput, responses={201: MeetingDetailOutput}),
    partial_update=extend_schema(request=MeetingUpdateInput, responses={200: MeetingDetailOutput}),
    retrieve=extend_schema(responses=MeetingDetailOutput),
)
class MeetingViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Dispatch meetings (调度会议) of the county committee, the county office and the sector
    committees: read in the county and below (a sector officer: the county bodies' and its own
    committees'), recorded by the leader, the office and sector officers (their committees only).
    `agenda-items` adds an agenda item (optionally an escalated hazard at the body's level),
    `decide` records a decision (on a hazard: assigns it through the hazard loop), `action-items`
    turns a resolution into an action item (督办), `compliance` gives the cadence per period."""

    capabilities = {
        "list": Cap.VIEW_DISPATCH,
        "retrieve": Cap.VIEW_DISPATCH,
        "compliance": Cap.VIEW_DISPATCH,
        "create": Cap.MANAGE_MEETING,
        "partial_update": Cap.MANAGE_MEETING,
        "agenda_items": Cap.MANAGE_MEETING,
        "decide": Cap.MANAGE_MEETING,
        "action_items": Cap.MANAGE_MEETING,
    }
    filterset_class = MeetingFilterSet
    output_serializer_class = MeetingDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.meeting_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": MeetingInput,
            "partial_update": MeetingUpdateInput,
            "retrieve": MeetingDetailOutput,
            "agenda_items": AgendaItemInput,
            "decide": DecisionInput,
            "action_items": ActionItemInput,
            "compliance": BodyComplianceOutput,
        }.get(self.action, MeetingOutput)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _fresh(self, meeting):
        return selectors.meeting_get(actor=self.request.user, pk=meeting.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.meeting_create(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.meeting_update(actor=actor, meeting=instance, data=data))

    @extend_schema(request=AgendaItemInput, responses={201: MeetingDetailOutput})
    @action(
        detail=True, methods=["post"], url_path="agenda-items", url_name="agenda-items", filterset_class=None
    )
    def agenda_items(self, request, pk=None):
        """添加会议议题."""
        meeting = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.agenda_item_add(actor=request.user, meeting=meeting, **serializer.validated_data)
        return self.output(self._fresh(meeting), status.HTTP_201_CREATED)

    @extend_schema(request=DecisionInput, responses=MeetingDetailOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def decide(self, request, pk=None):
        """录入会议决定: on a hazard item, assigns the hazard (交办) through the hazard loop."""
        meeting = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        item = meeting.agenda_items.filter(pk=data.pop("agenda_item")).first()
        if item is None:
            raise serializers.ValidationError({"agenda_item": [_("本次会议没有该议题。")]})
        if data.get("grade") is None:
            data.pop("grade", None)
        services.agenda_item_decide(actor=request.user, item=item, **data)
        return self.output(self._fresh(meeting))

    @extend_schema(request=ActionItemInput, responses={201: ActionItemOutput})
    @action(
        detail=True, methods=["post"], url_path="action-items", url_name="action-items", filterset_class=None
    )
    def action_items(self, request, pk=None):
        """登记督办事项: a resolution of this meeting given to an owner with a deadline."""
        meeting = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_create(actor=request.user, meeting=meeting, **serializer.validated_data)
        item = selectors.action_item_get(actor=request.user, pk=item.pk)
        data = ActionItemOutput(item, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="年度（默认今年）")],
        responses=BodyComplianceOutput(many=True),
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def compliance(self, request):
        """会议频次: every body the caller reads, each period of the year, required / held / status."""
        query = ComplianceQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        rows = selectors.cadence_compliance(
            actor=request.user, year=query.validated_data.get("year", today.year), today=today
        )
        return Response(BodyComplianceOutput(rows, many=True).data)


@extend_schema_view(retrieve=extend_schema(responses=ActionItemOutput))
class ActionItemViewSet(ScopedViewSet):
    """Action items (督办事项) of the meetings the caller reads; `state` filters open / overdue / done;
    `complete` reports one done."""

    capabilities = {
        "list": Cap.VIEW_DISPATCH,
        "retrieve": Cap.VIEW_DISPATCH,
        "complete": Cap.VIEW_DISPATCH,  # the managers and the responsible unit's staff (service)
    }
    filterset_class = ActionItemFilterSet
    output_serializer_class = ActionItemOutput

    def list_selector(self, *, actor, capability):
        return selectors.action_item_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return CompleteInput if self.action == "complete" else ActionItemOutput

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(request=CompleteInput, responses=ActionItemOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def complete(self, request, pk=None):
        """办结: what was done and when."""
        item = selectors.action_item_for_completion(actor=request.user, pk=pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.action_item_complete(actor=request.user, item=item, **serializer.validated_data)
        return self.output(selectors.action_item_get(actor=request.user, pk=item.pk))
