"""REST API of the people module. ID numbers and phones are write-only on input and masked on output."""

from __future__ import annotations

from decimal import Decimal

from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from safegrid.accounts.roles import Cap
from safegrid.core.api import (
    ScopedPrimaryKeyRelatedField,
    ScopedViewSet,
    ServiceCreateMixin,
    ServiceUpdateMixin,
)
from safegrid.orgs.models import Organisation, Region, Sector
from safegrid.sites.models import Site

from . import selectors, services
from .choices import (
    CertificateKind,
    CommendationKind,
    Employment,
    Gender,
    OperationCategory,
    PersonSource,
    PostKind,
    TeamKind,
    TrainingKind,
)
from .filters import (
    CertificateFilterSet,
    CommendationFilterSet,
    PersonFilterSet,
    PostingFilterSet,
    TeamFilterSet,
    TrainingFilterSet,
)
from .models import Certificate, Commendation, Person, Posting, Team, Training


def _regions(actor):
    return selectors.region_choices(actor=actor)


def _sites(actor):
    return selectors.site_choices(actor=actor)


def _organisations(actor):
    return selectors.organisation_choices(actor=actor)


def _sectors(actor):
    return selectors.sector_choices(actor=actor)


def _visible_sites(actor):
    return selectors.site_choices(actor=actor, capability=Cap.VIEW_PEOPLE)


def _managed_people(actor):
    return selectors.person_choices(actor=actor)


def _visible_people(actor):
    return selectors.person_choices(actor=actor, capability=Cap.VIEW_PEOPLE)


def _fk(model, scoped, **kwargs):
    return ScopedPrimaryKeyRelatedField(model=model, scoped=scoped, **kwargs)


def _optional_fk(model, scoped):
    return _fk(model, scoped, required=False, allow_null=True, default=None)


# ---- people --------------------------------------------------------------------------------------


class PersonOutput(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(read_only=True)
    phone_masked = serializers.CharField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", default=None)
    site_name = serializers.CharField(source="site.name", default=None)
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "id_number_masked",
            "phone_masked",
            "source",
            "employment",
            "organisation",
            "organisation_name",
            "site",
            "site_name",
            "region",
            "region_name",
            "title",
            "is_active",
            "note",
            "personal_data_purged_on",
        ]


class PersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=30)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True, default="")
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, default="", write_only=True
    )
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", write_only=True
    )
    source = serializers.ChoiceField(choices=PersonSource.choices)
    employment = serializers.ChoiceField(choices=Employment.choices)
    organisation = _optional_fk(Organisation, _organisations)
    site = _optional_fk(Site, _sites)
    region = _optional_fk(Region, _regions)
    title = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PersonUpdateInput(PersonInput):
    """Fields left out are unchanged; `id_number` / `phone` replace the stored value ("" clears)."""

    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, write_only=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, write_only=True)
    is_active = serializers.BooleanField(required=False)


class PersonPlainOutput(serializers.Serializer):
    id_number = serializers.CharField(help_text=gettext_lazy("完整身份证号"))
    phone = serializers.CharField(help_text=gettext_lazy("完整手机号码"))


@extend_schema_view(
    create=extend_schema(request=PersonInput, responses={201: PersonOutput}),
    partial_update=extend_schema(request=PersonUpdateInput, responses=PersonOutput),
)
class PersonViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """People of the safety work force in the caller's scope (ID number and phone masked; `unmask`
    gives one person's full values to a holder of people.view_plain_pii, audited)."""

    capabilities = {
        "list": Cap.VIEW_PEOPLE,
        "retrieve": Cap.VIEW_PEOPLE,
        "create": Cap.MANAGE_PEOPLE,
        "partial_update": Cap.MANAGE_PEOPLE,
        "unmask": Cap.VIEW_PLAIN_PII,
    }
    filterset_class = PersonFilterSet
    output_serializer_class = PersonOutput

    def list_selector(self, *, actor, capability):
        return selectors.person_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": PersonInput, "partial_update": PersonUpdateInput}.get(self.action, PersonOutput)

    def perform_service_create(self, *, actor, data):
        return services.person_create(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.person_update(actor=actor, person=instance, **data)

    @extend_schema(request=None, responses=PersonPlainOutput)
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None):
        """显示完整号码: this one person's full ID number and phone (never cached); one audit record."""
        person = selectors.person_plain_get(actor=request.user, pk=pk)
        plain = services.person_unmask(actor=request.user, person=person)
        response = Response(PersonPlainOutput(plain).data)
        add_never_cache_headers(response)
        return response


# ---- postings ------------------------------------------------------------------------------------


