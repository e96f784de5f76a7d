"""API plumbing: capability permission, scoped viewsets, scoped related fields, and the two
guards of mobile writes (SECURITY.md H3, H4):

- Idempotency-Key on every scoped `create` (and the actions a viewset adds to `idempotent_actions`),
  see `safegrid.idempotency.api`;
- optimistic concurrency on PATCH: a detail GET answers with an `ETag` (a digest of the row as
  stored); a PATCH whose `If-Match` names another version gets 412 and writes nothing. A PATCH
  without `If-Match` is still accepted: the desk UI and existing integrations edit without one, and
  refusing them (428) would only move the lost-update window, not close it. Phones send `If-Match`.
"""

from __future__ import annotations

import copy
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from safegrid.idempotency.api import IDEMPOTENCY_KEY_PARAMETER, IdempotentViewMixin

from .audit import note_scope_denial
from .crypto import sm3
from .scope import grants_for

IF_MATCH_PARAMETER = OpenApiParameter(
    name="If-Match",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "乐观锁：填写读取详情时响应头中的 ETag；记录已被他人修改时返回 412，不做任何更改。"
    ),
)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = gettext_lazy("该记录已被他人修改，请刷新后重试。")


def etag_for(instance) -> str:
    """A strong ETag of a row: SM3 over its concrete field values as stored (read afresh, so that a
    value just written in memory and the same value read back give one tag). Any saved change
    (including `updated_at` or `version`) gives a new tag."""
    model = type(instance)
    names = [f.attname for f in model._meta.concrete_fields]
    row = model._default_manager.filter(pk=instance.pk).values_list(*names).first()
    text = json.dumps([model._meta.label, list(row or ())], cls=JSONEncoder, default=str)
    return f'"{sm3(text.encode()).hex()[:32]}"'


