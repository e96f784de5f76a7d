from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.hazards.models import Hazard, HazardEvent
from safegrid.orgs.models import Organisation, Region, Sector

from .choices import ActionStatus, MeetingBody, MeetingKind


class DispatchQuerySet(ScopedQuerySet):
    """Meetings and the action items that follow them live at the county (region path of the
    county), with the sector of a sector committee or none.

    Reading: rows in the anchor's subtree or above it (a township officer reads its county's
    meetings); a sector officer reads the county bodies' rows (no sector) and its own committees'.
    Writing: rows in the subtree only, and a sector officer only its own committees' rows."""

    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        if grant.site_id is not None:
            return None  # enterprise staff take no part in the county's meetings
        return row_scope_q(
            grant, region="region_path", sector="sector_id", ancestors=not write, sector_nullable=not write
        )


class Meeting(TimeStampedModel):
    """Dispatch meeting (调度会议) of the county safety committee (县安委会), its office (县安委办)
    or a sector committee (行业领域安委会): when and where, who chaired and attended, the agenda
    summary and the minutes. Agenda items may take escalated hazards at the body's handling level;
    resolutions become action items tracked to done (督办). Scope keys: the county's path and, for a
    sector committee, the sector (`sector_id`)."""

    body = models.CharField(_("会议主体"), max_length=20, choices=MeetingBody.choices)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("县（区）"), on_delete=models.PROTECT, related_name="meetings"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    title = models.CharField(_("会议名称"), max_length=100)
    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("会议地点"), max_length=100, blank=True)
    chair = models.CharField(_("主持人"), max_length=60, blank=True)
    attendees = models.TextField(_("参会人员"), max_length=2000, blank=True)
    attendee_count = models.PositiveIntegerField(_("参会人数"), default=0)
    agenda = models.TextField(_("会议议程"), max_length=4000, blank=True)
    minutes = models.TextField(_("会议纪要"), max_length=20000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("调度会议")
        verbose_name_plural = _("调度会议")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(body__in=MeetingBody.values), name="meeting_body_valid"),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(
                condition=(Q(body=MeetingBody.SECTOR_COMMITTEE) & Q(sector__isnull=False))
                | (~Q(body=MeetingBody.SECTOR_COMMITTEE) & Q(sector__isnull=True)),
                name="meeting_sector_iff_sector_committee",
                violation_error_message=_("行业领域安委会的会议须选择行业领域，其他会议不选行业领域。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "held_on"],
                name="meeting_path_held_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["sector", "held_on"], name="meeting_sector_held_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("dispatch:meeting_detail", kwargs={"pk": self.pk})

    @property
    def body_label(self) -> str:
        """The body's name: the sector committee's own name where it has one."""
        if self.body == MeetingBody.SECTOR_COMMITTEE and self.sector is not None:
            return self.sector.committee_name or f"{self.sector.name}{MeetingBody.SECTOR_COMMITTEE.label}"
        return str(self.get_body_display())


class AgendaItem(models.Model):
    """Agenda item (会议议题) of a meeting, optionally an escalated hazard at the body's handling
    level. Its decision (responsible unit, person, deadline) is applied to the hazard through
    `hazards.services.hazard_assign`; `hazard_event` is the timeline event that decision produced.
    Read and written only through its meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("议题"), max_length=200)
    hazard = models.ForeignKey(
        Hazard,
        verbose_name=_("提请研究的隐患"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    decided = models.BooleanField(_("已作出决定"), default=False)
    decision = models.TextField(_("会议决定"), max_length=2000, blank=True)
    responsible_org = models.ForeignKey(
        Organisation,
        verbose_name=_("责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.CharField(_("责任人"), max_length=30, blank=True)
    deadline = models.DateField(_("完成期限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定录入时间"), null=True, blank=True)
    hazard_event = models.ForeignKey(
        HazardEvent,
        verbose_name=_("隐患交办记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("会议议题")
        verbose_name_plural = _("会议议题")
        ordering = ["meeting_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "hazard"],
                condition=Q(hazard__isnull=False),
                name="agenda_item_hazard_once_per_meeting",
                violation_error_message=_("该隐患已列入本次会议议题。"),
            ),
            models.CheckConstraint(
                condition=Q(decided=False) | Q(decided_at__isnull=False),
                name="agenda_item_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.order}. {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#agenda-{self.pk}"


class ActionItem(TimeStampedModel):
    """Action item (督办事项): one resolution of a meeting (会议决议) given to an owner organisation
    with a deadline, tracked until it is reported done. Overdue is derived (deadline passed, still
    open). Scope keys are copied from the meeting (county path, sector)."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.PROTECT, related_name="action_items"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector_id = models.BigIntegerField(_("行业领域"), null=True, blank=True, editable=False)
    resolution = models.TextField(_("决议事项"), max_length=2000)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="action_items"
    )
    deadline = models.DateField(_("办理期限"))
    status = models.CharField(
        _("办理状态"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN, editable=False
    )
    done_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)
    done_note = models.TextField(_("办理情况"), max_length=2000, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="+"
    )

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_item_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=ActionStatus.DONE) & Q(done_on__isnull=False))
                | (Q(status=ActionStatus.OPEN) & Q(done_on__isnull=True)),
                name="action_item_done_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path", "deadline"],
                name="action_path_deadline_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["sector_id", "status"], name="action_sector_status_idx"),
        ]

    def __str__(self) -> str:
        text = self.resolution.splitlines()[0] if self.resolution else ""
        return text[:60]

    def get_absolute_url(self) -> str:
        return reverse("dispatch:action_item_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.OPEN

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())
