from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safegrid.accounts.roles import Cap
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.inspections.models import Inspection
from safegrid.publicity.models import Activity

from .choices import EXTENSIONS, IMAGE_TYPES, AttachmentKind
from .storage import attachment_storage


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """`YYYY/MM/<uuid>.<ext>`, chosen by the server: the client's file name never reaches the disk."""
    extension = EXTENSIONS.get(instance.content_type, "bin")
    at = timezone.localtime(instance.uploaded_at or timezone.now())
    return f"{at:%Y/%m}/{instance.pk}.{extension}"


class AttachmentQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="site_id")

    def visible_to(self, actor, capability: str | None = None, *, write: bool | None = None):
        """Without a capability, an attachment is visible to whoever may view its owner: a hazard's
        files under the grants holding `hazards.view_hazard`, an inspection's under
        `inspections.view_inspection`, a publicity activity's under `publicity.view_activity` (so a
        role without any of them, e.g. an administrator, sees none).

        An activity's files carry its scope keys (region path, organiser's sector or none, no site),
        so the row rule here gives the activity's own: a grant naming sectors sees none of an activity
        without a sector, and a site-bound grant none at all (site-bound roles hold no publicity
        capability either)."""
        if capability is not None:
            return super().visible_to(actor, capability, write=write)
        of_hazards = super().visible_to(actor, Cap.VIEW_HAZARD).filter(hazard__isnull=False)
        of_inspections = super().visible_to(actor, Cap.VIEW_INSPECTION).filter(inspection__isnull=False)
        of_activities = super().visible_to(actor, Cap.VIEW_PUBLICITY).filter(activity__isnull=False)
        return of_hazards | of_inspections | of_activities


class Attachment(models.Model):
    """Attachment (附件): a photo or file on a hazard (整改前/后照片, 整改佐证), an inspection
    (现场照片, 文件) or a publicity activity (活动照片), optionally tied to the hazard timeline step
    it documents. Exactly one owner.

    The stored bytes are the server's clean copy (images re-encoded without metadata, PDFs as
    sent) under a server-chosen name in private storage. Scope keys are copied from the owner: an
    activity has no site and may have no sector, so those two are empty for its files.
    Rows are written only by `attachments.services`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("隐患"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("检查记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("宣传活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    event = models.ForeignKey(
        HazardEvent,
        verbose_name=_("处置记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    site_id = models.BigIntegerField(_("场所"), null=True, blank=True, editable=False)
    kind = models.CharField(_("附件类型"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(
        _("文件"), storage=attachment_storage, upload_to=attachment_upload_to, max_length=100
    )
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("宽度"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高度"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(
                fields=["region_path", "uploaded_at"],
                name="attach_path_uploaded_idx",
                opclasses=["varchar_pattern_ops", "timestamptz_ops"],
            ),
            models.Index(
                fields=["sector_id", "region_path"],
                name="attach_sector_path_idx",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["site_id", "uploaded_at"], name="attach_site_uploaded_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(hazard__isnull=False) & Q(inspection__isnull=True) & Q(activity__isnull=True))
                | (Q(hazard__isnull=True) & Q(inspection__isnull=False) & Q(activity__isnull=True))
                | (Q(hazard__isnull=True) & Q(inspection__isnull=True) & Q(activity__isnull=False)),
                name="attachment_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(event__isnull=True) | Q(hazard__isnull=False),
                name="attachment_event_needs_hazard",
            ),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_size_positive"),
            models.CheckConstraint(condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES

    @property
    def owner_label(self) -> str:
        """What the attachment belongs to, without client-supplied text (safe for the audit trail)."""
        if self.hazard_id:
            return f"隐患 {self.hazard.number}" if self.hazard else f"隐患 {self.hazard_id}"
        if self.activity_id:
            # The id, not the title: the title is text the client typed.
            return f"宣传活动 {self.activity_id}"
        return f"检查记录 {self.inspection_id}"
