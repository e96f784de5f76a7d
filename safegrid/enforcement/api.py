from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ChoiceDisplayField,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
)
from safegrid.hazards import selectors as hazard_selectors
from safegrid.hazards.models import Hazard
from safegrid.inspections import selectors as inspection_selectors
from safegrid.inspections.models import Inspection
from safegrid.orgs.models import Organisation
from safegrid.sites import selectors as site_selectors
from safegrid.sites.models import Site

from . import selectors, services
from .choices import DocumentType, PenaltyType
from .filters import EnforcementDocumentFilterSet, PenaltyFilterSet
from .models import EnforcementDocument, Penalty

# ---- documents --------------------------------------------------------------------------------


class DocumentOutput(serializers.ModelSerializer):
    doc_type_display = ChoiceDisplayField("doc_type")
    status_display = ChoiceDisplayField("status")
    organisation_name = serializers.CharField(source="organisation.name")
    site_name = serializers.CharField(source="site.name")
    hazards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = EnforcementDocument
        fields = [
            "id",
            "number",
            "doc_type",
            "doc_type_display",
            "status",
            "status_display",
            "organisation",
            "organisation_name",
            "site",
            "site_name",
            "party",
            "inspection",
            "hazards",
            "findings",
            "requirements",
            "legal_basis",
            "deadline",
            "corrects",
            "created_by",
            "created_at",
            "issued_on",
            "issued_by",
            "year",
            "sequence",
        ]


def _hazard_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Hazard, scoped=lambda actor: hazard_selectors.hazard_list(actor=actor), many=True, **kwargs
    )


def _inspection_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        model=Inspection,
        scoped=lambda actor: inspection_selectors.inspection_list(actor=actor),
        allow_null=True,
        **kwargs,
    )


class _DocumentContentInput(serializers.Serializer):
    party = serializers.CharField(max_length=100, required=False, allow_blank=True)
    inspection = _inspection_field(required=False)
    hazards = _hazard_field(required=False)
    findings = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    requirements = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)


class DocumentCreateInput(_DocumentContentInput):
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: selectors.issuer_choices(actor=actor)
    )
    site = ScopedPrimaryKeyRelatedField(
        model=Site,
        scoped=lambda actor: site_selectors.site_list(actor=actor, capability=Cap.ISSUE_ENFORCEMENT),
    )


class DocumentUpdateInput(_DocumentContentInput):
    """A draft's content; the site is fixed once drafted."""

    doc_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    organisation = ScopedPrimaryKeyRelatedField(
        model=Organisation, scoped=lambda actor: selectors.issuer_choices(actor=actor), required=False
    )


class DocumentCorrectInput(_DocumentContentInput):
    """Only the fields given replace the corrected document's content."""


class DocumentIssueInput(serializers.Serializer):
    issued_on = serializers.DateField(
        required=False, help_text=gettext_lazy("签发日期，默认今天；编号按其年度取号")
    )


@extend_schema_view(
    create=extend_schema(request=DocumentCreateInput, responses={201: DocumentOutput}),
    partial_update=extend_schema(request=DocumentUpdateInput, responses={200: DocumentOutput}),
)
class EnforcementDocumentViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Enforcement documents (执法文书) in the caller's scope: drafts are created and edited, then
    issued (numbered, sealed, immutable); an issued document is corrected by a new one."""

    capabilities = {
        "list": Cap.VIEW_ENFORCEMENT,
        "retrieve": Cap.VIEW_ENFORCEMENT,
        "create": Cap.ISSUE_ENFORCEMENT,
        "partial_update": Cap.ISSUE_ENFORCEMENT,
        "issue": Cap.ISSUE_ENFORCEMENT,
        "correct": Cap.ISSUE_ENFORCEMENT,
    }
    filterset_class = EnforcementDocumentFilterSet
    output_serializer_class = DocumentOutput

    def list_selector(self, *, actor, capability):
        return selectors.document_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {
            "create": DocumentCreateInput,
            "partial_update": DocumentUpdateInput,
            "issue": DocumentIssueInput,
            "correct": DocumentCorrectInput,
        }.get(self.action, DocumentOutput)

    def _fresh(self, document):
        return selectors.document_get(actor=self.request.user, pk=document.pk)

    def perform_service_create(self, *, actor, data):
        return self._fresh(services.document_create_draft(actor=actor, **data))

    def perform_service_update(self, *, actor, instance, data):
        return self._fresh(services.document_update_draft(actor=actor, document=instance, data=data))

    @extend_schema(request=DocumentIssueInput, responses={200: DocumentOutput})
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """签发: assign the next number of the issuing body for the type and year, seal, freeze.
        409 when already issued."""
        document = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_issue(actor=request.user, document=document, **serializer.validated_data)
        return self.output(self._fresh(document))

    @extend_schema(request=DocumentCorrectInput, responses={201: DocumentOutput})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """更正: a new draft copying this issued document with the given changes, referencing it."""
        document = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.document_correct(
            actor=request.user, document=document, **serializer.validated_data
        )
        return self.output(self._fresh(correction), status.HTTP_201_CREATED)


# ---- penalties --------------------------------------------------------------------------------


class PenaltyOutput(serializers.ModelSerializer):
    penalty_type_display = ChoiceDisplayField("penalty_type")
    site_name = serializers.CharField(source="site.name")
    decision_number = serializers.CharField(source="decision.number")
    hazards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "site",
            "site_name",
            "party",
            "penalty_type",
            "penalty_type_display",
            "amount",
            "legal_basis",
            "decision",
            "decision_number",
            "decided_on",
            "inspection",
            "hazards",
            "status",
            "recorded_by",
            "created_at",
        ]


class PenaltyInput(serializers.Serializer):
    site = ScopedPrimaryKeyRelatedField(
        model=Site,
        scoped=lambda actor: site_selectors.site_list(actor=actor, capability=Cap.ISSUE_ENFORCEMENT),
    )
    decision = ScopedPrimaryKeyRelatedField(
        model=EnforcementDocument, scoped=lambda actor: selectors.decision_choices(actor=actor)
    )
    penalty_type = serializers.ChoiceField(choices=PenaltyType.choices)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    legal_basis = serializers.CharField(max_length=2000)
    decided_on = serializers.DateField(required=False, allow_null=True, default=None)
    party = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    inspection = _inspection_field(required=False, default=None)
    hazards = _hazard_field(required=False)


@extend_schema_view(create=extend_schema(request=PenaltyInput, responses={201: PenaltyOutput}))
class PenaltyViewSet(ServiceCreateMixin, ScopedViewSet):
    """Administrative penalties (行政处罚) in the caller's scope; recorded once, never edited."""

    capabilities = {
        "list": Cap.VIEW_ENFORCEMENT,
        "retrieve": Cap.VIEW_ENFORCEMENT,
        "create": Cap.ISSUE_ENFORCEMENT,
    }
    filterset_class = PenaltyFilterSet
    output_serializer_class = PenaltyOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.penalty_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return PenaltyInput if self.action == "create" else PenaltyOutput

    def perform_service_create(self, *, actor, data):
        penalty = services.penalty_record(actor=actor, **data)
        return selectors.penalty_get(actor=actor, pk=penalty.pk)