def if_match_allows(header: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.1: `*` or a list of entity tags, strong comparison (a weak tag never matches)."""
    if header is None:
        return True
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or etag in candidates


class ScopedAutoSchema(AutoSchema):
    """Documents the Idempotency-Key header on idempotent actions and If-Match on PATCH."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        view = self.view
        if self.method == "POST" and getattr(view, "action", None) in getattr(view, "idempotent_actions", ()):
            parameters.append(IDEMPOTENCY_KEY_PARAMETER)
        if self.method == "PATCH":
            parameters.append(IF_MATCH_PARAMETER)
        return parameters


class HasCapability(BasePermission):
    """The actor holds the capability that the view declares for this action (403 otherwise).

    Which rows it applies to is the queryset's business (`visible_to(actor, capability)` → 404).
    """

    def has_permission(self, request, view) -> bool:
        action_map = getattr(view, "action_map", None)
        if action_map is not None and request.method.lower() not in action_map:
            return True  # no handler for this method: let the view answer 405
        capability = view.capability_for_action()
        if capability is None:
            return False  # deny by default: an action without a declared capability is refused
        return bool(grants_for(request.user, capability))


class ScopeDenialLookupMixin:
    """DRF's `get_object`, except that a well-formed id not found is noted for the audit trail (one
    "scope.denied" record if the row exists and the answer is 404: core.audit, SECURITY.md L1); the
    answer is the same 404 as for a missing or malformed id."""

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        value = self.kwargs[lookup_url_kwarg]
        try:
            instance = queryset.get(**{self.lookup_field: value})
        except queryset.model.DoesNotExist as exc:
            if self.lookup_field == "pk":
                note_scope_denial(queryset.model, value)
            raise Http404 from exc
        except (TypeError, ValueError, DjangoValidationError, OverflowError) as exc:
            raise Http404 from exc
        self.check_object_permissions(self.request, instance)
        return instance


class ScopedViewSet(
    ScopeDenialLookupMixin,
    IdempotentViewMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Read side of a scoped resource; write actions call services.

    Subclasses set `capabilities` ({action: capability}), `list_selector(actor=, capability=)`,
    `output_serializer_class` and, for writes, `get_serializer_class` (input per action) and
    `perform_service_*`. Every `create` takes an Idempotency-Key; a subclass adds its other
    creating or workflow POST actions to `idempotent_actions`. A detail GET carries an ETag (a
    subclass with its own `retrieve` calls `self.tag(instance)`).
    """

    permission_classes = [HasCapability]
    capabilities: dict[str, str] = {}
    http_method_names = ["get", "post", "patch", "head", "options"]
    output_serializer_class = None
    idempotent_actions: frozenset[str] = frozenset({"create"})
    schema = ScopedAutoSchema()
    _etag_source = None

    def tag(self, instance) -> None:
        """Answer this request with the ETag of `instance` (set in finalize_response)."""
        self._etag_source = instance

    def get_object(self):
        instance = super().get_object()
        if self.action == "retrieve":
            self.tag(instance)
        return instance

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        source = self._etag_source
        if source is not None and status.is_success(response.status_code) and "ETag" not in response:
            response["ETag"] = etag_for(source)
        return response

    def capability_for_action(self) -> str | None:
        return self.capabilities.get(self.action or "")

    def get_serializer_class(self):  # subclasses return their input serializers for writes
        return self.output_serializer_class

    def get_queryset(self):
        return self.list_selector(actor=self.request.user, capability=self.capability_for_action())

    def list_selector(self, *, actor, capability):  # pragma: no cover - abstract
        raise NotImplementedError

    def output(self, instance, status_code=status.HTTP_200_OK) -> Response:
        data = self.output_serializer_class(instance, context=self.get_serializer_context()).data
        return Response(data, status=status_code)


class ServiceCreateMixin:
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_create(actor=request.user, data=serializer.validated_data)
        return self.output(instance, status.HTTP_201_CREATED)


class ServiceUpdateMixin:
    def partial_update(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_object()  # out of scope: 404 before any precondition is looked at
            if_match = request.headers.get("If-Match")
            if if_match is not None:
                # Lock the row, then compare: of two PATCHes holding the same ETag exactly one passes.
                list(
                    type(instance)
                    ._default_manager.select_for_update()
                    .filter(pk=instance.pk)
                    .values_list("pk")
                )
                if not if_match_allows(if_match, etag_for(instance)):
                    raise PreconditionFailed
                instance.refresh_from_db()
            serializer = self.get_serializer(instance, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            instance = self.perform_service_update(
                actor=request.user, instance=instance, data=serializer.validated_data
            )
            self.tag(instance)
            return self.output(instance)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key chosen by id, looked up only among the rows the caller may use.

    An id outside the caller's scope gets the same "does not exist" error as an unknown id.
    `model` types the field in the schema; `scoped(actor=...)` (a selector) returns the real choices.
    """

    def __init__(self, *, model, scoped, **kwargs):
        self.scoped = scoped
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        return self.scoped(actor=actor)


class ChoiceDisplayField(serializers.CharField):
    """The label of a model field's choice (what `get_<field>_display()` gives), e.g.
    `ChoiceDisplayField("status")`. Looked up in the field's choices, read once per serializer: a
    `CharField(source="get_status_display")` makes DRF inspect the bound method's signature for
    every row, and the method itself rebuilds the choices, translating every label, on each call
    (together a quarter of a 50-row list's time at province scale, issue 9 (b))."""

    def __init__(self, choice_field: str, **kwargs):
        self.choice_field = choice_field
        self._labels: dict | None = None
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        field = instance._meta.get_field(self.choice_field)
        if self._labels is None:
            self._labels = dict(field.flatchoices)
        value = getattr(instance, field.attname)
        return force_str(self._labels.get(value, value), strings_only=True)


def longitude_field() -> serializers.DecimalField:
    """An optional WGS-84 longitude, to the metre (six decimals)."""
    return serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
        default=None,
    )


def latitude_field() -> serializers.DecimalField:
    """An optional WGS-84 latitude, to the metre (six decimals)."""
    return serializers.DecimalField(
        max_digits=8,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        required=False,
        allow_null=True,
        default=None,
    )


# Put before `serializers.ModelSerializer`: the fields are worked out from the model once per class
# and each instance gets a copy (DRF introspects the model on every instantiation: ~1 ms for a hazard
# with its timeline, a tenth of a phone's report — issue 9 (c)). Only for serializers whose fields
# do not depend on the instance or its context (a subclass that changes its fields per request does
# so after `get_fields`, on its own copy). A comment, not a docstring: drf-spectacular would publish
# a docstring as the description of every serializer using it.
class FieldsBuiltOnce:
    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built  # per class: a subclass builds its own
        return copy.deepcopy(built)
