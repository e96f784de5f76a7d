from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q

from .choices import GridDutyRole, OrganisationKind, RegionKind


class RegionQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # A region is visible in the anchor's subtree; a site-bound user sees only its grid.
        return row_scope_q(grant, region="path", sector=None)

    def subtree(self, path: str) -> RegionQuerySet:
        return self.filter(path__startswith=path)


class Region(TimeStampedModel):
    """Administrative region (行政区划) or grid (网格): one node of the region tree.

    `path` is the materialised path of codes from the root ("/360000/360700/360725/360725101/"), so a
    subtree is one indexed prefix query. Codes: GB/T 2260 (6 digits) for province, city and county;
    county code + GB/T 10114 (3 digits) for a township; township code + a 3-digit sequence for a grid.
    Code and parent are fixed once created: every scoped row carries the path, so moving a node is a
    data migration, not an edit.
    """

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    kind = models.PositiveSmallIntegerField(_("层级"), choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("深度"), editable=False)
    geometry = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    center_lon = models.DecimalField(_("中心经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    center_lat = models.DecimalField(_("中心纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    planning_area = models.BooleanField(_("县城规划区"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划")
        verbose_name_plural = _("区划")
        ordering = ["path"]
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs pattern ops under a non-C collation (PERFORMANCE.md).
            models.Index(fields=["path"], name="region_path_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "path"], name="region_kind_path_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(depth=1), name="region_root_depth_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:region_detail", kwargs={"pk": self.pk})

    @property
    def is_grid(self) -> bool:
        return self.kind == RegionKind.GRID

    @property
    def township_kind(self) -> str:
        """GB/T 10114: first digit 0 = 街道, 1 = 镇, 2–3 = 乡, 4–5 = 政企合一单位."""
        if self.kind != RegionKind.TOWNSHIP:
            return ""
        first = self.code[6:7]
        return {"0": "街道", "1": "镇", "2": "乡", "3": "乡", "4": "场", "5": "场"}.get(first, "")


class SectorQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # The committees of the county (or above) that contains the anchor, restricted to the
        # grant's sectors; a site-bound user sees its site's sector only (grant.sector_ids).
        return row_scope_q(grant, region="region_path", sector="id", ancestors=not write)


class Sector(TimeStampedModel):
    """Sector (行业领域) and its safety committee (行业领域安委会) as configured by a county.

    The county's list is data (DOMAIN.md §3.2 gives a typical 14); the lead department (牵头单位)
    is the organisation that handles the sector's escalated hazards.
    """

    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="sectors"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    code = models.SlugField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    committee_name = models.CharField(_("安委会名称"), max_length=80, blank=True)
    lead_department = models.ForeignKey(
        "Organisation",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_sectors",
    )
    member_departments = models.CharField(_("成员单位"), max_length=300, blank=True)
    meetings_per_year = models.PositiveSmallIntegerField(_("每年最少会议次数"), default=4)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = SectorQuerySet.as_manager()

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["region_path", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"],
                name="sector_unique_code_per_region",
                violation_error_message=_("本区划已有相同代码的行业领域。"),
            ),
            models.UniqueConstraint(
                fields=["region", "name"],
                name="sector_unique_name_per_region",
                violation_error_message=_("本区划已有同名的行业领域。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path"], name="sector_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:sector_detail", kwargs={"pk": self.pk})


class OrganisationQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        # Bodies in the subtree, and the bodies above it (the county office a township reports to);
        # organisations without a sector (governments, the office) are visible to sector officers.
        return row_scope_q(
            grant, region="region_path", sector="sector_id", ancestors=True, sector_nullable=True
        )


class Organisation(TimeStampedModel):
    """Organisation (组织机构): a committee, office, department, township government, grid unit,
    enterprise or expert body, tied to the region it serves and, for sector bodies, to its sector."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrganisationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="organisations"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("行业领域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_name = models.CharField(_("联系人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["region_path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="organisation_unique_name_per_region",
                violation_error_message=_("本区划已有同名的组织机构。"),
            ),
        ]
        indexes = [
            models.Index(
                fields=["region_path"], name="org_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:organisation_detail", kwargs={"pk": self.pk})


class GridDutyQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector=None, ancestors=not write)


class GridDuty(TimeStampedModel):
    """Duty list (网格职责清单) of one person role in one grid: who, which duties, how often."""

    grid = models.ForeignKey(Region, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="duties")
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    role = models.CharField(_("岗位"), max_length=32, choices=GridDutyRole.choices)
    person_name = models.CharField(_("姓名"), max_length=30, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duties = models.JSONField(_("职责"), default=list)
    inspection_interval_days = models.PositiveSmallIntegerField(_("巡查周期（天）"), default=90)

    objects = GridDutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格职责")
        verbose_name_plural = _("网格职责")
        ordering = ["region_path", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "role"],
                name="grid_duty_unique_role",
                violation_error_message=_("该网格已设置此岗位的职责。"),
            )
        ]
        indexes = [
            models.Index(
                fields=["region_path"], name="gridduty_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("orgs:gridduty_detail", kwargs={"pk": self.pk})
