"""REST API for attachments: list, detail and multipart upload.

Attachments are read by whoever may view the owner (hazard, inspection or publicity activity), so
the capability gate accepts any owner's view capability and the rows are scoped per owner
(`AttachmentQuerySet.visible_to`). They are added by the same people, except on an activity, whose
photos need the right to record it (checked by the `activity` field's choices and again by the
service)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import UnsupportedMediaType
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from safegrid.accounts.roles import Cap
from safegrid.core.api import ChoiceDisplayField, HasCapability, ScopedPrimaryKeyRelatedField, ScopedViewSet
from safegrid.core.scope import grants_for
from safegrid.hazards import selectors as hazard_selectors
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.inspections import selectors as inspection_selectors
from safegrid.inspections.models import Inspection
from safegrid.publicity import selectors as publicity_selectors
from safegrid.publicity.models import Activity

from . import selectors, services
from .choices import AttachmentKind
from .filters import AttachmentFilterSet
from .models import Attachment
from .validation import max_upload_bytes, too_large_message

OWNER_VIEW = (Cap.VIEW_HAZARD, Cap.VIEW_INSPECTION, Cap.VIEW_PUBLICITY)
# Room for the multipart envelope and the other fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # a malformed header is the multipart parser's to refuse


class HasAnyCapability(HasCapability):
    """Like HasCapability, for actions declared with a tuple of capabilities: one of them suffices."""

    def has_permission(self, request, view) -> bool:
        action_map = getattr(view, "action_map", None)
        if action_map is not None and request.method.lower() not in action_map:
            return True  # no handler for this method: let the view answer 405
        capabilities = view.capability_for_action()
        if not capabilities:
            return False
        return any(grants_for(request.user, capability) for capability in capabilities)


class AttachmentOutput(serializers.ModelSerializer):
    kind_display = ChoiceDisplayField("kind")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "kind",
            "kind_display",
            "hazard",
            "inspection",
            "activity",
            "event",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "width",
            "height",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, obj) -> str:
        return reverse("attachments:download", kwargs={"pk": obj.pk})


class AttachmentCreateInput(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True, help_text=gettext_lazy("JPEG、PNG、WebP 图片或 PDF 文件")
    )
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    hazard = ScopedPrimaryKeyRelatedField(
        model=Hazard,
        scoped=lambda actor: hazard_selectors.hazard_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    inspection = ScopedPrimaryKeyRelatedField(
        model=Inspection,
        scoped=lambda actor: inspection_selectors.inspection_list(actor=actor),
        required=False,
        allow_null=True,
        default=None,
    )
    activity = ScopedPrimaryKeyRelatedField(
        model=Activity,
        scoped=lambda actor: publicity_selectors.activity_list(actor=actor, capability=Cap.RECORD_PUBLICITY),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("宣传活动（须有登记该活动的权限）"),
    )
    event = ScopedPrimaryKeyRelatedField(
        model=HazardEvent,
        scoped=lambda actor: selectors.hazard_event_choices(actor=actor),
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("所记录的隐患处置步骤（可选）"),
    )

    def validate(self, attrs):
        owners = [attrs.get(name) for name in ("hazard", "inspection", "activity")]
        if owners.count(None) != 2:
            raise serializers.ValidationError(str(services.ONE_OWNER))
        return attrs


@extend_schema_view(create=extend_schema(request=AttachmentCreateInput, responses={201: AttachmentOutput}))
class AttachmentViewSet(ScopedViewSet):
    """Photos and files (附件) on the hazards, inspections and publicity activities in the caller's
    scope."""

    permission_classes = [HasAnyCapability]
    capabilities = {"list": OWNER_VIEW, "retrieve": OWNER_VIEW, "create": OWNER_VIEW}
    parser_classes = [MultiPartParser]
    filterset_class = AttachmentFilterSet
    output_serializer_class = AttachmentOutput
    http_method_names = ["get", "post", "head", "options"]

    def list_selector(self, *, actor, capability):
        return selectors.attachment_list(actor=actor)

    def get_serializer_class(self):
        return AttachmentCreateInput if self.action == "create" else AttachmentOutput

    def retrieve(self, request, *args, **kwargs):
        return self.output(selectors.attachment_get(actor=request.user, pk=kwargs["pk"]))

    def create(self, request, *args, **kwargs):
        if _declared_length(request) > max_upload_bytes() + MULTIPART_OVERHEAD_BYTES:
            # Refused before the body is parsed, so an oversized upload is never spooled to disk.
            return Response(
                {"code": "too_large", "detail": too_large_message()},
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=request.user, upload=serializer.validated_data.pop("file"), **serializer.validated_data
        )
        return self.output(attachment, status.HTTP_201_CREATED)

    def handle_exception(self, exc):
        if isinstance(exc, UnsupportedMediaType):
            # The project-wide message asks for JSON; this endpoint wants a form upload.
            return Response(
                {"code": "unsupported_media_type", "detail": _("请使用 multipart/form-data 上传文件。")},
                status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        return super().handle_exception(exc)
