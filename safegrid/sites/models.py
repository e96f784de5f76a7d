from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safegrid.core.models import TimeStampedModel
from safegrid.core.scope import Grant, ScopedQuerySet, row_scope_q
from safegrid.orgs.models import Region, Sector

from .choices import BusinessStatus, SiteCategory, SiteKind, SiteSize
from .credit_code import validate_credit_code


class SiteQuerySet(ScopedQuerySet):
    def scope_q(self, grant: Grant, actor, *, write: bool = False) -> Q | None:
        return row_scope_q(grant, region="region_path", sector="sector_id", site="id")


class Site(TimeStampedModel):
    """Site (场所): an enterprise, construction project or public venue under supervision.

    Every site has two owners by law: a sector (行业监管) and a grid (属地管理). `region_path` is the
    grid's path, denormalised so that every scoped query is one indexed prefix condition.
    """

    name = models.CharField(_("名称"), max_length=100)
    category = models.CharField(_("类别"), max_length=16, choices=SiteCategory.choices)
    kind = models.CharField(_("场所类型"), max_length=20, choices=SiteKind.choices)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_credit_code],
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="sites"
    )
    grid = models.ForeignKey(
        Region, verbose_name=_("所属网格"), on_delete=models.PROTECT, related_name="sites"
    )
    region_path = models.CharField(_("区划路径"), max_length=255, editable=False)
    address = models.CharField(_("地址"), max_length=200)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=6, null=True, blank=True)
    is_key = models.BooleanField(_("重点场所"), default=False)
    size = models.CharField(_("规模"), max_length=10, choices=SiteSize.choices, default=SiteSize.SMALL)
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=30, blank=True)
    safety_contact = models.CharField(_("安全负责人"), max_length=30, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    business_status = models.CharField(
        _("经营状态"), max_length=12, choices=BusinessStatus.choices, default=BusinessStatus.OPERATING
    )

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("场所")
        verbose_name_plural = _("场所")
        ordering = ["region_path", "name", "id"]
        indexes = [
            models.Index(
                fields=["region_path"], name="site_path_prefix_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["sector", "region_path"], name="site_sector_path_idx"),
            models.Index(fields=["kind"], name="site_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(category=SiteCategory.ENTERPRISE) | Q(credit_code__isnull=False),
                name="site_enterprise_has_credit_code",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | (Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="site_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | (Q(latitude__gte=-90) & Q(latitude__lte=90)),
                name="site_latitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:site_detail", kwargs={"pk": self.pk})