class PostingOutput(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")
    site_name = serializers.CharField(source="site.name", default=None)
    region_name = serializers.CharField(source="region.name")

    class Meta:
        model = Posting
        fields = [
            "id",
            "person",
            "person_name",
            "post",
            "operation_category",
            "region",
            "region_name",
            "site",
            "site_name",
            "started_on",
            "ended_on",
            "hazard",
            "note",
        ]


class PostingInput(serializers.Serializer):
    person = _fk(Person, _managed_people)
    post = serializers.ChoiceField(choices=PostKind.choices)
    operation_category = serializers.ChoiceField(
        choices=OperationCategory.choices, required=False, allow_blank=True, default=""
    )
    region = _optional_fk(Region, _regions)
    site = _optional_fk(Site, _sites)
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PostingEndInput(serializers.Serializer):
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class RaisedHazardOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    grade = serializers.CharField()
    status = serializers.CharField()


@extend_schema_view(create=extend_schema(request=PostingInput, responses={201: PostingOutput}))
class PostingViewSet(ServiceCreateMixin, ScopedViewSet):
    """Posts held (岗位任职). Creating a special operator's post needs a valid certificate of its
    category (先培训后上岗): otherwise 400 with the reason, nothing written. `?uncertified=true` lists
    the special operators at work without one."""

    capabilities = {
        "list": Cap.VIEW_PEOPLE,
        "retrieve": Cap.VIEW_PEOPLE,
        "create": Cap.MANAGE_PEOPLE,
        "end": Cap.MANAGE_PEOPLE,
        "raise_hazard": Cap.REPORT_HAZARD,
    }
    filterset_class = PostingFilterSet
    output_serializer_class = PostingOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.posting_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": PostingInput, "end": PostingEndInput}.get(self.action, PostingOutput)

    def perform_service_create(self, *, actor, data):
        return services.posting_create(actor=actor, **data)

    @extend_schema(request=PostingEndInput, responses=PostingOutput)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """结束任职."""
        posting = selectors.posting_get(actor=request.user, pk=pk, capability=Cap.MANAGE_PEOPLE)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        posting = services.posting_end(actor=request.user, posting=posting, **serializer.validated_data)
        return self.output(posting)

    @extend_schema(request=None, responses={201: RaisedHazardOutput})
    @action(detail=True, methods=["post"], url_path="raise-hazard")
    def raise_hazard(self, request, pk=None):
        """无证上岗 → one major hazard at the posting's site (工贸 第三条(二))."""
        posting = selectors.posting_get(actor=request.user, pk=pk)
        hazard = services.uncertified_hazard_raise(actor=request.user, posting=posting)
        return Response(RaisedHazardOutput(hazard).data, status=status.HTTP_201_CREATED)


# ---- teams ---------------------------------------------------------------------------------------


class TeamMemberOutput(serializers.Serializer):
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    role = serializers.CharField()


class TeamOutput(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "kind",
            "region",
            "sector",
            "site",
            "organisation",
            "member_count",
            "is_active",
            "note",
        ]


class TeamDetailOutput(TeamOutput):
    members = serializers.SerializerMethodField()

    class Meta(TeamOutput.Meta):
        fields = [*TeamOutput.Meta.fields, "members"]

    @extend_schema_field(TeamMemberOutput(many=True))
    def get_members(self, obj):
        return TeamMemberOutput(selectors.team_members(team=obj), many=True).data


class TeamInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=TeamKind.choices)
    region = _optional_fk(Region, _regions)
    sector = _optional_fk(Sector, _sectors)
    site = _optional_fk(Site, _sites)
    organisation = _optional_fk(Organisation, _organisations)
    leader = _optional_fk(Person, _managed_people)
    members = _fk(Person, _managed_people, many=True, required=False, default=list)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TeamUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    organisation = _fk(Organisation, _organisations, required=False, allow_null=True)
    leader = _fk(Person, _managed_people, required=False, allow_null=True)
    members = _fk(Person, _managed_people, many=True, required=False)
    is_active = serializers.BooleanField(required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


@extend_schema_view(
    create=extend_schema(request=TeamInput, responses={201: TeamDetailOutput}),
    partial_update=extend_schema(request=TeamUpdateInput, responses=TeamDetailOutput),
    retrieve=extend_schema(responses=TeamDetailOutput),
)
class TeamViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Safety teams ("专兼结合") of grids, townships, sectors and enterprises, with their members."""

    capabilities = {
        "list": Cap.VIEW_PEOPLE,
        "retrieve": Cap.VIEW_PEOPLE,
        "create": Cap.MANAGE_PEOPLE,
        "partial_update": Cap.MANAGE_PEOPLE,
    }
    filterset_class = TeamFilterSet
    output_serializer_class = TeamDetailOutput

    def list_selector(self, *, actor, capability):
        return selectors.team_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": TeamInput, "partial_update": TeamUpdateInput, "retrieve": TeamDetailOutput}.get(
            self.action, TeamOutput
        )

    def perform_service_create(self, *, actor, data):
        team = services.team_create(actor=actor, **data)
        return selectors.team_get(actor=actor, pk=team.pk)

    def perform_service_update(self, *, actor, instance, data):
        team = services.team_update(actor=actor, team=instance, **data)
        return selectors.team_get(actor=actor, pk=team.pk)


# ---- training ------------------------------------------------------------------------------------


class TrainingOutput(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name")

    class Meta:
        model = Training
        fields = [
            "id",
            "kind",
            "title",
            "organiser",
            "organiser_name",
            "site",
            "held_on",
            "hours",
            "location",
            "content",
            "outside_trainees",
            "attendee_count",
            "person_times",
            "results",
        ]


class TrainingInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TrainingKind.choices)
    title = serializers.CharField(max_length=150)
    organiser = _fk(Organisation, _organisations)
    site = _optional_fk(Site, _sites)
    held_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=200)
    location = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    attendees = _fk(Person, _visible_people, many=True, required=False, default=list)
    outside_trainees = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)
    results = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TrainingUpdateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TrainingKind.choices, required=False)
    title = serializers.CharField(max_length=150, required=False)
    held_on = serializers.DateField(required=False)
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, min_value=Decimal("0.5"), max_value=200, required=False
    )
    location = serializers.CharField(max_length=100, required=False, allow_blank=True)
    content = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    attendees = _fk(Person, _visible_people, many=True, required=False)
    outside_trainees = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    results = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class OrganiserTotalsOutput(serializers.Serializer):
    organiser_id = serializers.IntegerField()
    organiser_name = serializers.CharField()
    trainings = serializers.IntegerField()
    person_times = serializers.IntegerField()
    hours = serializers.FloatField()


@extend_schema_view(
    create=extend_schema(request=TrainingInput, responses={201: TrainingOutput}),
    partial_update=extend_schema(request=TrainingUpdateInput, responses=TrainingOutput),
)
class TrainingViewSet(ServiceCreateMixin, ServiceUpdateMixin, ScopedViewSet):
    """Training sessions and their person-times (人次); `person-times` totals them per organiser for
    the filtered period."""

    capabilities = {
        "list": Cap.VIEW_PEOPLE,
        "retrieve": Cap.VIEW_PEOPLE,
        "create": Cap.MANAGE_PEOPLE,
        "partial_update": Cap.MANAGE_PEOPLE,
        "person_times": Cap.VIEW_PEOPLE,
    }
    filterset_class = TrainingFilterSet
    output_serializer_class = TrainingOutput

    def list_selector(self, *, actor, capability):
        return selectors.training_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": TrainingInput, "partial_update": TrainingUpdateInput}.get(
            self.action, TrainingOutput
        )

    def perform_service_create(self, *, actor, data):
        return services.training_record(actor=actor, **data)

    def perform_service_update(self, *, actor, instance, data):
        return services.training_update(actor=actor, training=instance, **data)

    @extend_schema(responses=OrganiserTotalsOutput(many=True))
    @action(
        detail=False, methods=["get"], url_path="person-times", pagination_class=None, filterset_class=None
    )
    def person_times(self, request):
        """Trainings, person-times and hours per organiser (`date_from`, `date_to` in the query)."""
        filterset = TrainingFilterSet(
            request.GET, queryset=selectors.training_list(actor=request.user), request=request
        )
        filterset.is_valid()
        data = {k: v for k, v in (filterset.form.cleaned_data or {}).items() if k in ("date_from", "date_to")}
        if filterset.errors:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(filterset.errors)
        rows = selectors.training_person_times(actor=request.user, **data)
        return Response(OrganiserTotalsOutput(rows, many=True).data)


# ---- certificates --------------------------------------------------------------------------------


class CertificateOutput(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")
    number_masked = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "person",
            "person_name",
            "kind",
            "category",
            "item",
            "number_masked",
            "issuing_authority",
            "issue_date",
            "expiry_date",
            "review_due_date",
            "reviewed_on",
            "review_extended",
            "continuous_since",
            "violations",
            "revoked",
            "status",
            "note",
        ]


class CertificateInput(serializers.Serializer):
    person = _fk(Person, _managed_people)
    kind = serializers.ChoiceField(choices=CertificateKind.choices)
    category = serializers.ChoiceField(
        choices=OperationCategory.choices, required=False, allow_blank=True, default=""
    )
    item = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    number = serializers.CharField(max_length=40)
    issuing_authority = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    issue_date = serializers.DateField()
    expiry_date = serializers.DateField(required=False, allow_null=True, default=None)
    continuous_since = serializers.DateField(required=False, allow_null=True, default=None)
    violations = serializers.IntegerField(min_value=0, max_value=99, required=False, default=0)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReviewInput(serializers.Serializer):
    reviewed_on = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


@extend_schema_view(create=extend_schema(request=CertificateInput, responses={201: CertificateOutput}))
class CertificateViewSet(ServiceCreateMixin, ScopedViewSet):
    """Certificates with their status today (valid / review_due / expiry_due / review_overdue /
    expired / revoked); special-operation dates follow 30号令. `review`, `extend-review` and
    `revoke` change them."""

    capabilities = {
        "list": Cap.VIEW_PEOPLE,
        "retrieve": Cap.VIEW_PEOPLE,
        "create": Cap.MANAGE_PEOPLE,
        "review": Cap.MANAGE_PEOPLE,
        "extend_review": Cap.MANAGE_PEOPLE,
        "revoke": Cap.MANAGE_PEOPLE,
    }
    filterset_class = CertificateFilterSet
    output_serializer_class = CertificateOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.certificate_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return {"create": CertificateInput, "review": ReviewInput, "revoke": RevokeInput}.get(
            self.action, CertificateOutput
        )

    def perform_service_create(self, *, actor, data):
        cert = services.certificate_create(actor=actor, **data)
        return selectors.certificate_get(actor=actor, pk=cert.pk)

    def _managed(self, request, pk):
        return selectors.certificate_get(actor=request.user, pk=pk, capability=Cap.MANAGE_PEOPLE)

    @extend_schema(request=ReviewInput, responses=CertificateOutput)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """记录复审 (from 60 days before the review date up to it)."""
        cert = self._managed(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.certificate_review(actor=request.user, certificate=cert, **serializer.validated_data)
        return self.output(selectors.certificate_get(actor=request.user, pk=cert.pk))

    @extend_schema(request=None, responses=CertificateOutput)
    @action(detail=True, methods=["post"], url_path="extend-review")
    def extend_review(self, request, pk=None):
        """延长复审周期 (10+ continuous years, no violations)."""
        cert = self._managed(request, pk)
        services.certificate_extend_review(actor=request.user, certificate=cert)
        return self.output(selectors.certificate_get(actor=request.user, pk=cert.pk))

    @extend_schema(request=RevokeInput, responses=CertificateOutput)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """注销证书."""
        cert = self._managed(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.certificate_revoke(actor=request.user, certificate=cert, **serializer.validated_data)
        return self.output(selectors.certificate_get(actor=request.user, pk=cert.pk))


# ---- commendations -------------------------------------------------------------------------------


class CommendationOutput(serializers.ModelSerializer):
    recipient_name = serializers.SerializerMethodField()

    class Meta:
        model = Commendation
        fields = [
            "id",
            "kind",
            "title",
            "awarded_on",
            "issuer",
            "document_number",
            "person",
            "organisation",
            "recipient_site",
            "recipient_name",
            "reason",
        ]

    def get_recipient_name(self, obj) -> str:
        return str(obj.recipient)


class CommendationInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommendationKind.choices)
    title = serializers.CharField(max_length=150)
    awarded_on = serializers.DateField()
    issuer = _fk(Organisation, _organisations)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    person = _optional_fk(Person, _visible_people)
    organisation = _optional_fk(Organisation, _organisations)
    recipient_site = _optional_fk(
        Site, lambda actor: selectors.site_choices(actor=actor, capability=Cap.VIEW_PEOPLE)
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


@extend_schema_view(create=extend_schema(request=CommendationInput, responses={201: CommendationOutput}))
class CommendationViewSet(ServiceCreateMixin, ScopedViewSet):
    """评先评优 and 通报表扬 of people and units."""

    capabilities = {
        "list": Cap.VIEW_PEOPLE,
        "retrieve": Cap.VIEW_PEOPLE,
        "create": Cap.MANAGE_COMMENDATION,
    }
    filterset_class = CommendationFilterSet
    output_serializer_class = CommendationOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.commendation_list(actor=actor, capability=capability)

    def get_serializer_class(self):
        return CommendationInput if self.action == "create" else CommendationOutput

    def perform_service_create(self, *, actor, data):
        return services.commendation_create(actor=actor, **data)
