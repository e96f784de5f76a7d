"""API plumbing: capability permission, scoped viewsets, scoped related fields."""

from __future__ import annotations

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from .scope import grants_for


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


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read side of a scoped resource; write actions call services.

    Subclasses set `capabilities` ({action: capability}), `list_selector(actor=, capability=)`,
    `output_serializer_class` and, for writes, `get_serializer_class` (input per action) and
    `perform_service_*`.
    """

    permission_classes = [HasCapability]
    capabilities: dict[str, str] = {}
    http_method_names = ["get", "post", "patch", "head", "options"]
    output_serializer_class = None

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
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_update(
            actor=request.user, instance=instance, data=serializer.validated_data
        )
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
